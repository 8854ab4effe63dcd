namespace Monitoring.Protocol;

/// <summary>
/// One point of a <see cref="MetricSeries"/>: a snapshot (raw tier) or a bucket of snapshots (rollup tiers), with
/// each metric's minimum, average and maximum over the bucket. Metric names are <c>cpu.percent</c>,
/// <c>memory.percent</c>, <c>disk.percent:/var</c>, <c>network.rxBytesPerSec:eth0</c> and so on.
/// </summary>
public sealed record MetricPoint
{
    /// <summary>The snapshot's time, or the bucket's start.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>How many snapshots the point summarises.</summary>
    public int Count { get; init; }

    /// <summary>Each metric's minimum, average and maximum.</summary>
    public IReadOnlyDictionary<string, MetricStats> Metrics { get; init; } = new Dictionary<string, MetricStats>();
}
