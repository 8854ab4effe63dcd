using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>An enrolled agent as stored: identity, token hash and what it said about itself.</summary>
internal sealed record StoredAgent
{
    public string Id { get; init; } = "";

    public string TokenHash { get; init; } = "";

    public string? Hostname { get; init; }

    public string? Os { get; init; }

    public string? OsVersion { get; init; }

    public string? AgentVersion { get; init; }

    public double IntervalSeconds { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public DateTimeOffset RegisteredAt { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    public long LastSeq { get; init; }

    public string? Address { get; init; }

    /// <summary>Active, pending approval, or reset (its token revoked, its id free to enroll once).</summary>
    public AgentEnrollment Enrollment { get; init; }

    /// <summary>SHA-256 of the installation's instance key; an enrollment for this id with the same key is the same machine retrying.</summary>
    public string? InstanceKeyHash { get; init; }

    /// <summary>The id of the enrollment token the agent enrolled with; its labels are stamped on every registration.</summary>
    public string? EnrolledWith { get; init; }

    /// <summary>The commands the agent advertised when it registered; null for an agent that advertised none.</summary>
    public IReadOnlyList<CommandDefinition>? Commands { get; init; }
}
