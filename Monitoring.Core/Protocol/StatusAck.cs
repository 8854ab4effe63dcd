namespace Monitoring.Protocol;

/// <summary>The manager's acknowledgement of a status post, sent only once the snapshots are durable.</summary>
public sealed record StatusAck
{
    /// <summary>How many snapshots were new and stored.</summary>
    public int Accepted { get; init; }

    /// <summary>How many were replays of sequence numbers already stored, and were ignored.</summary>
    public int Duplicates { get; init; }

    /// <summary>The highest sequence number now stored for the agent.</summary>
    public long LastSeq { get; init; }

    /// <summary>The version of the manager's central threshold rules; an agent fetches them when it changes.</summary>
    public string? ThresholdsVersion { get; init; }
}
