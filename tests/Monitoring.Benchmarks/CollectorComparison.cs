using System.Diagnostics;
using Monitoring.Metrics;

namespace Monitoring.Benchmarks;

/// <summary>
/// Times collectors against the first (the baseline), interleaved in each run so the machine's noise falls on all
/// alike, and prints microseconds and bytes allocated per snapshot with each one's ratio to the baseline.
/// </summary>
internal static class CollectorComparison
{
    public static void Run(IReadOnlyList<(string Name, IMetricCollector Collector)> variants, int count, int runs)
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
            for (var v = 0; v < variants.Count; v++)
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
        for (var v = 0; v < variants.Count; v++)
        {
            MarkdownTable.Row($"{variants[v].Name}, µs per snapshot", micros[v], "0.0");
            if (v > 0)
            {
                MarkdownTable.Row($"{variants[v].Name} / {variants[0].Name}", micros[v].Zip(micros[0], (a, b) => a / b), "0.00");
            }
        }

        for (var v = 0; v < variants.Count; v++)
        {
            MarkdownTable.Row($"{variants[v].Name}, bytes allocated per snapshot", bytes[v], "0");
        }
    }
}
