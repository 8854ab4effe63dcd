namespace Monitoring.Metrics;

/// <summary>
/// One GPU as its driver reports it (NVIDIA through NVML). A value the GPU or driver does not offer (fan speed on a
/// passively cooled card, utilisation of a partitioned MIG GPU) is null rather than zero.
/// </summary>
public sealed record GpuMetrics
{
    /// <summary>The driver's index of the GPU (as in <c>nvidia-smi -i</c>); the target of the <c>gpu.*</c> rules and series.</summary>
    public int Index { get; init; }

    /// <summary>The product name, for example <c>NVIDIA H200</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The GPU's unique id (<c>GPU-…</c>), stable across reboots and reordering.</summary>
    public string? Uuid { get; init; }

    /// <summary>Percent of the last sample period during which a kernel ran on the GPU.</summary>
    public double? UtilizationPercent { get; init; }

    /// <summary>Percent of the last sample period during which device memory was read or written.</summary>
    public double? MemoryUtilizationPercent { get; init; }

    /// <summary>Device memory installed, in bytes.</summary>
    public long? MemoryTotalBytes { get; init; }

    /// <summary>Device memory allocated, in bytes (driver-reserved memory excluded, as <c>nvidia-smi</c> shows it).</summary>
    public long? MemoryUsedBytes { get; init; }

    /// <summary>Used as a percentage of total.</summary>
    public double? MemoryPercent { get; init; }

    /// <summary>The GPU die's temperature in degrees Celsius.</summary>
    public double? TemperatureCelsius { get; init; }

    /// <summary>Power drawn by the board, in watts.</summary>
    public double? PowerWatts { get; init; }

    /// <summary>The power limit the driver enforces, in watts.</summary>
    public double? PowerLimitWatts { get; init; }

    /// <summary>The fan's intended speed as a percentage of its maximum, where the board has a fan.</summary>
    public double? FanPercent { get; init; }

    /// <summary>The graphics clock, in MHz.</summary>
    public int? GraphicsClockMHz { get; init; }

    /// <summary>The streaming multiprocessor clock, in MHz.</summary>
    public int? SmClockMHz { get; init; }

    /// <summary>The memory clock, in MHz.</summary>
    public int? MemoryClockMHz { get; init; }
}
