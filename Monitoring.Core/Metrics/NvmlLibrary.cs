using System.Runtime.InteropServices;
using System.Text;

namespace Monitoring.Metrics;

/// <summary>
/// NVML, the NVIDIA driver's management library, loaded when asked rather than linked: <c>libnvidia-ml.so.1</c> on
/// Linux, <c>nvml.dll</c> on Windows. Every entry point is looked up once and called through a function pointer, so
/// a machine without the driver (or an older driver without a newer call) costs nothing and fails nothing, and the
/// NativeAOT agent needs no marshalling code. Only on .NET 8 or later: the .NET Standard build has no GPUs.
/// </summary>
internal sealed unsafe class NvmlLibrary : INvml
{
    private const int NameBuffer = 96;
    private const uint MemoryV2Version = 40 | (2u << 24);

    private readonly nint _library;
    private readonly nint _init;
    private readonly nint _shutdown;
    private readonly nint _errorString;
    private readonly nint _driverVersion;
    private readonly nint _count;
    private readonly nint _handle;
    private readonly nint _name;
    private readonly nint _uuid;
    private readonly nint _utilization;
    private readonly nint _memoryV2;
    private readonly nint _memory;
    private readonly nint _temperature;
    private readonly nint _power;
    private readonly nint _powerLimit;
    private readonly nint _fan;
    private readonly nint _clock;

    private NvmlLibrary(nint library, string source)
    {
        _library = library;
        Source = source;
        _init = Export("nvmlInit_v2");
        _shutdown = Export("nvmlShutdown");
        _errorString = Export("nvmlErrorString");
        _driverVersion = Export("nvmlSystemGetDriverVersion");
        _count = Export("nvmlDeviceGetCount_v2");
        _handle = Export("nvmlDeviceGetHandleByIndex_v2");
        _name = Export("nvmlDeviceGetName");
        _uuid = Export("nvmlDeviceGetUUID");
        _utilization = Export("nvmlDeviceGetUtilizationRates");
        _memoryV2 = Export("nvmlDeviceGetMemoryInfo_v2");
        _memory = Export("nvmlDeviceGetMemoryInfo");
        _temperature = Export("nvmlDeviceGetTemperature");
        _power = Export("nvmlDeviceGetPowerUsage");
        _powerLimit = Export("nvmlDeviceGetEnforcedPowerLimit");
        _fan = Export("nvmlDeviceGetFanSpeed");
        _clock = Export("nvmlDeviceGetClockInfo");
    }

    /// <inheritdoc />
    public string Source { get; }

    /// <summary>The library's file name on this operating system.</summary>
    public static string DefaultName => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "nvml.dll" : "libnvidia-ml.so.1";

    /// <summary>
    /// Loads NVML from <paramref name="path"/> (a file, or a bare name the system loader looks up), or the default
    /// name when null; null with the reason when it is not there or lacks the calls every driver has.
    /// </summary>
    public static NvmlLibrary? TryLoad(string? path, out string reason)
    {
#if NET
        var name = path ?? DefaultName;
        if (!NativeLibrary.TryLoad(name, out var library)
            && !(path is null && RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                 && NativeLibrary.TryLoad(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "NVIDIA Corporation", "NVSMI", "nvml.dll"), out library)))
        {
            reason = $"{name} not found (no NVIDIA driver)";
            return null;
        }

        var nvml = new NvmlLibrary(library, name);
        if (nvml._init == 0 || nvml._count == 0 || nvml._handle == 0 || nvml._name == 0 || nvml._shutdown == 0)
        {
            nvml.Dispose();
            reason = $"{name} lacks nvmlInit_v2 or the device calls; it is not NVML or the driver is too old";
            return null;
        }

