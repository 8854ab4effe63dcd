namespace Monitoring.Metrics;

/// <summary>
/// The few NVML calls GPU collection makes, one method per C function, each returning NVML's status code
/// (<see cref="NvmlStatus"/>). <see cref="NvmlLibrary"/> calls the real library; tests put a fake behind it.
/// </summary>
internal interface INvml : IDisposable
{
    /// <summary>Where the library came from, for messages.</summary>
    string Source { get; }

    /// <summary><c>nvmlInit_v2</c>.</summary>
    int Init();

    /// <summary><c>nvmlSystemGetDriverVersion</c>.</summary>
    int DriverVersion(out string version);

    /// <summary><c>nvmlDeviceGetCount_v2</c>.</summary>
    int DeviceCount(out uint count);

    /// <summary><c>nvmlDeviceGetHandleByIndex_v2</c>.</summary>
    int DeviceHandle(uint index, out nint device);

    /// <summary><c>nvmlDeviceGetName</c>.</summary>
    int Name(nint device, out string name);

    /// <summary><c>nvmlDeviceGetUUID</c>.</summary>
    int Uuid(nint device, out string uuid);

    /// <summary><c>nvmlDeviceGetUtilizationRates</c>: GPU and memory busy percentages.</summary>
    int Utilization(nint device, out uint gpu, out uint memory);

    /// <summary><c>nvmlDeviceGetMemoryInfo_v2</c> (reserved memory apart from used); <see cref="NvmlStatus.FunctionNotFound"/> on old drivers.</summary>
    int MemoryV2(nint device, out ulong total, out ulong used);

    /// <summary><c>nvmlDeviceGetMemoryInfo</c>, the v1 call (its "used" includes memory the driver reserves).</summary>
    int Memory(nint device, out ulong total, out ulong used);

    /// <summary><c>nvmlDeviceGetTemperature</c> of the GPU die, in °C.</summary>
    int Temperature(nint device, out uint celsius);

    /// <summary><c>nvmlDeviceGetPowerUsage</c>, in milliwatts.</summary>
    int PowerUsage(nint device, out uint milliwatts);

    /// <summary><c>nvmlDeviceGetEnforcedPowerLimit</c>, in milliwatts.</summary>
    int PowerLimit(nint device, out uint milliwatts);

    /// <summary><c>nvmlDeviceGetFanSpeed</c>, percent.</summary>
    int FanSpeed(nint device, out uint percent);

    /// <summary><c>nvmlDeviceGetClockInfo</c> for one of <see cref="NvmlStatus.GraphicsClock"/>, <see cref="NvmlStatus.SmClock"/>, <see cref="NvmlStatus.MemoryClock"/>, in MHz.</summary>
    int Clock(nint device, int clockType, out uint mhz);

    /// <summary><c>nvmlErrorString</c>.</summary>
    string ErrorString(int status);

    /// <summary><c>nvmlShutdown</c>.</summary>
    int Shutdown();
}
