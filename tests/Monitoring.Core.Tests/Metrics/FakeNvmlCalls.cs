using Monitoring.Metrics;

namespace Monitoring.Core.Tests.Metrics;

/// <summary>
/// An <see cref="INvml"/> whose devices and answers the test sets, counting calls: for what the C stand-in cannot vary
/// (an old driver without the v2 memory call, a GPU that drops off the bus, a driver that does not load).
/// </summary>
internal sealed class FakeNvmlCalls : INvml
{
    public int InitStatus { get; set; }

    public List<FakeGpu> Gpus { get; } = [];

    public Dictionary<string, int> Calls { get; } = [];

    public string Source => "fake";

    public int Init() => Count(nameof(Init), InitStatus);

    public int Shutdown() => Count(nameof(Shutdown), 0);

    public string ErrorString(int status) => status switch
    {
        NvmlStatus.DriverNotLoaded => "Driver Not Loaded",
        NvmlStatus.NoPermission => "Insufficient Permissions",
        NvmlStatus.GpuIsLost => "GPU is lost",
        _ => "error " + status,
    };

    public int DriverVersion(out string version)
    {
        version = "535.104.05";
        return 0;
    }

    public int DeviceCount(out uint count)
    {
        count = (uint)Gpus.Count;
        return Count(nameof(DeviceCount), 0);
    }

    public int DeviceHandle(uint index, out nint device)
    {
        device = (nint)(index + 1);
        return Count(nameof(DeviceHandle), Gpus[(int)index].HandleStatus);
    }

    public int Name(nint device, out string name)
    {
        name = Gpu(device).Name;
        return 0;
    }

    public int Uuid(nint device, out string uuid)
    {
        uuid = "GPU-" + Gpu(device).Name;
        return 0;
    }

    public int Utilization(nint device, out uint gpu, out uint memory)
    {
        (gpu, memory) = (Gpu(device).Busy, 5);
        return Count(nameof(Utilization), 0);
    }

    public int MemoryV2(nint device, out ulong total, out ulong used)
    {
        (total, used) = (Gpu(device).Total, Gpu(device).Used);
        return Count(nameof(MemoryV2), Gpu(device).MemoryV2Status);
    }

    public int Memory(nint device, out ulong total, out ulong used)
    {
        (total, used) = (Gpu(device).Total, Gpu(device).Used + 1000);
        return Count(nameof(Memory), 0);
    }

    public int Temperature(nint device, out uint celsius)
    {
        celsius = Gpu(device).Celsius;
        return Count(nameof(Temperature), Gpu(device).TemperatureStatus);
    }

    public int PowerUsage(nint device, out uint milliwatts)
    {
        milliwatts = 250_500;
        return Count(nameof(PowerUsage), 0);
    }

    public int PowerLimit(nint device, out uint milliwatts)
    {
        milliwatts = 300_000;
        return 0;
    }

    public int FanSpeed(nint device, out uint percent)
    {
        percent = 40;
        return Count(nameof(FanSpeed), Gpu(device).FanStatus);
    }

    public int Clock(nint device, int clockType, out uint mhz)
    {
        mhz = (uint)(1000 + clockType);
        return 0;
    }

    public void Dispose() => Count(nameof(Dispose), 0);

    public int CallsTo(string name) => Calls.TryGetValue(name, out var n) ? n : 0;

    private FakeGpu Gpu(nint device) => Gpus[(int)device - 1];

    private int Count(string name, int status)
    {
        Calls[name] = CallsTo(name) + 1;
        return status;
    }
}
