using Monitoring.Metrics;

namespace Monitoring.Manager.Tests.Agent;

/// <summary>A collector that returns the same small snapshot: many agent runtimes in one test without reading /proc each.</summary>
internal sealed class FixedCollector : IMetricCollector
{
    public MetricSnapshot Collect() => TestManager.Snapshot(0, DateTimeOffset.UtcNow);

    public void Dispose()
    {
    }
}
