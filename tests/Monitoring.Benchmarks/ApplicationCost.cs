using System.Diagnostics;
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
            foreach (var (_, collector) in variants)
            {
                for (var i = 0; i < 2000; i++)
                {
                    collector.Collect();
                }
            }

            var micros = variants.Select(_ => new List<double>()).ToArray();
            var bytes = variants.Select(_ => new List<double>()).ToArray();
            for (var run = 0; run < runs; run++)
            {
                for (var v = 0; v < variants.Length; v++)
                {
                    var allocated = GC.GetAllocatedBytesForCurrentThread();
                    var clock = Stopwatch.StartNew();
                    for (var i = 0; i < count; i++)
                    {
                        variants[v].Collector.Collect();
                    }

                    micros[v].Add(clock.Elapsed.TotalMicroseconds / count);
                    bytes[v].Add((GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)count);
                }
            }

            Console.WriteLine($"{runs} runs of {count} snapshots of each variant, interleaved (after 2000 snapshots of warm-up each).");
            MarkdownTable.Header();
            for (var v = 0; v < variants.Length; v++)
            {
                MarkdownTable.Row($"{variants[v].Name}, µs per snapshot", micros[v], "0.0");
                if (v > 0)
                {
                    MarkdownTable.Row($"{variants[v].Name} / machine only", micros[v].Zip(micros[0], (a, b) => a / b), "0.00");
                }
            }

            for (var v = 0; v < variants.Length; v++)
            {
                MarkdownTable.Row($"{variants[v].Name}, bytes allocated per snapshot", bytes[v], "0");
            }
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
