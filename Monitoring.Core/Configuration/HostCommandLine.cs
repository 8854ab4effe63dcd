using System.CommandLine;
using System.CommandLine.Help;

namespace Monitoring.Configuration;

/// <summary>
/// A host's command line (System.CommandLine) built from its settings schema: one option per setting, each with its
/// YAML key and environment variable in the help, plus the host's own flags. <c>--help</c> and <c>--version</c> print
/// and end the run with 0; an unknown or misspelled option is an error that suggests the closest one, exit code 2.
/// </summary>
internal sealed class HostCommandLine
{
    /// <summary>The exit code for a command line that cannot be used.</summary>
    public const int UsageError = 2;

    private readonly ParseResult _result;
    private readonly Dictionary<string, Option<bool>> _flags;

    private HostCommandLine(ParseResult result, Dictionary<string, string> values, Dictionary<string, Option<bool>> flags, string? error)
    {
        _result = result;
        Values = values;
        _flags = flags;
        Error = error;
    }

    /// <summary>The settings given on the command line, by key.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>What is wrong with the command line, with the closest known option; null when it parsed.</summary>
    public string? Error { get; }

    /// <summary>True when <c>--help</c> or <c>--version</c> was asked for: <see cref="PrintAndExit"/> answers it.</summary>
    public bool IsInformational => Error is null && _result.Action is not null;

    /// <summary>Whether the flag <paramref name="name"/> (for example <c>--once</c>) was given.</summary>
    public bool Flag(string name) => _result.GetValue(_flags[name]);

    /// <summary>Parses <paramref name="args"/> against the schema and the host's flags (switch → description).</summary>
    public static HostCommandLine Parse(string[] args, string description, string environmentPrefix, IReadOnlyList<Setting> schema, IReadOnlyDictionary<string, string>? flags = null)
    {
        var root = new RootCommand(description);
        var options = new List<(Setting Setting, Option<string> Option)>();
        foreach (var setting in schema.Where(s => s.Switch is not null))
        {
            // The key itself (--dataDir, --rateLimits:requestsPerSecondPerCredential) is what .NET configuration took; it stays an alias.
            var keyForm = "--" + setting.Key;
            var option = new Option<string>(setting.Switch!, keyForm == setting.Switch ? [] : [keyForm])
            {
                Description = $"{setting.Description}{(setting.DefaultText is { } d ? $" Default: {d}." : "")} YAML: {setting.Key}; environment: {setting.EnvironmentVariable(environmentPrefix)}.",
                HelpName = "value",
            };
            root.Options.Add(option);
            options.Add((setting, option));
        }

        var flagOptions = new Dictionary<string, Option<bool>>(StringComparer.Ordinal);
        foreach (var flag in flags ?? new Dictionary<string, string>())
        {
            var option = new Option<bool>(flag.Key) { Description = flag.Value };
            root.Options.Add(option);
            flagOptions[flag.Key] = option;
        }

        var sections = schema.Where(s => s.IsSection).ToList();
        if (sections.Count > 0)
        {
            root.Description += " Only in the YAML file or the environment: "
                + string.Join("; ", sections.Select(s => $"{s.Key} ({s.Description} Environment: {s.EnvironmentVariable(environmentPrefix)})")) + ".";
        }

        var result = root.Parse(args);
        string? error = null;
        if (result.Errors.Count > 0 && result.Action is not HelpAction)
        {
            var unknown = result.UnmatchedTokens.FirstOrDefault(t => t.StartsWith("-", StringComparison.Ordinal));
            var known = root.Options.SelectMany(o => new[] { o.Name }.Concat(o.Aliases)).Where(n => n.StartsWith("--", StringComparison.Ordinal));
            error = unknown is not null
                ? $"unknown option '{unknown}'.{(Suggestions.Closest(unknown.Split('=', ':')[0], known) is { } near ? $" Did you mean '{near}'?" : "")} Run with --help for every option."
                : string.Join(" ", result.Errors.Select(e => e.Message)) + " Run with --help for every option.";
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (setting, option) in options)
        {
            if (result.GetResult(option) is not null && result.GetValue(option) is { } value)
            {
                values[setting.Key] = value;
            }
        }

        return new HostCommandLine(result, values, flagOptions, error);
    }

    /// <summary>Prints the help or the version to <paramref name="output"/> and returns the exit code (0).</summary>
    public int PrintAndExit(TextWriter output) =>
        _result.Invoke(new InvocationConfiguration { Output = output, Error = output, EnableDefaultExceptionHandler = false });
}