        reason = "";
        return nvml;
#else
        reason = "GPU collection needs .NET 8 or later";
        return null;
#endif
    }

    /// <inheritdoc />
    public int Init() => ((delegate* unmanaged[Cdecl]<int>)_init)();

    /// <inheritdoc />
    public int Shutdown() => ((delegate* unmanaged[Cdecl]<int>)_shutdown)();

    /// <inheritdoc />
    public string ErrorString(int status) =>
        _errorString == 0 ? "NVML error " + status : Marshal.PtrToStringAnsi(((delegate* unmanaged[Cdecl]<int, nint>)_errorString)(status)) ?? "NVML error " + status;

    /// <inheritdoc />
    public int DriverVersion(out string version)
    {
        version = "";
        if (_driverVersion == 0)
        {
            return NvmlStatus.FunctionNotFound;
        }

        var buffer = stackalloc byte[NameBuffer];
        var status = ((delegate* unmanaged[Cdecl]<byte*, uint, int>)_driverVersion)(buffer, NameBuffer);
        version = status == NvmlStatus.Success ? Text(buffer) : "";
        return status;
    }

    /// <inheritdoc />
    public int DeviceCount(out uint count)
    {
        uint value = 0;
        var status = ((delegate* unmanaged[Cdecl]<uint*, int>)_count)(&value);
        count = value;
        return status;
    }

    /// <inheritdoc />
    public int DeviceHandle(uint index, out nint device)
    {
        nint value = 0;
        var status = ((delegate* unmanaged[Cdecl]<uint, nint*, int>)_handle)(index, &value);
        device = value;
        return status;
    }

    /// <inheritdoc />
    public int Name(nint device, out string name) => DeviceText(_name, device, out name);

    /// <inheritdoc />
    public int Uuid(nint device, out string uuid) => DeviceText(_uuid, device, out uuid);

    /// <inheritdoc />
    public int Utilization(nint device, out uint gpu, out uint memory)
    {
        gpu = memory = 0;
        if (_utilization == 0)
        {
            return NvmlStatus.FunctionNotFound;
        }

        var rates = stackalloc uint[2];
        var status = ((delegate* unmanaged[Cdecl]<nint, uint*, int>)_utilization)(device, rates);
        (gpu, memory) = (rates[0], rates[1]);
        return status;
    }

    /// <inheritdoc />
    public int MemoryV2(nint device, out ulong total, out ulong used)
    {
        total = used = 0;
        if (_memoryV2 == 0)
        {
            return NvmlStatus.FunctionNotFound;
        }

        // nvmlMemory_v2_t: unsigned int version; (padding); unsigned long long total, reserved, free, used.
        var info = stackalloc ulong[5];
        *(uint*)info = MemoryV2Version;
        var status = ((delegate* unmanaged[Cdecl]<nint, ulong*, int>)_memoryV2)(device, info);
        (total, used) = (info[1], info[4]);
        return status;
    }

    /// <inheritdoc />
    public int Memory(nint device, out ulong total, out ulong used)
    {
        total = used = 0;
        if (_memory == 0)
        {
            return NvmlStatus.FunctionNotFound;
        }

        // nvmlMemory_t: unsigned long long total, free, used.
        var info = stackalloc ulong[3];
        var status = ((delegate* unmanaged[Cdecl]<nint, ulong*, int>)_memory)(device, info);
        (total, used) = (info[0], info[2]);
        return status;
    }

    /// <inheritdoc />
    public int Temperature(nint device, out uint celsius) => DeviceValue(_temperature, device, 0, out celsius, withArgument: true);

    /// <inheritdoc />
    public int PowerUsage(nint device, out uint milliwatts) => DeviceValue(_power, device, 0, out milliwatts, withArgument: false);

    /// <inheritdoc />
    public int PowerLimit(nint device, out uint milliwatts) => DeviceValue(_powerLimit, device, 0, out milliwatts, withArgument: false);

    /// <inheritdoc />
    public int FanSpeed(nint device, out uint percent) => DeviceValue(_fan, device, 0, out percent, withArgument: false);

    /// <inheritdoc />
    public int Clock(nint device, int clockType, out uint mhz) => DeviceValue(_clock, device, clockType, out mhz, withArgument: true);

    /// <inheritdoc />
    public void Dispose()
    {
        // The library stays mapped (GpuCollector shuts NVML down first): NVML may keep threads of its own, and
        // unmapping its code under them is not safe, while a second load of a mapped library costs nothing.
    }

    private static int DeviceValue(nint function, nint device, int argument, out uint value, bool withArgument)
    {
        value = 0;
        if (function == 0)
        {
            return NvmlStatus.FunctionNotFound;
        }

        uint result = 0;
        var status = withArgument
            ? ((delegate* unmanaged[Cdecl]<nint, int, uint*, int>)function)(device, argument, &result)
            : ((delegate* unmanaged[Cdecl]<nint, uint*, int>)function)(device, &result);
        value = result;
        return status;
    }

    private static int DeviceText(nint function, nint device, out string text)
    {
        text = "";
        if (function == 0)
        {
            return NvmlStatus.FunctionNotFound;
        }

        var buffer = stackalloc byte[NameBuffer];
        var status = ((delegate* unmanaged[Cdecl]<nint, byte*, uint, int>)function)(device, buffer, NameBuffer);
        text = status == NvmlStatus.Success ? Text(buffer) : "";
        return status;
    }

    private static string Text(byte* buffer)
    {
        var length = 0;
        while (length < NameBuffer && buffer[length] != 0)
        {
            length++;
        }

        return Encoding.UTF8.GetString(buffer, length);
    }

    private nint Export(string name)
    {
#if NET
        return NativeLibrary.TryGetExport(_library, name, out var address) ? address : 0;
#else
        _ = name;
        return 0;
#endif
    }
}
