namespace Monitoring.Metrics;

/// <summary>
/// Reads every NVIDIA GPU through NVML: initialised once, with each device's handle, name and UUID kept, so a sample
/// is only the value calls. A call the GPU or driver does not offer (fan speed on a passive card, the v2 memory call
/// on an old driver) is dropped for that GPU after its first refusal and its value stays null.
/// </summary>
internal sealed class GpuCollector : IDisposable
{
    private readonly INvml _nvml;
    private readonly Device[] _devices;
    private bool _disposed;

    private GpuCollector(INvml nvml, Device[] devices, string description)
    {
        _nvml = nvml;
        _devices = devices;
        Description = description;
    }

    /// <summary>What is collected, or why nothing is, in words for the agent's log and <c>--once</c>.</summary>
    public string Description { get; }

    /// <summary>
    /// Starts NVML and finds its GPUs; null, with the reason in <paramref name="description"/>, when NVML does not
    /// start or finds none (no driver, no GPU, no permission): that is no GPU section, not an error.
    /// </summary>
    public static GpuCollector? Open(INvml nvml, out string description)
    {
        var status = nvml.Init();
        if (status != NvmlStatus.Success)
        {
            description = status == NvmlStatus.DriverNotLoaded
                ? $"none: {nvml.Source} is installed but no NVIDIA driver is loaded"
                : $"none: NVML ({nvml.Source}) did not start: {nvml.ErrorString(status)}";
            nvml.Dispose();
            return null;
        }

        var devices = new List<Device>();
        var skipped = new List<string>();
        if (nvml.DeviceCount(out var count) == NvmlStatus.Success)
        {
            for (uint i = 0; i < count; i++)
            {
                status = nvml.DeviceHandle(i, out var handle);
                if (status != NvmlStatus.Success)
                {
                    // A GPU this user may not open (cgroup device rules) or one that fell off the bus: the rest still count.
                    skipped.Add($"GPU {i}: {nvml.ErrorString(status)}");
                    continue;
                }

                var name = nvml.Name(handle, out var n) == NvmlStatus.Success ? n : "NVIDIA GPU";
                var uuid = nvml.Uuid(handle, out var u) == NvmlStatus.Success ? u : null;
                devices.Add(new Device((int)i, handle, name, uuid));
            }
        }

        if (devices.Count == 0)
        {
            description = skipped.Count == 0 ? "none: NVML found no GPU" : "none: " + string.Join("; ", skipped);
            nvml.Shutdown();
            nvml.Dispose();
            return null;
        }

        var driver = nvml.DriverVersion(out var version) == NvmlStatus.Success ? $", driver {version}" : "";
        description = $"{devices.Count} NVIDIA GPU{(devices.Count == 1 ? "" : "s")} through {nvml.Source}{driver}" +
            (skipped.Count == 0 ? "" : " (skipped " + string.Join("; ", skipped) + ")");
        return new GpuCollector(nvml, [.. devices], description);
    }

    /// <summary>Every GPU's values now, in index order.</summary>
    public IReadOnlyList<GpuMetrics> Collect()
    {
        var result = new GpuMetrics[_devices.Length];
        for (var i = 0; i < _devices.Length; i++)
        {
            result[i] = Read(_devices[i]);
        }

        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _nvml.Shutdown();
            _nvml.Dispose();
        }
    }

    private GpuMetrics Read(Device d)
    {
        var h = d.Handle;
        double? busy = null, memoryBusy = null;
        if (!d.Off(Call.Utilization) && d.Tries(Call.Utilization, _nvml.Utilization(h, out var gpu, out var memory)))
        {
            (busy, memoryBusy) = (gpu, memory);
        }

        long? total = null, used = null;
        if (!d.Off(Call.MemoryV2))
        {
            var status = _nvml.MemoryV2(h, out var t, out var u);
            if (status == NvmlStatus.Success)
            {
                (total, used) = ((long)t, (long)u);
            }
            else if (status != NvmlStatus.GpuIsLost)
            {
                // An older driver (no _v2, or another struct version): the v1 call from now on.
                d.Disable(Call.MemoryV2);
            }
        }

        if (total is null && !d.Off(Call.Memory) && d.Tries(Call.Memory, _nvml.Memory(h, out var t1, out var u1)))
        {
            (total, used) = ((long)t1, (long)u1);
        }

        return new GpuMetrics
        {
            Index = d.Index,
            Name = d.Name,
            Uuid = d.Uuid,
            UtilizationPercent = busy,
            MemoryUtilizationPercent = memoryBusy,
            MemoryTotalBytes = total,
            MemoryUsedBytes = used,
            MemoryPercent = total is > 0 && used is { } u2 ? Math.Round(100.0 * u2 / total.Value, 2) : null,
            TemperatureCelsius = Value(d, Call.Temperature),
            PowerWatts = Value(d, Call.Power) / 1000,
            PowerLimitWatts = Value(d, Call.PowerLimit) / 1000,
            FanPercent = Value(d, Call.Fan),
            GraphicsClockMHz = (int?)Value(d, Call.GraphicsClock),
            SmClockMHz = (int?)Value(d, Call.SmClock),
            MemoryClockMHz = (int?)Value(d, Call.MemoryClock),
        };
    }

    /// <summary>One unsigned reading of the GPU, or null when it has none now (or ever: then it is not asked again).</summary>
    private double? Value(Device d, Call call)
    {
        if (d.Off(call))
        {
            return null;
        }

        var h = d.Handle;
        uint value;
        var status = call switch
        {
            Call.Temperature => _nvml.Temperature(h, out value),
            Call.Power => _nvml.PowerUsage(h, out value),
            Call.PowerLimit => _nvml.PowerLimit(h, out value),
            Call.Fan => _nvml.FanSpeed(h, out value),
            Call.GraphicsClock => _nvml.Clock(h, NvmlStatus.GraphicsClock, out value),
            Call.SmClock => _nvml.Clock(h, NvmlStatus.SmClock, out value),
            _ => _nvml.Clock(h, NvmlStatus.MemoryClock, out value),
        };
        return d.Tries(call, status) ? value : null;
    }

    [Flags]
    private enum Call
    {
        None = 0,
        Utilization = 1,
        MemoryV2 = 2,
        Memory = 4,
        Temperature = 8,
        Power = 16,
        PowerLimit = 32,
        Fan = 64,
        GraphicsClock = 128,
        SmClock = 256,
        MemoryClock = 512,
    }

    private sealed class Device(int index, nint handle, string name, string? uuid)
    {
        private Call _off;

        public int Index { get; } = index;

        public nint Handle { get; } = handle;

        public string Name { get; } = name;

        public string? Uuid { get; } = uuid;

        public bool Off(Call call) => (_off & call) != 0;

        public void Disable(Call call) => _off |= call;

        /// <summary>True on success; a refusal that cannot change turns the call off for this GPU.</summary>
        public bool Tries(Call call, int status)
        {
            if (status == NvmlStatus.Success)
            {
                return true;
            }

            if (NvmlStatus.IsPermanent(status))
            {
                Disable(call);
            }

            return false;
        }
    }
}
