using System.Text.Json.Serialization;

namespace Monitoring.Protocol;

/// <summary>The state an alert moved into.</summary>
public enum AlertState
{
    /// <summary>The rule's condition held long enough.</summary>
    [JsonStringEnumMemberName("firing")]
    Firing,

    /// <summary>The rule's clear condition holds again.</summary>
    [JsonStringEnumMemberName("resolved")]
    Resolved,
}

/// <summary>How urgent an alert is.</summary>
public enum AlertSeverity
{
    /// <summary>Worth knowing.</summary>
    [JsonStringEnumMemberName("info")]
    Info,

    /// <summary>Needs attention soon.</summary>
    [JsonStringEnumMemberName("warning")]
    Warning,

    /// <summary>Needs attention now.</summary>
    [JsonStringEnumMemberName("critical")]
    Critical,
}

/// <summary>One alert transition (firing or resolved) raised by an agent.</summary>
public sealed record AlertTransition
{
    /// <summary>Stable identity of the alert: rule and target, so replays do not duplicate it.</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>The rule's name.</summary>
    public string Rule { get; init; } = "";

    /// <summary>Firing or resolved.</summary>
    public AlertState State { get; init; }

    /// <summary>How urgent it is; warning when a sender leaves it out.</summary>
    /// <remarks>A setter rather than init: JSON source generation fills init-only properties like constructor
    /// arguments, which would turn a missing severity into the enum's first value (info).</remarks>
    public AlertSeverity Severity { get; set; } = AlertSeverity.Warning;

    /// <summary>The metric the rule watches, for example <c>cpu.percent</c>.</summary>
    public string? Metric { get; init; }

    /// <summary>The target within the metric, for example a mount point.</summary>
    public string? Target { get; init; }

    /// <summary>The value that caused the transition.</summary>
    public double? Value { get; init; }

    /// <summary>The threshold it crossed.</summary>
    public double? Threshold { get; init; }

    /// <summary>A message for a person.</summary>
    public string? Message { get; init; }

    /// <summary>When the transition happened on the agent.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Firing: when the condition began to hold. Resolved: when the alert fired.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Resolved: how long the alert was firing, in seconds.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>The rule's labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>A stored alert transition, as an admin reads it.</summary>
public sealed record AlertRecord
{
    /// <summary>The manager's id of this record.</summary>
    public long Id { get; init; }

    /// <summary>The agent that raised it.</summary>
    public string AgentId { get; init; } = "";

    /// <summary>When the manager received it.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The transition itself.</summary>
    public AlertTransition Transition { get; init; } = new();

    /// <summary>True when a silence matched it: recorded, but not to be paged on.</summary>
    public bool Silenced { get; init; }

    /// <summary>Who acknowledged it, if anyone.</summary>
    public string? AcknowledgedBy { get; init; }

    /// <summary>When it was acknowledged.</summary>
    public DateTimeOffset? AcknowledgedAt { get; init; }
}

/// <summary>A silence: alerts of matching agents and rules are recorded but marked silenced until it ends.</summary>
public sealed record Silence
{
    /// <summary>The silence's id.</summary>
    public string Id { get; init; } = "";

    /// <summary>Agent ids it covers (wildcards); every agent when null.</summary>
    public string? Agent { get; init; }

    /// <summary>Rule names it covers (wildcards); every rule when null.</summary>
    public string? Rule { get; init; }

    /// <summary>When it ends.</summary>
    public DateTimeOffset Until { get; init; }

    /// <summary>Why, for the people who see silenced alerts.</summary>
    public string? Reason { get; init; }

    /// <summary>Who created it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>The manager's central threshold rules, as YAML, with a version agents compare.</summary>
public sealed record ThresholdsDocument
{
    /// <summary>A hash of the YAML; changes whenever the rules do.</summary>
    public string Version { get; init; } = "";

    /// <summary>The rules, in the same YAML form as an agent's thresholds.</summary>
    public string Yaml { get; init; } = "";
}

/// <summary>The manager's acknowledgement of posted alert transitions.</summary>
public sealed record AlertsAck
{
    /// <summary>How many transitions were new and stored.</summary>
    public int Accepted { get; init; }

    /// <summary>How many were replays and were ignored.</summary>
    public int Duplicates { get; init; }
}
