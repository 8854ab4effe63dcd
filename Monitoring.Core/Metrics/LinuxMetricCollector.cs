namespace Monitoring.Metrics;

/// <summary>
/// Collects metrics from /proc and statvfs. In steady state a snapshot allocates only the snapshot itself: the
/// procfs files stay open and are read into reused buffers and parsed as bytes, interface and mount names are kept
/// from the sample before, and processes are counted without listing them. The parts of a snapshot that did not
/// change since the previous one (an idle interface, a disk nobody wrote to, swap, the load average between the
/// kernel's updates, the process count) are that snapshot's immutable records, shared rather than copied.
/// </summary>
internal sealed class LinuxMetricCollector : IMetricCollector
{
    private readonly string _procRoot;
    private readonly TimeProvider _time;
    private readonly ProcFile _stat;
    private readonly ProcFile _meminfo;
    private readonly ProcFile _netDev;
    private readonly ProcFile _loadavg;
    private readonly ProcFile _uptime;
    private readonly ProcFile _mounts;
    private readonly bool _mountsSignalChanges;
    private readonly ProcessCounter _processes;
    private readonly HardwareSensors _hardware;
    private readonly FileSystemSpace _space = new();
    private readonly List<CpuTimes> _cores = [];
    private readonly List<NetworkCounters> _net = [];
    private readonly List<DiskMetrics> _disks = [];
    private CpuTimes _previousCpu;
    private readonly List<CpuTimes> _previousCores = [];
    private readonly List<NetworkCounters> _previousNet = [];
    private string[] _netNames = [];
    private long _previousTimestamp;
    private byte[] _mountsText = [];
    private MetricSnapshot? _last;
    private (LinuxProc.MountEntry Entry, byte[] Path)[] _mountList = [];

    /// <summary>Creates a collector and takes the baseline the first sample's rates are measured against.</summary>
    /// <param name="procRoot">Where procfs is mounted; tests point it at captured files.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="options">GPUs and temperatures (read only with the real /proc, from the real /sys); both on when null.</param>
    public LinuxMetricCollector(string procRoot = "/proc", TimeProvider? timeProvider = null, MetricCollectorOptions? options = null)
        : this(procRoot, timeProvider, procRoot == "/proc" ? HardwareSensors.Open(options ?? new(), () => new SysfsTemperatures("/sys", timeProvider ?? TimeProvider.System)) : HardwareSensors.None)
    {
    }

    internal LinuxMetricCollector(string procRoot, TimeProvider? timeProvider, HardwareSensors hardware)
    {
        _hardware = hardware;
        _procRoot = procRoot;
        _time = timeProvider ?? TimeProvider.System;
        _stat = new ProcFile(Path.Combine(procRoot, "stat"));
        _meminfo = new ProcFile(Path.Combine(procRoot, "meminfo"));
        _netDev = new ProcFile(Path.Combine(procRoot, "net", "dev"));
        _loadavg = new ProcFile(Path.Combine(procRoot, "loadavg"));
        _uptime = new ProcFile(Path.Combine(procRoot, "uptime"));
        _mounts = new ProcFile(Path.Combine(procRoot, "mounts"));
        _mountsSignalChanges = procRoot == "/proc";
        _processes = new ProcessCounter(procRoot);
        _previousCpu = LinuxProc.ParseStat(_stat.Read(required: true), _previousCores);
        LinuxProc.ParseNetDev(_netDev.Read(), _previousNet, _netNames);
        _previousTimestamp = _time.GetTimestamp();
    }

