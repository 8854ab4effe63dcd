namespace Monitoring.Metrics;

/// <summary>What a machine's collector reads beyond the operating system's own counters.</summary>
public sealed class MetricCollectorOptions
{
    /// <summary>
    /// Whether to report NVIDIA GPUs through NVML when the driver is installed (default true). The library is loaded
    /// at start only where it exists; a machine without one reports no GPU section and no error.
    /// </summary>
    public bool Gpus { get; set; } = true;

    /// <summary>
    /// The NVML library to load: a path, or a name the system loader finds; <c>libnvidia-ml.so.1</c> on Linux and
    /// <c>nvml.dll</c> on Windows when null. Set it where the driver's library lies outside the loader's path (WSL:
    /// <c>/usr/lib/wsl/lib/libnvidia-ml.so.1</c>; some containers: <c>/usr/local/nvidia/lib64/libnvidia-ml.so.1</c>).
    /// </summary>
    public string? NvmlLibrary { get; set; }

    /// <summary>Whether to report temperature sensors (Linux hwmon and thermal zones, Windows ACPI thermal zones; default true).</summary>
    public bool Temperatures { get; set; } = true;
}
