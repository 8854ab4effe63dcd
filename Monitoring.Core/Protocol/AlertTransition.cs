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

    /// <summary>How urgent it is.</summary>
    public AlertSeverity Severity { get; init; } = AlertSeverity.Warning;

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
}

/// <summary>The manager's acknowledgement of posted alert transitions.</summary>
public sealed record AlertsAck
{
    /// <summary>How many transitions were new and stored.</summary>
    public int Accepted { get; init; }

    /// <summary>How many were replays and were ignored.</summary>
    public int Duplicates { get; init; }
}
