using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitoring.Protocol;

/// <summary>The JSON type of a command argument.</summary>
public enum CommandArgumentType
{
    /// <summary>A whole number.</summary>
    [JsonStringEnumMemberName("integer")]
    Integer,

    /// <summary>Text.</summary>
    [JsonStringEnumMemberName("string")]
    String,

    /// <summary>true or false.</summary>
    [JsonStringEnumMemberName("boolean")]
    Boolean,
}

/// <summary>One argument a command accepts.</summary>
public sealed record CommandArgumentDefinition
{
    /// <summary>The argument's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Its JSON type.</summary>
    public CommandArgumentType Type { get; init; }

    /// <summary>What it does, for a person.</summary>
    public string? Description { get; init; }

    /// <summary>True when it must be given.</summary>
    public bool Required { get; init; }

    /// <summary>The smallest integer allowed.</summary>
    public long? Minimum { get; init; }

    /// <summary>The largest integer allowed, or the longest string.</summary>
    public long? Maximum { get; init; }

    /// <summary>The only string values allowed, when the set is closed.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }
}

/// <summary>A command an agent can run: its name, purpose and typed arguments.</summary>
public sealed record CommandDefinition
{
    /// <summary>The command's wire name, snake_case.</summary>
    public string Name { get; init; } = "";

    /// <summary>What it does, for a person.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// True when running it again after the agent stopped mid-run is safe and continues the work (a file
    /// transfer resumes). Otherwise a command interrupted that way is reported failed, never run twice.
    /// </summary>
    public bool Resumable { get; init; }

    /// <summary>
    /// True when it only reads (status, processes, logs): running it again changes nothing, so the agent does not
    /// wait for the record of its start to reach the disk, and a dashboard may offer it without a confirmation.
    /// </summary>
    public bool ReadOnly { get; init; }

    /// <summary>The arguments it accepts; any other is refused.</summary>
    public IReadOnlyList<CommandArgumentDefinition> Arguments { get; init; } = [];

    /// <summary>Checks arguments against this definition.</summary>
    /// <returns>Null when they are valid, else a message that names the argument and what is allowed.</returns>
    public string? Validate(IReadOnlyDictionary<string, JsonElement>? arguments)
    {
        arguments ??= new Dictionary<string, JsonElement>();
        foreach (var name in arguments.Keys)
        {
            if (!Arguments.Any(a => a.Name == name))
            {
                return Arguments.Count == 0
                    ? $"'{Name}' takes no arguments; remove '{name}'."
                    : $"'{Name}' has no argument '{name}'; it takes: {string.Join(", ", Arguments.Select(Describe))}.";
            }
        }

        foreach (var arg in Arguments)
        {
            if (!arguments.TryGetValue(arg.Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (arg.Required)
                {
                    return $"'{Name}' needs the argument {Describe(arg)}.";
                }

                continue;
            }

            var error = arg.Type switch
            {
                CommandArgumentType.Integer => CheckInteger(arg, value),
                CommandArgumentType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "must be true or false",
                _ => CheckString(arg, value),
            };
            if (error is not null)
            {
                return $"Argument '{arg.Name}' of '{Name}' {error}; got {value.GetRawText()}.";
            }
        }

        return null;
    }

    private static string? CheckInteger(CommandArgumentDefinition arg, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n))
        {
            return "must be a whole number" + Range(arg);
        }

        return (arg.Minimum is { } min && n < min) || (arg.Maximum is { } max && n > max) ? "is out of range" + Range(arg) : null;
    }

    private static string? CheckString(CommandArgumentDefinition arg, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return "must be a string";
        }

        var s = value.GetString()!;
        if (arg.AllowedValues is { Count: > 0 } allowed && !allowed.Contains(s))
        {
            return $"must be one of {string.Join(", ", allowed)}";
        }

        return arg.Maximum is { } max && s.Length > max ? $"must be at most {max} characters" : null;
    }

    private static string Range(CommandArgumentDefinition arg) =>
        arg.Minimum is { } min && arg.Maximum is { } max
            ? string.Format(CultureInfo.InvariantCulture, " from {0} to {1}", min, max)
            : "";

    private static string Describe(CommandArgumentDefinition arg) =>
        arg.Name + " (" + arg.Type.ToString().ToLowerInvariant() + Range(arg)
        + (arg.AllowedValues is { Count: > 0 } v ? ": " + string.Join("|", v) : "") + ")";
}
