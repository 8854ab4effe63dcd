namespace Monitoring.Metrics;

/// <summary>The GPUs and temperature sensors a collector adds to each snapshot, each where the machine has them.</summary>
internal sealed class HardwareSensors : IDisposable
{
    private readonly GpuCollector? _gpus;
    private readonly ITemperatureSource? _temperatures;
    private readonly string _gpuDescription;

    public HardwareSensors(GpuCollector? gpus, string gpuDescription, ITemperatureSource? temperatures)
    {
        _gpus = gpus;
        _gpuDescription = gpuDescription;
        _temperatures = temperatures;
    }

    /// <summary>Neither GPUs nor sensors: what a collector of captured files (tests) or macOS reads.</summary>
    public static HardwareSensors None { get; } = new(null, "none", null);

    /// <summary>The GPUs this machine has and the temperature source given, as <paramref name="options"/> allow.</summary>
    /// <param name="options">What to read.</param>
    /// <param name="temperatures">Creates the operating system's temperature source; null where it has none.</param>
    public static HardwareSensors Open(MetricCollectorOptions options, Func<ITemperatureSource>? temperatures)
    {
        GpuCollector? gpus = null;
        var gpuDescription = "off (gpus: false)";
        if (options.Gpus)
        {
            var nvml = NvmlLibrary.TryLoad(options.NvmlLibrary, out var reason);
            gpus = nvml is null ? null : GpuCollector.Open(nvml, out reason);
            gpuDescription = nvml is null ? "none: " + reason : reason;
        }

        return new HardwareSensors(gpus, gpuDescription, options.Temperatures ? temperatures?.Invoke() : null);
    }

    /// <summary>What is read, for the agent's log and <c>--once</c>.</summary>
    public string Description =>
        $"GPUs: {_gpuDescription}; temperatures: {(_temperatures is null ? "off or none on this system" : _temperatures.Description)}";

    /// <summary>Every GPU now; null without any.</summary>
    public IReadOnlyList<GpuMetrics>? Gpus() => _gpus?.Collect();

    /// <summary>Every temperature sensor now; null without any.</summary>
    public IReadOnlyList<TemperatureMetrics>? Temperatures() => _temperatures?.Collect();

    /// <inheritdoc />
    public void Dispose()
    {
        _gpus?.Dispose();
        _temperatures?.Dispose();
    }
}
