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

    /// <summary>Parses /proc/stat into the aggregate and per-core counters (text form, for tests).</summary>
    public static (CpuTimes Total, List<CpuTimes> Cores) ParseStat(string text)
    {
        var cores = new List<CpuTimes>();
        return (ParseStat(Encoding.ASCII.GetBytes(text), cores), cores);
    }

    /// <summary>Parses /proc/stat: returns the aggregate and puts the per-core counters into <paramref name="cores"/> (cleared first).</summary>
    public static CpuTimes ParseStat(ReadOnlySpan<byte> text, List<CpuTimes> cores)
    {
        CpuTimes total = default;
        cores.Clear();
        while (ProcText.NextLine(ref text, out var line))
        {
            if (!line.StartsWith("cpu"u8))
            {
                // The cpu lines come first; nothing after them is needed.
                if (cores.Count > 0)
                {
                    break;
                }

                continue;
            }

            var name = ProcText.NextField(ref line);
            var times = new CpuTimes(
                ProcText.NextULong(ref line), ProcText.NextULong(ref line), ProcText.NextULong(ref line), ProcText.NextULong(ref line),
                ProcText.NextULong(ref line), ProcText.NextULong(ref line), ProcText.NextULong(ref line), ProcText.NextULong(ref line));
            if (name.Length == 3)
            {
                total = times;
            }
            else
            {
                cores.Add(times);
            }
        }

        return total;
    }

    /// <summary>The /proc/meminfo values the collector uses, in bytes.</summary>
    public struct Meminfo
    {
        public long MemTotal;
        public long MemFree;
        public long? MemAvailable;
        public long Buffers;
        public long Cached;
        public long SReclaimable;
        public long SwapTotal;
        public long SwapFree;
    }

    /// <summary>Parses /proc/meminfo (text form, for tests).</summary>
    public static Meminfo ParseMeminfo(string text) => ParseMeminfo(Encoding.ASCII.GetBytes(text));

    /// <summary>Parses /proc/meminfo.</summary>
    public static Meminfo ParseMeminfo(ReadOnlySpan<byte> text)
    {
        var info = default(Meminfo);
        while (ProcText.NextLine(ref text, out var line))
        {
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var key = line.Slice(0, colon);
            var rest = line.Slice(colon + 1);
            var number = ProcText.NextField(ref rest);
            if (!System.Buffers.Text.Utf8Parser.TryParse(number, out long n, out _))
            {
                continue;
            }

            var value = ProcText.NextField(ref rest).SequenceEqual("kB"u8) ? n * 1024 : n;
            if (key.SequenceEqual("MemTotal"u8)) info.MemTotal = value;
            else if (key.SequenceEqual("MemFree"u8)) info.MemFree = value;
            else if (key.SequenceEqual("MemAvailable"u8)) info.MemAvailable = value;
            else if (key.SequenceEqual("Buffers"u8)) info.Buffers = value;
            else if (key.SequenceEqual("Cached"u8)) info.Cached = value;
            else if (key.SequenceEqual("SReclaimable"u8)) info.SReclaimable = value;
            else if (key.SequenceEqual("SwapTotal"u8)) info.SwapTotal = value;
            else if (key.SequenceEqual("SwapFree"u8)) info.SwapFree = value;
        }

        return info;
    }

    /// <summary>Turns /proc/meminfo values into memory and swap metrics.</summary>
    /// <param name="info">Parsed /proc/meminfo.</param>
    /// <param name="previousSwap">The previous sample's swap, returned again (not copied) when nothing changed.</param>
    public static (MemoryMetrics Memory, SwapMetrics Swap) MemoryFrom(Meminfo info, SwapMetrics? previousSwap = null)
    {
        var total = info.MemTotal;
        var free = info.MemFree;
        // MemAvailable exists since Linux 3.14; before it, free + buffers + page cache is the usual estimate.
        var available = info.MemAvailable ?? free + info.Buffers + info.Cached + info.SReclaimable;
        available = Math.Min(available, total);
        var used = total - available;
        var swapTotal = info.SwapTotal;
        var swapFree = Math.Min(info.SwapFree, swapTotal);
        var swapUsed = swapTotal - swapFree;
        var swapUnchanged = previousSwap is not null && previousSwap.TotalBytes == swapTotal && previousSwap.FreeBytes == swapFree;
        return (
            new MemoryMetrics
            {
                TotalBytes = total,
                AvailableBytes = available,
                FreeBytes = free,
                UsedBytes = used,
                Percent = Percent(used, total),
            },
            swapUnchanged ? previousSwap! : new SwapMetrics
            {
                TotalBytes = swapTotal,
                FreeBytes = swapFree,
                UsedBytes = swapUsed,
                Percent = Percent(swapUsed, swapTotal),
            });
    }

    /// <summary>Parses /proc/net/dev (text form, for tests).</summary>
    public static List<NetworkCounters> ParseNetDev(string text)
    {
        var result = new List<NetworkCounters>();
        ParseNetDev(Encoding.ASCII.GetBytes(text), result, []);
        return result;
    }

    /// <summary>
    /// Parses /proc/net/dev into <paramref name="result"/> (cleared first); interface names equal to one of
    /// <paramref name="knownNames"/> reuse that string.
    /// </summary>
    public static void ParseNetDev(ReadOnlySpan<byte> text, List<NetworkCounters> result, IReadOnlyList<string> knownNames)
    {
        result.Clear();
        while (ProcText.NextLine(ref text, out var line))
        {
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line.IndexOf((byte)'|') >= 0)
            {
                continue;
            }

            var nameBytes = ProcText.TrimSpaces(line.Slice(0, colon));
            var f = line.Slice(colon + 1);
            var rxBytes = ProcText.NextULong(ref f);
            var rxPackets = ProcText.NextULong(ref f);
            var rxErrors = ProcText.NextULong(ref f);
            for (var i = 0; i < 5; i++)
            {
                ProcText.NextField(ref f);
            }

            var txBytes = ProcText.NextField(ref f);
            if (txBytes.Length == 0)
            {
                continue;
            }

            System.Buffers.Text.Utf8Parser.TryParse(txBytes, out ulong tx, out _);
            result.Add(new NetworkCounters(
                ProcText.Intern(nameBytes, knownNames),
                RxBytes: (long)rxBytes, RxPackets: (long)rxPackets, RxErrors: (long)rxErrors,
                TxBytes: (long)tx, TxPackets: (long)ProcText.NextULong(ref f), TxErrors: (long)ProcText.NextULong(ref f)));
        }
    }

    /// <summary>One line of /proc/mounts.</summary>
    public readonly record struct MountEntry(string Device, string MountPoint, string FileSystem);

    /// <summary>Parses /proc/mounts and keeps each real filesystem once (bind mounts and repeats dropped).</summary>
    public static List<MountEntry> ParseMounts(ReadOnlySpan<byte> text) => ParseMounts(Encoding.UTF8.GetString(text.ToArray()));

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
    public static LoadMetrics ParseLoadAvg(string text) => ParseLoadAvg(Encoding.ASCII.GetBytes(text));

    /// <summary>Parses /proc/loadavg; returns <paramref name="previous"/> itself when the kernel has not updated it since.</summary>
    public static LoadMetrics ParseLoadAvg(ReadOnlySpan<byte> text, LoadMetrics? previous = null)
    {
        var one = ProcText.NextDouble(ref text);
        var five = ProcText.NextDouble(ref text);
        var fifteen = ProcText.NextDouble(ref text);
        return previous is not null && previous.OneMinute == one && previous.FiveMinutes == five && previous.FifteenMinutes == fifteen
            ? previous
            : new LoadMetrics { OneMinute = one, FiveMinutes = five, FifteenMinutes = fifteen };
    }

    /// <summary>Parses /proc/uptime into seconds since boot.</summary>
    public static double ParseUptime(string text) => ParseUptime(Encoding.ASCII.GetBytes(text));

    /// <summary>Parses /proc/uptime into seconds since boot.</summary>
    public static double ParseUptime(ReadOnlySpan<byte> text) => ProcText.NextDouble(ref text);

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
}
