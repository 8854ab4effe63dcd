namespace Monitoring.Protocol;

/// <summary>One agent in a line: what the dashboard's fleet view shows and its live events carry.</summary>
public sealed record AgentSummary
{
    /// <summary>The agent's id.</summary>
    public string Id { get; init; } = "";

    /// <summary>Online or offline.</summary>
    public AgentState Status { get; init; }

    /// <summary>The machine's host name, as the agent reported it.</summary>
    public string? Hostname { get; init; }

    /// <summary>When the manager last heard from the agent.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The newest snapshot's sequence number, or 0.</summary>
    public long Seq { get; init; }

    /// <summary>When the newest snapshot was taken, by the agent's clock.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>CPU busy, percent.</summary>
    public double? Cpu { get; init; }

    /// <summary>Memory in use, percent.</summary>
    public double? Memory { get; init; }

    /// <summary>The fullest file system's mount point.</summary>
    public string? WorstDisk { get; init; }

    /// <summary>The fullest file system's use, percent.</summary>
    public double? WorstDiskPercent { get; init; }

    /// <summary>Bytes received per second over every interface.</summary>
    public double? RxBytesPerSec { get; init; }

    /// <summary>Bytes sent per second over every interface.</summary>
    public double? TxBytesPerSec { get; init; }

    /// <summary>Time since the machine booted.</summary>
    public double? UptimeSeconds { get; init; }

    /// <summary>Alerts of the agent firing now.</summary>
    public int AlertsFiring { get; init; }
}
