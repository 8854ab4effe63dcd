using Monitoring.Metrics;

namespace Monitoring.Manager.Storage.History;

/// <summary>
/// Metric history: snapshots land as rows and are sealed, per agent, into compact chunks; reads see both. Every
/// write returns only once it is committed.
/// </summary>
internal interface IHistoryStore
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>
    /// Stores new snapshots and ignores replayed (agent, seq) pairs, rows and sealed chunks alike, in one transaction.
    /// <paramref name="json"/>, when given, holds each snapshot's JSON, stored as is rather than serialized again.
    /// </summary>
    Task<AppendResult> AppendSnapshotsAsync(
        string agentId, IReadOnlyList<MetricSnapshot> snapshots, IReadOnlyList<byte[]>? json, DateTimeOffset receivedAt, string? address, CancellationToken ct);

    /// <summary>The highest sequence number ever stored for an id, kept even after the agent is removed.</summary>
    Task<long> GetLastSeqAsync(string agentId, CancellationToken ct);

    /// <summary>Snapshots newest first (by seq, or by time within [from, to]), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<MetricSnapshot>> GetSnapshotsAsync(string agentId, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken ct);

    /// <summary>The same snapshots as JSON, one at a time, so a large answer is streamed.</summary>
    IAsyncEnumerable<string> ReadSnapshotJsonAsync(string agentId, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken ct);

    /// <summary>The agent's newest stored snapshot, or null.</summary>
    Task<MetricSnapshot?> GetLatestAsync(string agentId, CancellationToken ct);

    /// <summary>Seals every agent's rows received before <paramref name="cutoff"/> into chunks; returns how many rows were sealed.</summary>
    Task<int> SealAsync(DateTimeOffset cutoff, CancellationToken ct);

    /// <summary>The agent's metrics in [from, to] from one tier: 0 for raw snapshots, 60 or 3600 for the rollups.</summary>
    Task<Monitoring.Protocol.MetricSeries> GetSeriesAsync(string agentId, DateTimeOffset from, DateTimeOffset to, int tierSeconds, CancellationToken ct);

    /// <summary>Deletes 1-minute rollups received before <paramref name="minuteCutoff"/> and 1-hour ones before <paramref name="hourCutoff"/>.</summary>
    Task<int> PurgeRollupsAsync(DateTimeOffset minuteCutoff, DateTimeOffset hourCutoff, CancellationToken ct);

    /// <summary>Deletes rows and chunks the manager received before <paramref name="cutoff"/> (its clock, not the agent's claim).</summary>
    Task<int> PurgeSnapshotsAsync(DateTimeOffset cutoff, CancellationToken ct);
}
