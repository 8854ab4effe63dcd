using Monitoring.Metrics;

namespace Monitoring.Core.Tests.Metrics;

public class LinuxProcTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Metrics", "Fixtures", "proc", name));

    [Fact]
    public void ParseStat_ReadsAggregateAndEveryCore()
    {
        var (total, cores) = LinuxProc.ParseStat(Fixture("stat"));

        Assert.Equal(2, cores.Count);
        Assert.Equal(16197UL, total.User);
        Assert.Equal(3010UL, total.System);
        Assert.Equal(141126UL, total.Idle);
        Assert.Equal(950UL, total.IoWait);
        Assert.Equal(180UL, total.Steal);
        Assert.Equal(7555UL, cores[0].User);
        Assert.Equal(860UL, cores[1].IoWait);
    }

    [Fact]
    public void PercentSince_ComputesBusyShareOfTheInterval()
    {
        var (before, coresBefore) = LinuxProc.ParseStat(Fixture("stat"));
        var (after, coresAfter) = LinuxProc.ParseStat(Fixture("stat.later"));

        var cpu = after.PercentSince(before, 2, []);

        // 200 jiffies passed: 50 user + 25 system busy, 100 idle + 25 iowait not busy.
        Assert.Equal(37.5, cpu.Percent);
        Assert.Equal(25, cpu.UserPercent);
        Assert.Equal(12.5, cpu.SystemPercent);
        Assert.Equal(12.5, cpu.IoWaitPercent);
        Assert.Equal(50, coresAfter[0].BusyPercentSince(coresBefore[0]));
        Assert.Equal(25, coresAfter[1].BusyPercentSince(coresBefore[1]));
    }

    [Fact]
    public void PercentSince_CounterGoingBackwards_GivesZeroNotNegative()
    {
        var (before, _) = LinuxProc.ParseStat(Fixture("stat.later"));
        var (after, _) = LinuxProc.ParseStat(Fixture("stat"));

        Assert.Equal(0, after.PercentSince(before, 2, []).Percent);
    }

    [Fact]
    public void MemoryFrom_UsesMemAvailableAndComputesSwap()
    {
        var (memory, swap) = LinuxProc.MemoryFrom(LinuxProc.ParseMeminfo(Fixture("meminfo")));

        Assert.Equal(24684084L * 1024, memory.TotalBytes);
        Assert.Equal(24384044L * 1024, memory.AvailableBytes);
        Assert.Equal(24186468L * 1024, memory.FreeBytes);
        Assert.Equal((24684084L - 24384044L) * 1024, memory.UsedBytes);
        Assert.Equal(1.22, memory.Percent);
        Assert.Equal(2097148L * 1024, swap.TotalBytes);
        Assert.Equal(1048574L * 1024, swap.UsedBytes);
        Assert.Equal(50, swap.Percent);
    }

    [Fact]
    public void MemoryFrom_OldKernelWithoutMemAvailable_EstimatesFromCaches()
    {
        var info = LinuxProc.ParseMeminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\nSReclaimable: 100 kB\n");

        var (memory, swap) = LinuxProc.MemoryFrom(info);

        Assert.Equal(500 * 1024, memory.AvailableBytes);
        Assert.Equal(50, memory.Percent);
        Assert.Equal(0, swap.Percent);
    }

    [Fact]
    public void ParseNetDev_ReadsEveryInterfaceAndSkipsHeaders()
    {
        var nics = LinuxProc.ParseNetDev(Fixture("net/dev"));

        Assert.Equal(["lo", "ifb0", "ifb1", "eth0"], nics.Select(n => n.Name));
        var eth0 = nics.Single(n => n.Name == "eth0");
        Assert.Equal(88763797, eth0.RxBytes);
        Assert.Equal(2459, eth0.RxPackets);
        Assert.Equal(179992, eth0.TxBytes);
        Assert.Equal(1964, eth0.TxPackets);
    }

    [Fact]
    public void ParseMounts_KeepsRealFilesystemsOnceAndUnescapesNames()
    {
        var mounts = LinuxProc.ParseMounts(Fixture("mounts"));

        Assert.Equal(
            ["/etc/hosts", "/", "/mnt/my data", "/mnt/nfs"],
            mounts.Select(m => m.MountPoint));
        Assert.Equal("xfs", mounts.Single(m => m.MountPoint == "/mnt/my data").FileSystem);
        Assert.DoesNotContain(mounts, m => LinuxProc.IsPseudoFileSystem(m.FileSystem));
    }

    [Fact]
    public void ParseLoadAvgAndUptime_ReadTheNumbers()
    {
        var load = LinuxProc.ParseLoadAvg(Fixture("loadavg"));

        Assert.Equal(0.45, load.OneMinute);
        Assert.Equal(0.43, load.FiveMinutes);
        Assert.Equal(0.25, load.FifteenMinutes);
        Assert.Equal(802.52, LinuxProc.ParseUptime(Fixture("uptime")));
    }
}
