using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Monitoring.Configuration;

/// <summary>
/// A YAML file flattened to colon-separated keys (<c>manager:url</c>, <c>labels:role</c>, <c>files:read:0</c>),
/// the shape .NET configuration uses, with the line and column of every value kept for error messages.
/// </summary>
internal sealed class YamlSettings
{
    private readonly Dictionary<string, (string? Value, int Line, int Column)> _values;

    private YamlSettings(string? file, Dictionary<string, (string? Value, int Line, int Column)> values)
    {
        File = file;
        _values = values;
    }

    /// <summary>The file the settings came from, or null for text.</summary>
    public string? File { get; }

    /// <summary>Every key and its value; keys compare case-insensitively as in .NET configuration.</summary>
    public IReadOnlyDictionary<string, string?> Values =>
        _values.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>The keys, in file order.</summary>
    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>Reads and flattens a YAML file.</summary>
    /// <exception cref="ConfigurationException">The file is missing or is not valid YAML; the message names the position.</exception>
    public static YamlSettings Load(string path)
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot read the configuration file: {ex.Message}", path, inner: ex);
        }

        return Parse(text, path);
    }

    /// <summary>Flattens YAML text; <paramref name="file"/> only names it in errors.</summary>
    /// <exception cref="ConfigurationException">The text is not valid YAML or its top level is not a mapping.</exception>
    public static YamlSettings Parse(string text, string? file = null)
    {
        var values = new Dictionary<string, (string?, int, int)>(StringComparer.OrdinalIgnoreCase);
        var stream = YamlGuard.Load(text, file);

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new YamlSettings(file, values);
        }

        var root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode)
        {
            throw new ConfigurationException(
                "the top level must be a mapping of keys to values, for example 'interval: 10s'.",
                file, line: (int)root.Start.Line, column: (int)root.Start.Column);
        }

        Flatten(root, "", values, file);
        return new YamlSettings(file, values);
    }

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public string? this[string key] => _values.TryGetValue(key, out var v) ? v.Value : null;

    /// <summary>Where <paramref name="key"/> is in the file, if it is there.</summary>
    public (int Line, int Column)? PositionOf(string key) =>
        _values.TryGetValue(key, out var v) ? (v.Line, v.Column) : null;

    /// <summary>A <see cref="ConfigurationException"/> that points at <paramref name="key"/> in this file.</summary>
    public ConfigurationException ErrorAt(string key, string message)
    {
        var pos = PositionOf(key);
        return new ConfigurationException(message, File, key, pos?.Line, pos?.Column);
    }

    private static void Flatten(YamlNode node, string prefix, Dictionary<string, (string?, int, int)> values, string? file)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var entry in map.Children)
                {
                    if (entry.Key is not YamlScalarNode { Value: { Length: > 0 } name })
                    {
                        throw new ConfigurationException("a key must be a plain name.", file, prefix.Length > 0 ? prefix : null, (int)entry.Key.Start.Line, (int)entry.Key.Start.Column);
                    }

                    var key = prefix.Length == 0 ? name : prefix + ":" + name;
                    if (values.ContainsKey(key))
                    {
                        throw new ConfigurationException("the key appears twice; keep one.", file, key, (int)entry.Key.Start.Line, (int)entry.Key.Start.Column);
                    }

                    Flatten(entry.Value, key, values, file);
                }

                if (map.Children.Count == 0 && prefix.Length > 0)
                {
                    values[prefix] = (null, (int)map.Start.Line, (int)map.Start.Column);
                }

                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    Flatten(seq.Children[i], prefix + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), values, file);
                }

                if (seq.Children.Count == 0)
                {
                    values[prefix] = (null, (int)seq.Start.Line, (int)seq.Start.Column);
                }

                break;
            case YamlScalarNode scalar:
                // A plain '~' or 'null' is YAML's null; a quoted one is the text.
                var isNull = scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "~" or "null" or "Null" or "NULL" or "";
                values[prefix] = (isNull ? null : scalar.Value, (int)scalar.Start.Line, (int)scalar.Start.Column);
                break;
            default:
                throw new ConfigurationException("unsupported YAML node (aliases are not allowed here).", file, prefix, (int)node.Start.Line, (int)node.Start.Column);
        }
    }
}
