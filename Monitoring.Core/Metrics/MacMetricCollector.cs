using System.Runtime.InteropServices;

namespace Monitoring.Metrics;

/// <summary>
/// Collects metrics on macOS: Mach host statistics for CPU and memory, sysctl for boot time and swap, portable
/// APIs for disks and network. Built and reviewed here, run only on macOS.
/// </summary>
#if NET
[System.Runtime.Versioning.SupportedOSPlatform("macos")]
#endif
internal sealed class MacMetricCollector : IMetricCollector
{
    private readonly TimeProvider _time;
    private CpuTimes _previousCpu;
    private Dictionary<string, NetworkCounters> _previousNet;
    private long _previousTimestamp;

    /// <summary>Creates a collector and takes the baseline for the first sample's rates.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public MacMetricCollector(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _previousCpu = MacNative.CpuTicks();
        _previousNet = NetworkCounters.ByName(PortableMetrics.NetworkInterfaces());
        _previousTimestamp = _time.GetTimestamp();
    }

    /// <inheritdoc />
    public MetricSnapshot Collect()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_previousTimestamp, now).TotalSeconds;
        var cpu = MacNative.CpuTicks();
        var net = PortableMetrics.NetworkInterfaces();
        var cpuMetrics = cpu.PercentSince(_previousCpu, Environment.ProcessorCount, []);
        var network = NetworkCounters.WithRates(net, _previousNet, elapsed);
        _previousCpu = cpu;
        _previousNet = NetworkCounters.ByName(net);
        _previousTimestamp = now;

        var total = MacNative.SysctlInt64("hw.memsize");
        var available = Math.Min(total, MacNative.AvailableMemory());
        var used = total - available;
        var (swapTotal, swapUsed) = MacNative.SwapUsage();
        var wall = _time.GetUtcNow();
        var boot = MacNative.BootTime();
        var load = new double[3];
        _ = MacNative.getloadavg(load, 3);
        return new MetricSnapshot
        {
            Timestamp = wall,
            Cpu = cpuMetrics,
            Load = new LoadMetrics { OneMinute = load[0], FiveMinutes = load[1], FifteenMinutes = load[2] },
            Memory = new MemoryMetrics
            {
                TotalBytes = total,
                AvailableBytes = available,
                FreeBytes = available,
                UsedBytes = used,
                Percent = LinuxProc.Percent(used, total),
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
            BootTime = boot,
            UptimeSeconds = Math.Max(0, (wall - boot).TotalSeconds),
            Processes = new ProcessMetrics { Count = Math.Max(0, MacNative.proc_listallpids(IntPtr.Zero, 0)) },
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>The few Mach and BSD calls the macOS collector needs.</summary>
internal static class MacNative
{
    private const string LibSystem = "/usr/lib/libSystem.dylib";
    private const int HostCpuLoadInfo = 3;
    private const int HostVmInfo64 = 4;

    [DllImport(LibSystem)]
    private static extern IntPtr mach_host_self();

    [DllImport(LibSystem)]
    private static extern int host_statistics(IntPtr host, int flavor, [Out] int[] info, ref int count);

    [DllImport(LibSystem)]
    private static extern int host_statistics64(IntPtr host, int flavor, [Out] int[] info, ref int count);

    [DllImport(LibSystem)]
    private static extern int sysctlbyname(string name, [Out] byte[] value, ref IntPtr length, IntPtr newValue, IntPtr newLength);

    [DllImport(LibSystem)]
    internal static extern int getloadavg([Out] double[] loads, int count);

    [DllImport("/usr/lib/libproc.dylib")]
    internal static extern int proc_listallpids(IntPtr buffer, int size);

    public static CpuTimes CpuTicks()
    {
        // host_cpu_load_info: user, system, idle, nice ticks.
        var info = new int[4];
        var count = info.Length;
        if (host_statistics(mach_host_self(), HostCpuLoadInfo, info, ref count) != 0)
        {
            return default;
        }

        return new CpuTimes((uint)info[0], (uint)info[3], (uint)info[1], (uint)info[2], 0, 0, 0, 0);
    }

    public static long AvailableMemory()
    {
        // vm_statistics64 starts with free, active, inactive and wired page counts; free + inactive is reclaimable.
        var info = new int[38];
        var count = info.Length;
        if (host_statistics64(mach_host_self(), HostVmInfo64, info, ref count) != 0)
        {
            return 0;
        }

        return ((long)(uint)info[0] + (uint)info[2]) * SysctlInt64("hw.pagesize");
    }

    public static long SysctlInt64(string name)
    {
        var bytes = Sysctl(name, 8);
        return bytes.Length >= 8 ? BitConverter.ToInt64(bytes, 0) : bytes.Length >= 4 ? BitConverter.ToInt32(bytes, 0) : 0;
    }

    public static (long Total, long Used) SwapUsage()
    {
        // struct xsw_usage { u_int64_t xsu_total, xsu_avail, xsu_used; ... }
        var bytes = Sysctl("vm.swapusage", 32);
        return bytes.Length >= 24 ? (BitConverter.ToInt64(bytes, 0), BitConverter.ToInt64(bytes, 16)) : (0, 0);
    }

    public static DateTimeOffset BootTime()
    {
        // struct timeval { time_t tv_sec; suseconds_t tv_usec; }
        var bytes = Sysctl("kern.boottime", 16);
        return bytes.Length >= 8 ? DateTimeOffset.FromUnixTimeSeconds(BitConverter.ToInt64(bytes, 0)) : default;
    }

    private static byte[] Sysctl(string name, int size)
    {
        var buffer = new byte[size];
        var length = (IntPtr)size;
        if (sysctlbyname(name, buffer, ref length, IntPtr.Zero, IntPtr.Zero) != 0)
        {
            return [];
        }

        Array.Resize(ref buffer, (int)length);
        return buffer;
    }
}
