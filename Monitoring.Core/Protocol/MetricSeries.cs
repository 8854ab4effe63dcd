namespace Monitoring.Protocol;

/// <summary>An agent's metrics over a time range, from the tier that fits the range: raw snapshots, 1-minute or 1-hour rollups.</summary>
public sealed record MetricSeries
{
    /// <summary>The agent.</summary>
    public string AgentId { get; init; } = "";

    /// <summary>The tier the points come from: <c>raw</c>, <c>1m</c> or <c>1h</c>.</summary>
    public string Tier { get; init; } = "";

    /// <summary>The points, oldest first.</summary>
    public IReadOnlyList<MetricPoint> Points { get; init; } = [];
}
