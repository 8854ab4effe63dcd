namespace Monitoring.Metrics;

/// <summary>One sample of a machine's metrics: typed numbers, never pre-formatted text.</summary>
public sealed record MetricSnapshot
{
    /// <summary>
    /// The largest sequence number the protocol allows (2^53, the largest integer a JSON number carries exactly);
    /// the manager refuses anything above it so a hostile or corrupt value cannot wrap an agent's counter.
    /// </summary>
    public const long MaxSeq = 1L << 53;

    /// <summary>The agent's monotonically increasing sequence number, 1 to <see cref="MaxSeq"/>; makes replays idempotent.</summary>
    public long Seq { get; init; }

    /// <summary>
    /// How many snapshots this installation's spool has dropped, in all, because it was full during an outage (the
    /// oldest go first); absent while none was. A running total, so a replayed snapshot never counts twice.
    /// </summary>
    public long? DroppedSnapshots { get; init; }

    /// <summary>When the sample was taken (UTC).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Processor use since the previous sample.</summary>
    public CpuMetrics Cpu { get; init; } = new();

    /// <summary>Load averages, where the operating system has them.</summary>
    public LoadMetrics? Load { get; init; }

    /// <summary>Physical memory.</summary>
    public MemoryMetrics Memory { get; init; } = new();

    /// <summary>Swap or page file.</summary>
    public SwapMetrics Swap { get; init; } = new();

    /// <summary>Every real (non-pseudo) mounted filesystem.</summary>
    public IReadOnlyList<DiskMetrics> Disks { get; init; } = [];

    /// <summary>Every network interface.</summary>
    public IReadOnlyList<NetworkInterfaceMetrics> Network { get; init; } = [];

    /// <summary>Seconds since the machine booted.</summary>
    public double UptimeSeconds { get; init; }

    /// <summary>When the machine booted (UTC).</summary>
    public DateTimeOffset BootTime { get; init; }

    /// <summary>Processes.</summary>
    public ProcessMetrics Processes { get; init; } = new();

    /// <summary>Every GPU the driver reports; absent (null) where there is no GPU or no driver to ask.</summary>
    public IReadOnlyList<GpuMetrics>? Gpus { get; init; }

    /// <summary>
    /// Every temperature sensor the operating system exposes (Linux hwmon and thermal zones, Windows ACPI thermal
    /// zones); absent (null) where it exposes none.
    /// </summary>
    public IReadOnlyList<TemperatureMetrics>? Temperatures { get; init; }

    /// <summary>The app that embeds the agent, its own process and its values; absent for the standalone agent.</summary>
    public ApplicationMetrics? Application { get; init; }
}

/// <summary>Processor use as percentages (0–100) of the interval since the previous sample.</summary>
public sealed record CpuMetrics
{
    /// <summary>Busy time of all cores together.</summary>
    public double Percent { get; init; }

    /// <summary>Time in user mode.</summary>
    public double UserPercent { get; init; }

    /// <summary>Time in kernel mode.</summary>
    public double SystemPercent { get; init; }

    /// <summary>Time waiting for I/O, where reported.</summary>
    public double IoWaitPercent { get; init; }

    /// <summary>Time stolen by the hypervisor, where reported.</summary>
    public double StealPercent { get; init; }

    /// <summary>The number of logical processors.</summary>
    public int LogicalCores { get; init; }

    /// <summary>Busy time per logical processor, in processor order.</summary>
    public IReadOnlyList<double> PerCore { get; init; } = [];
}

/// <summary>Run-queue load averages.</summary>
public sealed record LoadMetrics
{
    /// <summary>Average over one minute.</summary>
    public double OneMinute { get; init; }

    /// <summary>Average over five minutes.</summary>
    public double FiveMinutes { get; init; }

    /// <summary>Average over fifteen minutes.</summary>
    public double FifteenMinutes { get; init; }
}

/// <summary>Physical memory in bytes.</summary>
public sealed record MemoryMetrics
{
    /// <summary>Installed memory usable by the operating system.</summary>
    public long TotalBytes { get; init; }

    /// <summary>Memory in use: total less available.</summary>
    public long UsedBytes { get; init; }

    /// <summary>Memory available to new work without swapping, caches included.</summary>
    public long AvailableBytes { get; init; }

    /// <summary>Completely unused memory.</summary>
    public long FreeBytes { get; init; }

    /// <summary>Used as a percentage of total.</summary>
    public double Percent { get; init; }
}

/// <summary>Swap space in bytes.</summary>
public sealed record SwapMetrics
{
    /// <summary>Configured swap.</summary>
    public long TotalBytes { get; init; }

    /// <summary>Swap in use.</summary>
    public long UsedBytes { get; init; }

    /// <summary>Swap free.</summary>
    public long FreeBytes { get; init; }

    /// <summary>Used as a percentage of total; 0 without swap.</summary>
    public double Percent { get; init; }
}

/// <summary>One mounted filesystem.</summary>
public sealed record DiskMetrics
{
    /// <summary>Where it is mounted (a drive letter on Windows).</summary>
    public string Mount { get; init; } = "";

    /// <summary>The device or source it is mounted from.</summary>
    public string? Device { get; init; }

    /// <summary>The filesystem type.</summary>
    public string? FileSystem { get; init; }

    /// <summary>Size in bytes.</summary>
    public long TotalBytes { get; init; }

    /// <summary>Bytes in use.</summary>
    public long UsedBytes { get; init; }

    /// <summary>Bytes available to unprivileged users.</summary>
    public long FreeBytes { get; init; }

    /// <summary>Used as a percentage of what users can have (used + free), as <c>df</c> shows it.</summary>
    public double Percent { get; init; }
}

/// <summary>Counters and rates of one network interface.</summary>
public sealed record NetworkInterfaceMetrics
{
    /// <summary>The interface name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Bytes received since boot.</summary>
    public long RxBytes { get; init; }

    /// <summary>Bytes sent since boot.</summary>
    public long TxBytes { get; init; }

    /// <summary>Packets received since boot.</summary>
    public long RxPackets { get; init; }

    /// <summary>Packets sent since boot.</summary>
    public long TxPackets { get; init; }

    /// <summary>Receive errors since boot.</summary>
    public long RxErrors { get; init; }

    /// <summary>Send errors since boot.</summary>
    public long TxErrors { get; init; }

    /// <summary>Bytes received per second since the previous sample.</summary>
    public double RxBytesPerSec { get; init; }

    /// <summary>Bytes sent per second since the previous sample.</summary>
    public double TxBytesPerSec { get; init; }

    /// <summary>Packets received per second since the previous sample.</summary>
    public double RxPacketsPerSec { get; init; }

    /// <summary>Packets sent per second since the previous sample.</summary>
    public double TxPacketsPerSec { get; init; }
}

/// <summary>Process counts.</summary>
public sealed record ProcessMetrics
{
    /// <summary>The number of processes.</summary>
    public int Count { get; init; }
}
