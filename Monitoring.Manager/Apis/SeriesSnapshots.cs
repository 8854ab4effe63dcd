using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Turns rollup points back into snapshots of their averages, so status clients read every tier in one shape.</summary>
internal static class SeriesSnapshots
{
    public static MetricSnapshot From(MetricPoint point)
    {
        double Avg(string name) => point.Metrics.TryGetValue(name, out var s) ? s.Avg : 0;
        var disks = point.Metrics.Keys.Where(k => k.StartsWith("disk.percent:", StringComparison.Ordinal)).Select(k => k["disk.percent:".Length..]);
        var nics = point.Metrics.Keys.Where(k => k.StartsWith("network.rxBytesPerSec:", StringComparison.Ordinal)).Select(k => k["network.rxBytesPerSec:".Length..]);
        return new MetricSnapshot
        {
            Seq = 0,
            Timestamp = point.Timestamp,
            Cpu = new CpuMetrics { Percent = Avg("cpu.percent"), UserPercent = Avg("cpu.userPercent"), SystemPercent = Avg("cpu.systemPercent"), IoWaitPercent = Avg("cpu.ioWaitPercent") },
            Load = point.Metrics.ContainsKey("load.1m") ? new LoadMetrics { OneMinute = Avg("load.1m"), FiveMinutes = Avg("load.5m"), FifteenMinutes = Avg("load.15m") } : null,
            Memory = new MemoryMetrics { Percent = Avg("memory.percent"), UsedBytes = (long)Avg("memory.usedBytes") },
            Swap = new SwapMetrics { Percent = Avg("swap.percent") },
            Disks = [.. disks.Select(m => new DiskMetrics { Mount = m, Percent = Avg("disk.percent:" + m), UsedBytes = (long)Avg("disk.usedBytes:" + m) })],
            Network = [.. nics.Select(n => new NetworkInterfaceMetrics { Name = n, RxBytesPerSec = Avg("network.rxBytesPerSec:" + n), TxBytesPerSec = Avg("network.txBytesPerSec:" + n) })],
            Processes = new ProcessMetrics { Count = (int)Math.Round(Avg("processes.count")) },
        };
    }
}
