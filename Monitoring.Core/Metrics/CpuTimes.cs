namespace Monitoring.Metrics;

/// <summary>Cumulative processor time counters, in any consistent unit (jiffies, 100 ns ticks).</summary>
internal readonly record struct CpuTimes(
    ulong User, ulong Nice, ulong System, ulong Idle, ulong IoWait, ulong Irq, ulong SoftIrq, ulong Steal)
{
    public ulong Total => User + Nice + System + Idle + IoWait + Irq + SoftIrq + Steal;

    public ulong Busy => Total - Idle - IoWait;

    /// <summary>Percentages of the interval between <paramref name="previous"/> and this sample.</summary>
    public CpuMetrics PercentSince(CpuTimes previous, int logicalCores, IReadOnlyList<double> perCore)
    {
        var total = Delta(Total, previous.Total);
        if (total == 0)
        {
            return new CpuMetrics { LogicalCores = logicalCores, PerCore = perCore };
        }

        return new CpuMetrics
        {
            Percent = Pct(Delta(Busy, previous.Busy), total),
            UserPercent = Pct(Delta(User + Nice, previous.User + previous.Nice), total),
            SystemPercent = Pct(Delta(System + Irq + SoftIrq, previous.System + previous.Irq + previous.SoftIrq), total),
            IoWaitPercent = Pct(Delta(IoWait, previous.IoWait), total),
            StealPercent = Pct(Delta(Steal, previous.Steal), total),
            LogicalCores = logicalCores,
            PerCore = perCore,
        };
    }

    public double BusyPercentSince(CpuTimes previous)
    {
        var total = Delta(Total, previous.Total);
        return total == 0 ? 0 : Pct(Delta(Busy, previous.Busy), total);
    }

    // Counters can step backwards (a core going offline, a hypervisor quirk): treat that as no time.
    private static ulong Delta(ulong now, ulong before) => now > before ? now - before : 0;

    private static double Pct(ulong part, ulong total) => Math.Min(100.0, Math.Round(100.0 * part / total, 2));
}
