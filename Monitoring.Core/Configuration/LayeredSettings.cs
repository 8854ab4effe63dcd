using System.Collections;
using System.Globalization;

namespace Monitoring.Configuration;

/// <summary>
/// A host's settings from three layers, lowest first: the YAML file, environment variables under the host's prefix
/// (<c>__</c> for each colon) and the command line. Keys the schema does not know are refused in the file with its
/// line and column; each typed read validates once and names where the winning value came from.
/// </summary>
internal sealed class LayeredSettings
{
    private readonly IReadOnlyList<Setting> _schema;
    private readonly string _prefix;
    private readonly Dictionary<string, string?> _environment;
    private readonly IReadOnlyDictionary<string, string> _commandLine;

    private LayeredSettings(IReadOnlyList<Setting> schema, string prefix, YamlSettings? yaml, Dictionary<string, string?> environment, IReadOnlyDictionary<string, string> commandLine)
    {
        _schema = schema;
        _prefix = prefix;
        Yaml = yaml;
        _environment = environment;
        _commandLine = commandLine;
    }

    /// <summary>The YAML file's settings, when a file was given.</summary>
    public YamlSettings? Yaml { get; }

    /// <summary>
    /// Reads the layers. The file is the <c>config</c> setting (command line, then environment); <paramref name="host"/>
    /// names the host in messages ("the agent").
    /// </summary>
    /// <exception cref="ConfigurationException">The file cannot be read, is not valid YAML or holds a key the host does not know.</exception>
    public static LayeredSettings Load(IReadOnlyList<Setting> schema, string environmentPrefix, IReadOnlyDictionary<string, string> commandLine, string host)
    {
        var environment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith(environmentPrefix, StringComparison.OrdinalIgnoreCase))
            {
                environment[name.Substring(environmentPrefix.Length).Replace("__", ":")] = entry.Value as string;
            }
        }

        var path = commandLine.TryGetValue("config", out var fromArgs) ? fromArgs : environment.TryGetValue("config", out var fromEnv) ? fromEnv : null;
        YamlSettings? yaml = null;
        if (!string.IsNullOrEmpty(path))
        {
            yaml = YamlSettings.Load(path!);
            foreach (var key in yaml.Keys)
            {
                if (!schema.Any(s => s.Covers(key)))
                {
                    var known = schema.Where(s => s.Key != "config").Select(s => s.Key).ToList();
                    var hint = Suggestions.Closest(key, known) is { } near ? $" Did you mean '{near}'?" : "";
                    throw yaml.ErrorAt(key, $"unknown key.{hint} Keys {host} knows: {string.Join(", ", known)}.");
                }
            }
        }

        return new LayeredSettings(schema, environmentPrefix, yaml, environment, commandLine);
    }

    /// <summary>The winning text of <paramref name="key"/>, or null when no layer sets it.</summary>
    public string? Text(string key)
    {
        if (_commandLine.TryGetValue(key, out var c))
        {
            return c;
        }

        if (_environment.TryGetValue(key, out var e))
        {
            return e;
        }

        return Yaml?[key];
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or <paramref name="fallback"/> when unset.</summary>
    public long Whole(string key, long fallback, long min, long max)
    {
        if (Text(key) is not { Length: > 0 } text)
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw Error(key, $"'{text}' is not a whole number from {min} to {max}.");
        }

        return value;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or <paramref name="fallback"/> when unset.</summary>
    public int Whole(string key, int fallback, int min, int max) => (int)Whole(key, (long)fallback, min, max);

    /// <summary>A duration such as <c>10s</c> or <c>2h</c> within the bounds, or <paramref name="fallback"/> when unset.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan? min = null, TimeSpan? max = null)
    {
        if (Text(key) is not { Length: > 0 } text)
        {
            return fallback;
        }

        var low = min ?? TimeSpan.Zero;
        if (!Configuration.Duration.TryParse(text, out var value) || value < low || (max is { } high && value > high))
        {
            var range = max is { } top ? $"from {Configuration.Duration.Format(low)} to {Configuration.Duration.Format(top)}" : $"of at least {Configuration.Duration.Format(low)}";
            throw Error(key, $"'{text}' is not a duration {range}; write for example 500ms, 10s, 5m, 2h or 30d.");
        }

        return value;
    }

    /// <summary>true or false, or <paramref name="fallback"/> when unset.</summary>
    public bool Boolean(string key, bool fallback)
    {
        if (Text(key) is not { Length: > 0 } text)
        {
            return fallback;
        }

        return bool.TryParse(text, out var value) ? value : throw Error(key, $"'{text}' is not true or false.");
    }

    /// <summary>
    /// A list: the items of the highest layer that sets it (<c>key:0</c>, <c>key:1</c>…), or one text split on spaces
    /// (<c>restartCommand: systemctl reboot</c>); null when no layer sets it.
    /// </summary>
    public List<string>? List(string key)
    {
        if (Text(key) is { Length: > 0 } single)
        {
            return [.. single.Split([' '], StringSplitOptions.RemoveEmptyEntries)];
        }

        foreach (var layer in Layers())
        {
            var items = layer
                .Where(kv => kv.Key.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(kv.Key.Substring(key.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .OrderBy(kv => int.Parse(kv.Key.Substring(key.Length + 1), CultureInfo.InvariantCulture))
                .Select(kv => kv.Value)
                .OfType<string>()
                .ToList();
            if (items.Count > 0)
            {
                return items;
            }
        }

        return null;
    }

    /// <summary>The free-form keys under a section (<c>labels:role</c> → <c>role</c>), higher layers winning per key.</summary>
    public Dictionary<string, string> Section(string key)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var layer in Layers().Reverse())
        {
            foreach (var kv in layer)
            {
                if (kv.Key.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase) && kv.Value is not null)
                {
                    result[kv.Key.Substring(key.Length + 1)] = kv.Value;
                }
            }
        }

        return result;
    }

    /// <summary>An error about <paramref name="key"/> that names where its value came from: the file with line and column, the environment variable or the option.</summary>
    public ConfigurationException Error(string key, string message)
    {
        if (_commandLine.ContainsKey(key))
        {
            var option = _schema.FirstOrDefault(s => s.Key.Equals(key, StringComparison.OrdinalIgnoreCase))?.Switch ?? "--" + key;
            return new ConfigurationException(message, "option " + option, key);
        }

        if (_environment.ContainsKey(key))
        {
            return new ConfigurationException(message, "environment variable " + _prefix + key.Replace(":", "__").ToUpperInvariant(), key);
        }

        return Yaml?.PositionOf(key) is not null ? Yaml.ErrorAt(key, message) : new ConfigurationException(message, key: key);
    }

    /// <summary>The layers from the highest (command line) to the lowest (file).</summary>
    private IEnumerable<IEnumerable<KeyValuePair<string, string?>>> Layers()
    {
        yield return _commandLine.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value));
        yield return _environment;
        if (Yaml is not null)
        {
            yield return Yaml.Values;
        }
    }
}
