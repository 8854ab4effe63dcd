namespace Monitoring.Protocol;

/// <summary>
/// Which alerts a receiver gets and how they are bundled: alerts whose severity, agent and labels match are grouped
/// by <see cref="GroupBy"/>; a group's first message waits <see cref="GroupWaitSeconds"/> so that a fleet-wide
/// problem sends one message, changes to the group follow at most every <see cref="GroupIntervalSeconds"/>, and
/// alerts that stay firing (unacknowledged) are sent again every <see cref="RepeatIntervalSeconds"/>.
/// </summary>
public sealed record NotificationRoute
{
    /// <summary>The severities it takes; every severity when empty or left out.</summary>
    public IReadOnlyList<AlertSeverity>? Severities { get; init; }

    /// <summary>Agent ids it takes (wildcards * and ?); every agent when left out.</summary>
    public string? Agents { get; init; }

    /// <summary>Labels an alert must have, each value a pattern (wildcards * and ?).</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>What makes a group: <c>rule</c>, <c>agent</c>, <c>severity</c>, <c>metric</c>, <c>target</c> or a label's name; <c>rule</c> when left out.</summary>
    public IReadOnlyList<string>? GroupBy { get; init; }

    /// <summary>How long a new group collects alerts before its first message; 30 s when left out.</summary>
    public double? GroupWaitSeconds { get; init; }

    /// <summary>The least time between two messages about changes to one group; 5 min when left out.</summary>
    public double? GroupIntervalSeconds { get; init; }

    /// <summary>How often alerts that stay firing are sent again; 4 h when left out.</summary>
    public double? RepeatIntervalSeconds { get; init; }

    /// <summary>Send a message when alerts resolve; true when left out.</summary>
    public bool? SendResolved { get; init; }
}
