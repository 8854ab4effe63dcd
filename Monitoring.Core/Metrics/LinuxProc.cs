using System.Globalization;
using System.Text;

namespace Monitoring.Metrics;

/// <summary>Parsers for the /proc files the Linux collector reads; pure functions over text, tested on captured files.</summary>
internal static class LinuxProc
{
    /// <summary>Filesystem types that hold no user data: kernel interfaces, memory-backed and layered filesystems.</summary>
    private static readonly HashSet<string> PseudoFileSystems = new(StringComparer.Ordinal)
    {
        "proc", "sysfs", "tmpfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "overlay", "squashfs",
        "securityfs", "pstore", "debugfs", "tracefs", "mqueue", "hugetlbfs", "fusectl", "configfs", "bpf",
        "autofs", "binfmt_misc", "rpc_pipefs", "nsfs", "ramfs", "efivarfs", "selinuxfs", "nfsd", "fuse.lxcfs",
        "fuse.gvfsd-fuse", "fuse.portal", "rootfs", "aufs", "iso9660", "udf", "zram", "devfs", "none",
    };

    public static bool IsPseudoFileSystem(string type) => PseudoFileSystems.Contains(type);

    /// <summary>Parses /proc/stat into the aggregate and per-core counters.</summary>
    public static (CpuTimes Total, List<CpuTimes> Cores) ParseStat(string text)
    {
        CpuTimes total = default;
        var cores = new List<CpuTimes>();
        foreach (var line in Lines(text))
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal))
            {
                continue;
            }

            var fields = Split(line);
            var times = new CpuTimes(
                Field(fields, 1), Field(fields, 2), Field(fields, 3), Field(fields, 4),
                Field(fields, 5), Field(fields, 6), Field(fields, 7), Field(fields, 8));
            if (fields[0] == "cpu")
            {
                total = times;
            }
            else
            {
                cores.Add(times);
            }
        }

        return (total, cores);
    }

    /// <summary>Parses /proc/meminfo into bytes by key.</summary>
    public static Dictionary<string, long> ParseMeminfo(string text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in Lines(text))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var fields = Split(line.Substring(colon + 1));
            if (fields.Length == 0 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                continue;
            }

            var multiplier = fields.Length > 1 && fields[1] == "kB" ? 1024L : 1L;
            values[line.Substring(0, colon)] = n * multiplier;
        }

        return values;
    }

    /// <summary>Turns /proc/meminfo values into memory and swap metrics.</summary>
    public static (MemoryMetrics Memory, SwapMetrics Swap) MemoryFrom(Dictionary<string, long> info)
    {
        var total = Get(info, "MemTotal");
        var free = Get(info, "MemFree");
        // MemAvailable exists since Linux 3.14; before it, free + buffers + page cache is the usual estimate.
        var available = info.TryGetValue("MemAvailable", out var a)
            ? a
            : free + Get(info, "Buffers") + Get(info, "Cached") + Get(info, "SReclaimable");
        available = Math.Min(available, total);
        var used = total - available;
        var swapTotal = Get(info, "SwapTotal");
        var swapFree = Math.Min(Get(info, "SwapFree"), swapTotal);
        var swapUsed = swapTotal - swapFree;
        return (
            new MemoryMetrics
            {
                TotalBytes = total,
                AvailableBytes = available,
                FreeBytes = free,
                UsedBytes = used,
                Percent = Percent(used, total),
            },
            new SwapMetrics
            {
                TotalBytes = swapTotal,
                FreeBytes = swapFree,
                UsedBytes = swapUsed,
                Percent = Percent(swapUsed, swapTotal),
            });
    }

    /// <summary>Parses /proc/net/dev.</summary>
    public static List<NetworkCounters> ParseNetDev(string text)
    {
        var result = new List<NetworkCounters>();
        foreach (var line in Lines(text))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line.IndexOf('|') >= 0)
            {
                continue;
            }

            var name = line.Substring(0, colon).Trim();
            var f = Split(line.Substring(colon + 1));
            if (f.Length < 11)
            {
                continue;
            }

            result.Add(new NetworkCounters(
                name,
                RxBytes: (long)Field(f, 0), RxPackets: (long)Field(f, 1), RxErrors: (long)Field(f, 2),
                TxBytes: (long)Field(f, 8), TxPackets: (long)Field(f, 9), TxErrors: (long)Field(f, 10)));
        }

        return result;
    }

    /// <summary>One line of /proc/mounts.</summary>
    public readonly record struct MountEntry(string Device, string MountPoint, string FileSystem);

    /// <summary>Parses /proc/mounts and keeps each real filesystem once (bind mounts and repeats dropped).</summary>
    public static List<MountEntry> ParseMounts(string text)
    {
        var result = new List<MountEntry>();
        var seenMounts = new HashSet<string>(StringComparer.Ordinal);
        var seenDevices = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in Lines(text))
        {
            var f = Split(line);
            if (f.Length < 3)
            {
                continue;
            }

            var entry = new MountEntry(Unescape(f[0]), Unescape(f[1]), f[2]);
            if (IsPseudoFileSystem(entry.FileSystem) || !seenMounts.Add(entry.MountPoint))
            {
                continue;
            }

            // The same block device mounted twice (bind mounts) is one filesystem: count it once, at its first mount.
            if (entry.Device.StartsWith("/dev/", StringComparison.Ordinal) && !seenDevices.Add(entry.Device))
            {
                continue;
            }

            result.Add(entry);
        }

        return result;
    }

    /// <summary>Parses /proc/loadavg.</summary>
    public static LoadMetrics ParseLoadAvg(string text)
    {
        var f = Split(text);
        return new LoadMetrics
        {
            OneMinute = Double(f, 0),
            FiveMinutes = Double(f, 1),
            FifteenMinutes = Double(f, 2),
        };
    }

    /// <summary>Parses /proc/uptime into seconds since boot.</summary>
    public static double ParseUptime(string text) => Double(Split(text), 0);

    /// <summary>Counts the numeric entries of procfs: one per process, without opening any of them.</summary>
    public static int CountProcesses(string procRoot)
    {
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (IsPid(Path.GetFileName(dir), out _))
            {
                count++;
            }
        }

        return count;
    }

    public static bool IsPid(string name, out int pid)
    {
        pid = 0;
        return name.Length > 0 && name[0] is >= '1' and <= '9' && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out pid);
    }

    public static double Percent(long part, long total) =>
        total <= 0 ? 0 : Math.Round(100.0 * part / total, 2);

    // /proc/mounts escapes space, tab, newline and backslash as three octal digits.
    private static string Unescape(string s)
    {
        if (s.IndexOf('\\') < 0)
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                sb.Append((char)Convert.ToInt32(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(s[i]);
            }
        }

        return sb.ToString();
    }

    private static bool IsOctal(string s, int start)
    {
        if (start + 3 > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + 3; i++)
        {
            if (s[i] is < '0' or > '7')
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split(['\n'], StringSplitOptions.RemoveEmptyEntries);

    private static string[] Split(string line) =>
        line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private static ulong Field(string[] fields, int index) =>
        index < fields.Length && ulong.TryParse(fields[index], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static double Double(string[] fields, int index) =>
        index < fields.Length && double.TryParse(fields[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static long Get(Dictionary<string, long> info, string key) => info.TryGetValue(key, out var v) ? v : 0;
}
