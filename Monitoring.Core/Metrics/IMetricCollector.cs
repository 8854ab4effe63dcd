namespace Monitoring.Metrics;

/// <summary>Samples the metrics of the machine it runs on.</summary>
public interface IMetricCollector : IDisposable
{
    /// <summary>
    /// Takes a sample. Rates and CPU percentages cover the time since the previous call (or since the
    /// collector was created), so the call never blocks to measure. <see cref="MetricSnapshot.Seq"/> is left 0.
    /// </summary>
    MetricSnapshot Collect();
}
