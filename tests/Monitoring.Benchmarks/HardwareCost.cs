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
        var variants = new (string Name, IMetricCollector Collector)[]
        {
            ("system counters only", new LinuxMetricCollector("/proc", null, HardwareSensors.None)),
            ("+ 2 GPUs", new LinuxMetricCollector("/proc", null, Gpus())),
            ("+ 13 temperature sensors", new LinuxMetricCollector("/proc", null, Sensors())),
            ("+ both", new LinuxMetricCollector("/proc", null, Both())),
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

            Directory.Delete(sys, recursive: true);
        }
    }
}
