namespace Monitoring.Metrics;

/// <summary>Collects metrics from /proc and statvfs. Cheap: a handful of small file reads, no process objects.</summary>
public sealed class LinuxMetricCollector : IMetricCollector
{
    private readonly string _procRoot;
    private readonly TimeProvider _time;
    private CpuTimes _previousCpu;
    private List<CpuTimes> _previousCores;
    private Dictionary<string, NetworkCounters>? _previousNet;
    private long _previousTimestamp;

    /// <summary>Creates a collector and takes the baseline the first sample's rates are measured against.</summary>
    /// <param name="procRoot">Where procfs is mounted; tests point it at captured files.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public LinuxMetricCollector(string procRoot = "/proc", TimeProvider? timeProvider = null)
    {
        _procRoot = procRoot;
        _time = timeProvider ?? TimeProvider.System;
        (_previousCpu, _previousCores) = LinuxProc.ParseStat(Read("stat"));
        _previousNet = NetworkCounters.ByName(LinuxProc.ParseNetDev(ReadOrEmpty("net/dev")));
        _previousTimestamp = _time.GetTimestamp();
    }

    /// <inheritdoc />
    public MetricSnapshot Collect()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_previousTimestamp, now).TotalSeconds;

        var (cpu, cores) = LinuxProc.ParseStat(Read("stat"));
        var perCore = new double[cores.Count];
        for (var i = 0; i < cores.Count; i++)
        {
            perCore[i] = i < _previousCores.Count ? cores[i].BusyPercentSince(_previousCores[i]) : 0;
        }

        var cpuMetrics = cpu.PercentSince(_previousCpu, cores.Count, perCore);
        var (memory, swap) = LinuxProc.MemoryFrom(LinuxProc.ParseMeminfo(Read("meminfo")));
        var netCounters = LinuxProc.ParseNetDev(ReadOrEmpty("net/dev"));
        var network = NetworkCounters.WithRates(netCounters, _previousNet, elapsed);
        var uptime = LinuxProc.ParseUptime(ReadOrEmpty("uptime"));
        var wallClock = _time.GetUtcNow();

        _previousCpu = cpu;
        _previousCores = cores;
        _previousNet = NetworkCounters.ByName(netCounters);
        _previousTimestamp = now;

        return new MetricSnapshot
        {
            Timestamp = wallClock,
            Cpu = cpuMetrics,
            Load = LinuxProc.ParseLoadAvg(ReadOrEmpty("loadavg")),
            Memory = memory,
            Swap = swap,
            Disks = CollectDisks(),
            Network = network,
            UptimeSeconds = uptime,
            BootTime = TruncateToSeconds(wallClock.AddSeconds(-uptime)),
            Processes = new ProcessMetrics { Count = LinuxProc.CountProcesses(_procRoot) },
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private List<DiskMetrics> CollectDisks()
    {
        var disks = new List<DiskMetrics>();
        foreach (var mount in LinuxProc.ParseMounts(ReadOrEmpty("mounts")))
        {
            try
            {
                // DriveInfo calls statvfs on the mount point.
                if (PortableMetrics.Disk(new DriveInfo(mount.MountPoint), mount.MountPoint, mount.Device, mount.FileSystem) is { } disk)
                {
                    disks.Add(disk);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // A mount that vanished or that this user cannot stat is not this machine's disk to report.
            }
        }

        return disks;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) =>
        new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private string Read(string relative) => File.ReadAllText(Path.Combine(_procRoot, relative));

    private string ReadOrEmpty(string relative)
    {
        try
        {
            return Read(relative);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
