using System.Diagnostics;
using System.Globalization;
using Monitoring.Metrics;

namespace Monitoring.Benchmarks;

/// <summary>
/// One full snapshot (CPU total and per core, load, memory, swap, every real filesystem, every interface with rates,
/// uptime, process count) from the SDK's collector, against Debian's python3-psutil doing the same reads in the same
/// run: time per snapshot, and bytes the collector allocates per snapshot in steady state.
/// </summary>
internal static class SnapshotCost
{
    /// <summary>The same reads through psutil, timed inside Python so interpreter start-up does not count.</summary>
    private const string PsutilScript = """
        import psutil, sys, time
        def snapshot():
            psutil.cpu_times(); psutil.cpu_times(percpu=True); psutil.getloadavg()
            psutil.virtual_memory(); psutil.swap_memory()
            for p in psutil.disk_partitions(all=False): psutil.disk_usage(p.mountpoint)
            psutil.net_io_counters(pernic=True); psutil.boot_time(); len(psutil.pids())
        n = int(sys.argv[1])
        for _ in range(50): snapshot()
        start = time.perf_counter()
        for _ in range(n): snapshot()
        print((time.perf_counter() - start) / n * 1e6)
        """;

    public static async Task RunAsync(int count, int runs)
    {
        var script = Path.Combine(Path.GetTempPath(), $"psutil-snapshot-{Environment.ProcessId}.py");
        await File.WriteAllTextAsync(script, PsutilScript);
        using var collector = MetricCollector.CreateDefault(TimeProvider.System);
        for (var i = 0; i < 2000; i++)
        {
            collector.Collect();
        }

        var results = new List<(double Ours, double Psutil, double Allocated)>();
        for (var run = 0; run < runs; run++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                collector.Collect();
            }

            var ours = clock.Elapsed.TotalMicroseconds / count;
            var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)count;
            results.Add((ours, await PsutilAsync(script, count), bytes));
        }

        File.Delete(script);
        Console.WriteLine($"{runs} runs of {count} snapshots each, the collector and psutil interleaved (after 2000 snapshots of warm-up for the collector and 50 for psutil).");
        MarkdownTable.Header();
        MarkdownTable.Row("psutil, µs per snapshot", results.Select(r => r.Psutil), "0");
        MarkdownTable.Row("collector, µs per snapshot", results.Select(r => r.Ours), "0");
        MarkdownTable.Row("collector / psutil", results.Select(r => r.Ours / r.Psutil), "0.00");
        MarkdownTable.Row("collector, bytes allocated per snapshot", results.Select(r => r.Allocated), "0");
    }

    private static async Task<double> PsutilAsync(string script, int count)
    {
        var info = new ProcessStartInfo("/usr/bin/python3", [script, count.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true };
        using var python = Process.Start(info)!;
        var output = await python.StandardOutput.ReadToEndAsync();
        await python.WaitForExitAsync();
        return python.ExitCode == 0
            ? double.Parse(output.Trim(), CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("psutil failed: install python3-psutil (apt-get install python3-psutil).");
    }

}
