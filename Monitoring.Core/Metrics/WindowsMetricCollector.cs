using System.Runtime.InteropServices;

namespace Monitoring.Metrics;

/// <summary>
/// Collects metrics on Windows: kernel32/psapi/ntdll counters for CPU, memory and processes, portable APIs for
/// disks and network. Built and reviewed here, run only on Windows.
/// </summary>
#if NET
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
#endif
internal sealed class WindowsMetricCollector : IMetricCollector
{
    private readonly TimeProvider _time;
    private CpuTimes _previousCpu;
    private CpuTimes[] _previousCores;
    private Dictionary<string, NetworkCounters> _previousNet;
    private long _previousTimestamp;
    private readonly HardwareSensors _hardware;

    /// <summary>Creates a collector and takes the baseline for the first sample's rates.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="options">GPUs and temperatures (the ACPI thermal zones); both on when null.</param>
    public WindowsMetricCollector(TimeProvider? timeProvider = null, MetricCollectorOptions? options = null)
    {
        _hardware = HardwareSensors.Open(options ?? new(), () => new WindowsThermalZones());
        _time = timeProvider ?? TimeProvider.System;
        _previousCpu = WindowsNative.SystemTimes();
        _previousCores = WindowsNative.PerCoreTimes();
        _previousNet = NetworkCounters.ByName(PortableMetrics.NetworkInterfaces());
        _previousTimestamp = _time.GetTimestamp();
    }

    /// <inheritdoc />
    public MetricSnapshot Collect()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_previousTimestamp, now).TotalSeconds;
        var cpu = WindowsNative.SystemTimes();
        var cores = WindowsNative.PerCoreTimes();
        var perCore = new double[cores.Length];
        for (var i = 0; i < cores.Length && i < _previousCores.Length; i++)
        {
            perCore[i] = cores[i].BusyPercentSince(_previousCores[i]);
        }

        var net = PortableMetrics.NetworkInterfaces();
        var network = NetworkCounters.WithRates(net, _previousNet, elapsed);
        var cpuMetrics = cpu.PercentSince(_previousCpu, Environment.ProcessorCount, perCore);
        _previousCpu = cpu;
        _previousCores = cores;
        _previousNet = NetworkCounters.ByName(net);
        _previousTimestamp = now;

        var m = WindowsNative.MemoryStatus();
        var used = (long)(m.ullTotalPhys - m.ullAvailPhys);
        // The commit limit is physical memory plus page files; what is beyond physical memory is the page file.
        var swapTotal = (long)Math.Max(0, (double)m.ullTotalPageFile - m.ullTotalPhys);
        var commitUsed = (long)(m.ullTotalPageFile - m.ullAvailPageFile);
        var swapUsed = Math.Min(swapTotal, Math.Max(0, commitUsed - used));
        var uptime = WindowsNative.GetTickCount64() / 1000.0;
        var wall = _time.GetUtcNow();
        return new MetricSnapshot
        {
            Timestamp = wall,
            Cpu = cpuMetrics,
            Memory = new MemoryMetrics
            {
                TotalBytes = (long)m.ullTotalPhys,
                AvailableBytes = (long)m.ullAvailPhys,
                FreeBytes = (long)m.ullAvailPhys,
                UsedBytes = used,
                Percent = LinuxProc.Percent(used, (long)m.ullTotalPhys),
            },
            Swap = new SwapMetrics
            {
                TotalBytes = swapTotal,
                UsedBytes = swapUsed,
                FreeBytes = swapTotal - swapUsed,
                Percent = LinuxProc.Percent(swapUsed, swapTotal),
            },
            Disks = PortableMetrics.FixedDrives(),
            Network = network,
            UptimeSeconds = uptime,
            BootTime = wall.AddSeconds(-Math.Floor(uptime)),
            Processes = new ProcessMetrics { Count = WindowsNative.ProcessCount() },
            Gpus = _hardware.Gpus(),
            Temperatures = _hardware.Temperatures(),
        };
    }

    /// <summary>Where GPUs and temperatures come from, or why there are none, in words.</summary>
    internal string Sources => _hardware.Description;

    /// <inheritdoc />
    public void Dispose() => _hardware.Dispose();
}

/// <summary>The few Win32 calls the Windows collector needs.</summary>
internal static class WindowsNative
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct MemoryStatusEx
    {
        public uint dwLength;
        public uint dwMemoryLoad;
        public ulong ullTotalPhys;
        public ulong ullAvailPhys;
        public ulong ullTotalPageFile;
        public ulong ullAvailPageFile;
        public ulong ullTotalVirtual;
        public ulong ullAvailVirtual;
        public ulong ullAvailExtendedVirtual;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PerformanceInformation
    {
        public uint cb;
        public UIntPtr CommitTotal;
        public UIntPtr CommitLimit;
        public UIntPtr CommitPeak;
        public UIntPtr PhysicalTotal;
        public UIntPtr PhysicalAvailable;
        public UIntPtr SystemCache;
        public UIntPtr KernelTotal;
        public UIntPtr KernelPaged;
        public UIntPtr KernelNonpaged;
        public UIntPtr PageSize;
        public uint HandleCount;
        public uint ProcessCount;
        public uint ThreadCount;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ProcessorPerformance
    {
        public long IdleTime;
        public long KernelTime;
        public long UserTime;
        public long DpcTime;
        public long InterruptTime;
        public uint InterruptCount;
    }

    [DllImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool GetSystemTimes(out long idle, out long kernel, out long user);

    [DllImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool GlobalMemoryStatusEx(ref MemoryStatusEx buffer);

    [DllImport("kernel32.dll")]
    internal static extern ulong GetTickCount64();

    [DllImport("psapi.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool GetPerformanceInfo(out PerformanceInformation info, uint size);

    [DllImport("ntdll.dll")]
    private static extern int NtQuerySystemInformation(int infoClass, [Out] ProcessorPerformance[] info, int length, out int returned);

    private const int SystemProcessorPerformanceInformation = 8;

    public static CpuTimes SystemTimes()
    {
        if (!GetSystemTimes(out var idle, out var kernel, out var user))
        {
            return default;
        }

        // Kernel time includes idle time.
        return new CpuTimes((ulong)user, 0, (ulong)(kernel - idle), (ulong)idle, 0, 0, 0, 0);
    }

    public static CpuTimes[] PerCoreTimes()
    {
        var cores = new ProcessorPerformance[Environment.ProcessorCount];
        var size = Marshal.SizeOf<ProcessorPerformance>() * cores.Length;
        if (NtQuerySystemInformation(SystemProcessorPerformanceInformation, cores, size, out _) != 0)
        {
            return [];
        }

        var result = new CpuTimes[cores.Length];
        for (var i = 0; i < cores.Length; i++)
        {
            var c = cores[i];
            result[i] = new CpuTimes((ulong)c.UserTime, 0, (ulong)(c.KernelTime - c.IdleTime), (ulong)c.IdleTime, 0, 0, 0, 0);
        }

        return result;
    }

    public static MemoryStatusEx MemoryStatus()
    {
        var status = new MemoryStatusEx { dwLength = (uint)Marshal.SizeOf<MemoryStatusEx>() };
        return GlobalMemoryStatusEx(ref status) ? status : default;
    }

    public static int ProcessCount() =>
        GetPerformanceInfo(out var info, (uint)Marshal.SizeOf<PerformanceInformation>()) ? (int)info.ProcessCount : 0;
}
