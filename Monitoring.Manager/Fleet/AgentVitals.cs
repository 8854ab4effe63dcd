using Monitoring.Metrics;

namespace Monitoring.Manager.Fleet;

/// <summary>The few numbers of a snapshot the fleet view shows, kept per agent in place (no object per report).</summary>
internal readonly record struct AgentVitals(
    DateTimeOffset Timestamp, double Cpu, double Memory, string? WorstDisk, double? WorstDiskPercent, double Rx, double Tx, double Uptime)
{
    public static AgentVitals Of(MetricSnapshot s)
    {
        DiskMetrics? worst = null;
        foreach (var disk in s.Disks)
        {
            if (worst is null || disk.Percent > worst.Percent)
            {
                worst = disk;
            }
        }

        double rx = 0, tx = 0;
        foreach (var nic in s.Network)
        {
            rx += nic.RxBytesPerSec;
            tx += nic.TxBytesPerSec;
        }

        return new AgentVitals(s.Timestamp, s.Cpu.Percent, s.Memory.Percent, worst?.Mount, worst?.Percent, rx, tx, s.UptimeSeconds);
    }
}
