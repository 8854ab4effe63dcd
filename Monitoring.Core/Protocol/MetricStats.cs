namespace Monitoring.Protocol;

/// <summary>A metric's minimum, average and maximum over a point's bucket (all three equal for a raw snapshot).</summary>
public sealed record MetricStats
{
    /// <summary>The lowest value.</summary>
    public double Min { get; init; }

    /// <summary>The mean value.</summary>
    public double Avg { get; init; }

    /// <summary>The highest value.</summary>
    public double Max { get; init; }
}
