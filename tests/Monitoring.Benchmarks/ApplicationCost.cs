using Microsoft.Extensions.Logging.Abstractions;
using Monitoring.Agent;
using Monitoring.Metrics;

namespace Monitoring.Benchmarks;

/// <summary>
/// What reporting the embedding app (services.AddMonitoringAgent(...).ReportApplication().AddValue(...)) adds to a
/// snapshot: the Linux collector on this machine's /proc alone, with the app's process figures, and with those and
/// eight values the app reads; interleaved in each run.
/// </summary>
internal static class ApplicationCost
{
    public static void Run(int count, int runs)
    {
        IMetricCollector Machine() => new LinuxMetricCollector("/proc", null, HardwareSensors.None);
        var withValues = new ApplicationOptions { Name = "bench" };
        var queue = new Queue<int>(Enumerable.Range(0, 100));
        for (var i = 0; i < 8; i++)
        {
            var n = i;
            withValues.Values["value." + i] = () => queue.Count + n;
        }

        var variants = new (string Name, IMetricCollector Collector)[]
        {
            ("machine only", Machine()),
            ("+ the app's process", new ApplicationCollector(Machine(), new ApplicationOptions { Name = "bench" }, TimeProvider.System, NullLogger.Instance)),
            ("+ the app's process and 8 values", new ApplicationCollector(Machine(), withValues, TimeProvider.System, NullLogger.Instance)),
        };
        try
        {
            CollectorComparison.Run(variants, count, runs);
        }
        finally
        {
            foreach (var (_, collector) in variants)
            {
                collector.Dispose();
            }
        }
    }
}
