using Microsoft.Extensions.Time.Testing;
using Monitoring.Metrics;

namespace Monitoring.Core.Tests.Metrics;

public sealed class LinuxMetricCollectorTests : IDisposable
{
    private readonly string _proc = Directory.CreateTempSubdirectory("monitoring-proc-").FullName;

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    [Fact]
    public void Collect_FromCapturedProcFiles_ComputesRatesOverTheElapsedTime()
    {
        var fixtures = CopyFixtures();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        using var collector = new LinuxMetricCollector(_proc, time);

        // procfs changes a file's content in place (the collector keeps it open), so the later samples are written over the earlier ones.
        File.WriteAllBytes(Path.Combine(_proc, "stat"), File.ReadAllBytes(Path.Combine(fixtures, "stat.later")));
        File.WriteAllBytes(Path.Combine(_proc, "net/dev"), File.ReadAllBytes(Path.Combine(fixtures, "net/dev.later")));
        time.Advance(TimeSpan.FromSeconds(2));
        var snapshot = collector.Collect();

        Assert.Equal(37.5, snapshot.Cpu.Percent);
        Assert.Equal([50.0, 25.0], snapshot.Cpu.PerCore);
        Assert.Equal(2, snapshot.Cpu.LogicalCores);
        var eth0 = snapshot.Network.Single(n => n.Name == "eth0");
        Assert.Equal(1000, eth0.RxBytesPerSec);
        Assert.Equal(500, eth0.TxBytesPerSec);
        Assert.Equal(10, eth0.RxPacketsPerSec);
        Assert.Equal(0, snapshot.Network.Single(n => n.Name == "lo").RxBytesPerSec);
        Assert.Equal(3, snapshot.Processes.Count);
        Assert.Equal(802.52, snapshot.UptimeSeconds);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 11, 46, 39, TimeSpan.Zero), snapshot.BootTime);
        Assert.Equal(time.GetUtcNow(), snapshot.Timestamp);
        Assert.Equal(50, snapshot.Swap.Percent);
        Assert.Equal(0.45, snapshot.Load!.OneMinute);
        // The fixture's mount points do not exist here, so statvfs fails and no disk is invented.
        Assert.DoesNotContain(snapshot.Disks, d => d.Mount == "/mnt/my data");
    }

    [Fact]
    public void Collect_SharesWhatDidNotChange_WithThePreviousSnapshot()
    {
        var fixtures = CopyFixtures();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        using var collector = new LinuxMetricCollector(_proc, time);
        File.WriteAllBytes(Path.Combine(_proc, "net/dev"), File.ReadAllBytes(Path.Combine(fixtures, "net/dev.later")));
        time.Advance(TimeSpan.FromSeconds(2));
        var first = collector.Collect();
        time.Advance(TimeSpan.FromSeconds(2));
        var second = collector.Collect();
        time.Advance(TimeSpan.FromSeconds(2));
        var third = collector.Collect();

        // lo was idle throughout: one record. eth0 moved before the first sample, so the second has new rates (zero),
        // and from then on it is idle too.
        Assert.Same(first.Network.Single(n => n.Name == "lo"), second.Network.Single(n => n.Name == "lo"));
        Assert.NotSame(first.Network.Single(n => n.Name == "eth0"), second.Network.Single(n => n.Name == "eth0"));
        Assert.Equal(1000, first.Network.Single(n => n.Name == "eth0").RxBytesPerSec);
        Assert.Equal(0, second.Network.Single(n => n.Name == "eth0").RxBytesPerSec);
        Assert.Same(second.Network, third.Network);
        Assert.Same(first.Swap, third.Swap);
        Assert.Same(first.Load, third.Load);
        Assert.Same(first.Processes, third.Processes);
        Assert.NotSame(second, third);

        // What changes is new, and a shared record never changes under an earlier snapshot.
        File.WriteAllText(Path.Combine(_proc, "loadavg"), "2.50 1.00 0.75 2/345 6789\n");
        Directory.CreateDirectory(Path.Combine(_proc, "4343"));
        time.Advance(TimeSpan.FromSeconds(2));
        var fourth = collector.Collect();
        Assert.Equal(2.5, fourth.Load!.OneMinute);
        Assert.Equal(0.45, third.Load!.OneMinute);
        Assert.Equal(4, fourth.Processes.Count);
        Assert.Equal(3, third.Processes.Count);
        Assert.Same(third.Swap, fourth.Swap);
    }

    [Fact]
    public void Collect_OnThisMachine_ReportsSaneNumbers()
    {
        using var collector = MetricCollector.CreateDefault();
        var before = DateTimeOffset.UtcNow;

        var s = collector.Collect();

        Assert.InRange(s.Cpu.Percent, 0, 100);
        Assert.Equal(Environment.ProcessorCount, s.Cpu.LogicalCores);
        Assert.Equal(Environment.ProcessorCount, s.Cpu.PerCore.Count);
        Assert.True(s.Memory.TotalBytes > 0);
        Assert.InRange(s.Memory.UsedBytes, 1, s.Memory.TotalBytes);
        Assert.InRange(s.Memory.Percent, 0, 100);
        var disk = Assert.Single(s.Disks, d => d.Mount == "/");
        Assert.True(disk.TotalBytes > 0 && disk.UsedBytes > 0 && disk.FreeBytes > 0);
        Assert.InRange(disk.Percent, 0, 100);
        Assert.DoesNotContain(s.Disks, d => d.FileSystem is "proc" or "tmpfs" or "sysfs" or "overlay");
        Assert.Contains(s.Network, n => n.Name == "lo");
        Assert.True(s.Processes.Count >= 1);
        Assert.True(s.UptimeSeconds > 0);
        Assert.True(s.BootTime < before);
        Assert.InRange(s.Timestamp, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public void Collect_OnThisMachine_MatchesWhatTheSystemReports()
    {
        using var collector = MetricCollector.CreateDefault();
        var s = collector.Collect();

        // Counted from the open /proc directory by getdents64: the same as listing it, give or take processes that came and went.
        var listed = Directory.EnumerateDirectories("/proc").Count(d => int.TryParse(Path.GetFileName(d), out _));
        Assert.InRange(s.Processes.Count, listed - 20, listed + 20);
        // statvfs read directly: the same sizes DriveInfo reports.
        var root = new DriveInfo("/");
        var disk = Assert.Single(s.Disks, d => d.Mount == "/");
        Assert.Equal(root.TotalSize, disk.TotalBytes);
        Assert.InRange(disk.FreeBytes, root.AvailableFreeSpace - (256L << 20), root.AvailableFreeSpace + (256L << 20));
        // Every interface the kernel lists, by name.
        var nics = File.ReadAllLines("/proc/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).ToList();
        Assert.Equal(nics, s.Network.Select(n => n.Name));
        // Temperatures where sysfs has sensors (this machine has none), and no section at all where it has none.
        var sensors = (Directory.Exists("/sys/class/hwmon") ? Directory.GetFileSystemEntries("/sys/class/hwmon").Length : 0)
            + (Directory.Exists("/sys/class/thermal") ? Directory.GetFileSystemEntries("/sys/class/thermal", "thermal_zone*").Length : 0);
        Assert.Equal(sensors == 0, s.Temperatures is null);
    }

    [Fact]
    public void Collect_InSteadyState_AllocatesOnlyTheSnapshot()
    {
        using var collector = MetricCollector.CreateDefault();
        for (var i = 0; i < 50; i++)
        {
            collector.Collect();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        MetricSnapshot last = null!;
        for (var i = 0; i < 100; i++)
        {
            last = collector.Collect();
        }

        var perSnapshot = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        // At most the snapshot's own objects: about 100 bytes per interface and filesystem and 600 for the rest (it was
        // 133 KB when /proc was read into strings), less what is shared with the snapshot before; the files, names,
        // buffers and the process count allocate nothing. GPUs and temperature sensors, where the machine has them, are
        // a list and a record each.
        var hardware = (last.Gpus is null ? 0 : 64 + (240 * last.Gpus.Count)) + (last.Temperatures is null ? 0 : 64 + (96 * last.Temperatures.Count));
        Assert.InRange(perSnapshot, 1, 700 + (120 * (last.Network.Count + last.Disks.Count)) + hardware);
    }

    /// <summary>Copies the captured /proc files into the test's own procfs root; returns where the later samples are.</summary>
    private string CopyFixtures()
    {
        var fixtures = Path.Combine(AppContext.BaseDirectory, "Metrics", "Fixtures", "proc");
        Directory.CreateDirectory(Path.Combine(_proc, "net"));
        foreach (var name in new[] { "stat", "meminfo", "loadavg", "uptime", "mounts", "net/dev" })
        {
            File.Copy(Path.Combine(fixtures, name), Path.Combine(_proc, name));
        }

        foreach (var pid in new[] { "1", "42", "4242" })
        {
            Directory.CreateDirectory(Path.Combine(_proc, pid));
        }

        Directory.CreateDirectory(Path.Combine(_proc, "self"));
        Directory.CreateDirectory(Path.Combine(_proc, "sys"));
        return fixtures;
    }
}
