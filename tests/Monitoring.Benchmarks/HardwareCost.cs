using System.Diagnostics;
using Monitoring.Metrics;

namespace Monitoring.Benchmarks;

/// <summary>
/// What GPUs and temperature sensors add to a snapshot: the Linux collector on this machine's /proc alone, with the two
/// GPUs of the NVML stand-in (tests/fakes/nvml: the real loading and calls, none of a driver's work), with the 13
/// sensors of the test sysfs tree (regular files, read as sysfs attributes are), and with both; interleaved in each run.
/// </summary>
internal static class HardwareCost
{
    public static void Run(int count, int runs)
    {
        var sys = Directory.CreateTempSubdirectory("monitoring-bench-sys-").FullName;
        TestFiles.CopyTree(Path.Combine(ServerProcess.RepoRoot, "tests", "Monitoring.Core.Tests", "Metrics", "Fixtures", "sys"), sys);
        HardwareSensors Gpus() => new(GpuCollector.Open(NvmlLibrary.TryLoad(FakeNvml.LibraryPath, out _)!, out var d), d, null);
        HardwareSensors Sensors() => new(null, "none", new SysfsTemperatures(sys, TimeProvider.System));
        HardwareSensors Both() => new(GpuCollector.Open(NvmlLibrary.TryLoad(FakeNvml.LibraryPath, out _)!, out var d), d, new SysfsTemperatures(sys, TimeProvider.System));
        var variants = new (string Name, LinuxMetricCollector Collector)[]
        {
            ("system counters only", new LinuxMetricCollector("/proc", null, HardwareSensors.None)),
            ("+ 2 GPUs", new LinuxMetricCollector("/proc", null, Gpus())),
            ("+ 13 temperature sensors", new LinuxMetricCollector("/proc", null, Sensors())),
            ("+ both", new LinuxMetricCollector("/proc", null, Both())),
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
                    MarkdownTable.Row($"{variants[v].Name} / system counters only", micros[v].Zip(micros[0], (a, b) => a / b), "0.00");
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

            Directory.Delete(sys, recursive: true);
        }
    }
}