    /// <inheritdoc />
    public MetricSnapshot Collect()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_previousTimestamp, now).TotalSeconds;

        var cpu = LinuxProc.ParseStat(_stat.Read(required: true), _cores);
        var perCore = new double[_cores.Count];
        for (var i = 0; i < _cores.Count; i++)
        {
            perCore[i] = i < _previousCores.Count ? _cores[i].BusyPercentSince(_previousCores[i]) : 0;
        }

        var cpuMetrics = cpu.PercentSince(_previousCpu, _cores.Count, perCore);
        var (memory, swap) = LinuxProc.MemoryFrom(LinuxProc.ParseMeminfo(_meminfo.Read(required: true)), _last?.Swap);
        LinuxProc.ParseNetDev(_netDev.Read(), _net, _netNames);
        var network = NetworkRates(elapsed);
        var uptime = LinuxProc.ParseUptime(_uptime.Read());
        var wallClock = _time.GetUtcNow();

        _previousCpu = cpu;
        _previousCores.Clear();
        _previousCores.AddRange(_cores);
        _previousNet.Clear();
        _previousNet.AddRange(_net);
        _previousTimestamp = now;

        var processes = _processes.Count();
        return _last = new MetricSnapshot
        {
            Timestamp = wallClock,
            Cpu = cpuMetrics,
            Load = LinuxProc.ParseLoadAvg(_loadavg.Read(), _last?.Load),
            Memory = memory,
            Swap = swap,
            Disks = CollectDisks(),
            Network = network,
            UptimeSeconds = uptime,
            BootTime = TruncateToSeconds(wallClock.AddSeconds(-uptime)),
            Processes = _last?.Processes is { } p && p.Count == processes ? p : new ProcessMetrics { Count = processes },
            Gpus = _hardware.Gpus(),
            Temperatures = _hardware.Temperatures(),
        };
    }

    /// <summary>Where GPUs and temperatures come from, or why there are none, in words.</summary>
    internal string Sources => _hardware.Description;

    /// <inheritdoc />
    public void Dispose()
    {
        _stat.Dispose();
        _meminfo.Dispose();
        _netDev.Dispose();
        _loadavg.Dispose();
        _uptime.Dispose();
        _mounts.Dispose();
        _processes.Dispose();
        _hardware.Dispose();
    }

    private IReadOnlyList<NetworkInterfaceMetrics> NetworkRates(double elapsed)
    {
        var last = _last?.Network;
        var result = new NetworkInterfaceMetrics[_net.Count];
        var names = _netNames.Length == _net.Count ? _netNames : new string[_net.Count];
        var allShared = last is not null && last.Count == _net.Count;
        for (var i = 0; i < _net.Count; i++)
        {
            var c = _net[i];
            names[i] = c.Name;
            // Usually the interface sits where it sat last time; look further only when it moved or is new.
            var p = i < _previousNet.Count && ReferenceEquals(_previousNet[i].Name, c.Name) ? _previousNet[i] : Find(c.Name);
            var before = last is not null && i < last.Count && ReferenceEquals(last[i].Name, c.Name) ? last[i] : null;
            if (before is not null && p.Name is not null && c == p && before.RxBytes == c.RxBytes && before.TxBytes == c.TxBytes
                && before.RxPacketsPerSec == 0 && before.TxPacketsPerSec == 0 && before.RxBytesPerSec == 0 && before.TxBytesPerSec == 0)
            {
                // Idle since the last sample, and idle then too: the same record, rates zero.
                result[i] = before;
                continue;
            }

            allShared = false;
            result[i] = c.ToMetrics(p, p.Name is not null && elapsed > 0, elapsed);
        }

        _netNames = names;
        return allShared ? last! : result;
    }

    private NetworkCounters Find(string name)
    {
        foreach (var p in _previousNet)
        {
            if (p.Name == name)
            {
                return p;
            }
        }

        return default;
    }

    private IReadOnlyList<DiskMetrics> CollectDisks()
    {
        // The real mount table says when it changed; captured files (tests) are read every time.
        var text = _mountsSignalChanges && _mountsText.Length > 0 && !_mounts.ChangedSinceLastPoll() ? _mountsText : _mounts.Read();
        if (!text.SequenceEqual(_mountsText))
        {
            // Mounts changed (or first time): parse them again and prepare each mount point's path for statvfs.
            _mountsText = text.ToArray();
            _mountList = [.. LinuxProc.ParseMounts(text).Select(m => (m, System.Text.Encoding.UTF8.GetBytes(m.MountPoint + "\0")))];
        }

        _disks.Clear();
        var last = _last?.Disks;
        var allShared = true;
        foreach (var (mount, path) in _mountList)
        {
            // A mount that vanished or that this user cannot stat is not this machine's disk to report.
            if (_space.TryGet(mount.MountPoint, path, out var total, out var free, out var available) && total > 0)
            {
                var used = total - free;
                var i = _disks.Count;
                if (last is not null && i < last.Count && ReferenceEquals(last[i].Mount, mount.MountPoint)
                    && last[i].TotalBytes == total && last[i].UsedBytes == used && last[i].FreeBytes == available)
                {
                    _disks.Add(last[i]);
                    continue;
                }

                allShared = false;
                _disks.Add(new DiskMetrics
                {
                    Mount = mount.MountPoint,
                    Device = mount.Device,
                    FileSystem = mount.FileSystem,
                    TotalBytes = total,
                    UsedBytes = used,
                    FreeBytes = available,
                    Percent = LinuxProc.Percent(used, used + available),
                });
            }
        }

        return allShared && last is not null && last.Count == _disks.Count ? last : [.. _disks];
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) =>
        new(t.Ticks - (t.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
