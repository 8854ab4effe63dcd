using System.Text.Json.Serialization;
using Monitoring.Metrics;

namespace Monitoring.Protocol;

/// <summary>Whether an agent is reporting.</summary>
public enum AgentState
{
    /// <summary>The agent reported within its allowed number of missed intervals.</summary>
    [JsonStringEnumMemberName("online")]
    Online,

    /// <summary>The agent missed more intervals than allowed.</summary>
    [JsonStringEnumMemberName("offline")]
    Offline,
}

/// <summary>An enrolled agent as the manager sees it.</summary>
public sealed record AgentInfo
{
    /// <summary>The agent's id.</summary>
    public string Id { get; init; } = "";

    /// <summary>Online or offline.</summary>
    public AgentState Status { get; init; }

    /// <summary>Active, pending approval, or reset by an admin.</summary>
    public AgentEnrollment Enrollment { get; init; }

    /// <summary>When the agent last reported or registered.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>When the agent first enrolled.</summary>
    public DateTimeOffset RegisteredAt { get; init; }

    /// <summary>The remote address the agent last connected from.</summary>
    public string? Address { get; init; }

    /// <summary>The machine's host name.</summary>
    public string? Hostname { get; init; }

    /// <summary>The operating system family.</summary>
    public string? Os { get; init; }

    /// <summary>The operating system's description.</summary>
    public string? OsVersion { get; init; }

    /// <summary>The agent's version.</summary>
    public string? AgentVersion { get; init; }

    /// <summary>The agent's reporting interval in seconds.</summary>
    public double IntervalSeconds { get; init; }

    /// <summary>The agent's labels.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The highest snapshot sequence number stored.</summary>
    public long LastSeq { get; init; }

    /// <summary>Snapshots the agent dropped, in all, because its spool was full during an outage (from its latest report).</summary>
    public long DroppedSnapshots { get; init; }

    /// <summary>The latest snapshot, or null before the first report.</summary>
    public MetricSnapshot? Latest { get; init; }

    /// <summary>
    /// The commands the agent offered when it enrolled, built-in and its own (an app's handlers), with their
    /// arguments; in the answer for one agent (<c>GET /api/v1/agents/{id}</c>), absent from the fleet list.
    /// </summary>
    public IReadOnlyList<CommandDefinition>? Commands { get; init; }
}
