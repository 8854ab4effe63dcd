using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Monitoring.Commands;
using Monitoring.Internal;

namespace Monitoring.Metrics;

/// <summary>Counts and lists the machine's processes.</summary>
internal static class ProcessTable
{
    /// <summary>The number of processes, counted the cheapest way the OS allows.</summary>
    public static int Count()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return LinuxProc.CountProcesses("/proc");
        }
#if NET
        if (OperatingSystem.IsWindows())
        {
            return WindowsNative.ProcessCount();
        }

        if (OperatingSystem.IsMacOS())
        {
            return Math.Max(0, MacNative.proc_listallpids(IntPtr.Zero, 0));
        }
#endif
        var processes = Process.GetProcesses();
        foreach (var p in processes)
        {
            p.Dispose();
        }

        return processes.Length;
    }

    /// <summary>
    /// The top processes by CPU (measured over <paramref name="window"/>) or by resident memory.
    /// </summary>
    /// <param name="top">How many to return.</param>
    /// <param name="byMemory">Sort by resident memory instead of CPU.</param>
    /// <param name="window">How long to measure CPU use over.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Cancels the sampling.</param>
    public static async Task<ProcessListResult> TopAsync(int top, bool byMemory, TimeSpan window, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
        var before = linux ? LinuxProcesses.Sample("/proc") : PortableSample();
        var start = timeProvider.GetTimestamp();
        await timeProvider.DelayAsync(window, cancellationToken).ConfigureAwait(false);
        var after = linux ? LinuxProcesses.Sample("/proc") : PortableSample();
        var seconds = Math.Max(0.001, timeProvider.GetElapsedTime(start).TotalSeconds);
        var users = linux ? LinuxProcesses.Users() : [];

        var list = new List<ProcessInfo>(after.Count);
        foreach (var p in after.Values)
        {
            var cpu = before.TryGetValue(p.Pid, out var b) && p.CpuSeconds >= b.CpuSeconds
                ? Math.Round((p.CpuSeconds - b.CpuSeconds) / seconds * 100, 2)
                : 0;
            list.Add(new ProcessInfo
            {
                Pid = p.Pid,
                Name = p.Name,
                User = p.Uid is { } uid ? users.TryGetValue(uid, out var name) ? name : uid.ToString(CultureInfo.InvariantCulture) : null,
                CpuPercent = cpu,
                RssBytes = p.RssBytes,
            });
        }

        var sorted = byMemory
            ? list.OrderByDescending(p => p.RssBytes).ThenBy(p => p.Pid)
            : list.OrderByDescending(p => p.CpuPercent).ThenByDescending(p => p.RssBytes).ThenBy(p => p.Pid);
        return new ProcessListResult { SortBy = byMemory ? "memory" : "cpu", Total = list.Count, Processes = [.. sorted.Take(top)] };
    }

    private static Dictionary<int, ProcessSample> PortableSample()
    {
        var result = new Dictionary<int, ProcessSample>();
        foreach (var p in Process.GetProcesses())
        {
            using (p)
            {
                try
                {
                    result[p.Id] = new ProcessSample(p.Id, p.ProcessName, null, p.TotalProcessorTime.TotalSeconds, p.WorkingSet64);
                }
                catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
                {
                    // Exited, or another user's process this account cannot read.
                }
            }
        }

        return result;
    }
}

/// <summary>One process at one moment.</summary>
internal readonly record struct ProcessSample(int Pid, string Name, int? Uid, double CpuSeconds, long RssBytes);

/// <summary>Reads processes from /proc/[pid]/stat and /proc/[pid]/status.</summary>
internal static class LinuxProcesses
{
    private static readonly long ClockTicks = ReadClockTicks();

    public static Dictionary<int, ProcessSample> Sample(string procRoot)
    {
        var result = new Dictionary<int, ProcessSample>();
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!LinuxProc.IsPid(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (ParseStat(File.ReadAllText(Path.Combine(dir, "stat"))) is { } stat)
                {
                    result[pid] = new ProcessSample(pid, stat.Name, ReadUid(Path.Combine(dir, "status")), stat.CpuTicks / (double)ClockTicks, stat.RssPages * Environment.SystemPageSize);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process exited between listing and reading.
            }
        }

        return result;
    }

    /// <summary>Parses /proc/[pid]/stat: the name is in parentheses and may itself hold spaces and parentheses.</summary>
    public static (string Name, long CpuTicks, long RssPages)? ParseStat(string text)
    {
        var open = text.IndexOf('(');
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        var name = text.Substring(open + 1, close - open - 1);
        var f = text.Substring(close + 1).Split([' '], StringSplitOptions.RemoveEmptyEntries);
        // After the name: state(3) ... utime(14) stime(15) ... rss(24); f[0] is field 3.
        if (f.Length < 22)
        {
            return null;
        }

        long Field(int n) => long.TryParse(f[n - 3], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
        return (name, Field(14) + Field(15), Field(24));
    }

    public static Dictionary<int, string> Users(string passwd = "/etc/passwd")
    {
        var users = new Dictionary<int, string>();
        try
        {
            foreach (var line in File.ReadLines(passwd))
            {
                var f = line.Split(':');
                if (f.Length > 2 && int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                {
                    users[uid] = f[0];
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Without /etc/passwd, users are shown by number.
        }

        return users;
    }

    private static int? ReadUid(string statusPath)
    {
        foreach (var line in File.ReadLines(statusPath))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                var f = line.Substring(4).Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                return f.Length > 0 && int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
            }
        }

        return null;
    }

    private static long ReadClockTicks()
    {
        try
        {
            var ticks = sysconf(2); // _SC_CLK_TCK
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern long sysconf(int name);
}
