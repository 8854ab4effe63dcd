using System.Globalization;
using System.Runtime.InteropServices;

namespace Monitoring.AgentHost;

/// <summary>
/// Gives memory the agent no longer needs back to the operating system once it has settled: what start-up left
/// behind (configuration parsing, the first TLS handshake, certificate chains) would otherwise stay resident for the
/// life of a process that then needs a few kilobytes a second.
/// </summary>
internal static class ProcessMemory
{
    /// <summary><c>madvise</c> advice (Linux 5.4 and later): reclaim the pages now; they are read back from the file when touched.</summary>
    private const int MadvPageout = 21;

    /// <summary>
    /// Collects and compacts the managed heap, decommitting free space, then trims the C heap where glibc allows, and
    /// drops the pages of code and read-only data mapped from files (the executable, libcrypto, the runtime's
    /// libraries) that start-up read: a report touches a small part of them, which comes back from the page cache.
    /// </summary>
    public static void Release()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return;
        }

        try
        {
            _ = malloc_trim(0);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl, for one): nothing to trim this way.
        }

        try
        {
            foreach (var (start, end) in ReadOnlyFileMappings(File.ReadAllLines("/proc/self/maps")))
            {
                // A kernel before 5.4 answers EINVAL: the pages simply stay.
                _ = madvise((nint)start, (nuint)(end - start), MadvPageout);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or EntryPointNotFoundException or DllNotFoundException)
        {
            // No /proc, or no madvise: the pages stay, as they would have.
        }
    }

    /// <summary>
    /// The address ranges of <c>/proc/self/maps</c> lines that map a file without write access (code and read-only
    /// data): only those can be dropped and read back unchanged. Memory shared under a deleted name (the JIT's
    /// double-mapped code) and anonymous memory are left alone.
    /// </summary>
    internal static IEnumerable<(ulong Start, ulong End)> ReadOnlyFileMappings(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            // 7f2c1a000000-7f2c1a021000 r-xp 00000000 08:01 1234   /usr/lib/x86_64-linux-gnu/libcrypto.so.3
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[1].Length < 4 || fields[1][1] != '-' || fields[1][3] != 'p'
                || !fields[5].StartsWith('/') || fields[5].EndsWith(" (deleted)", StringComparison.Ordinal))
            {
                continue;
            }

            var dash = fields[0].IndexOf('-', StringComparison.Ordinal);
            if (dash > 0
                && ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                && ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)
                && end > start)
            {
                yield return (start, end);
            }
        }
    }

    [DllImport("libc")]
    private static extern int malloc_trim(nuint pad);

    [DllImport("libc", SetLastError = true)]
    private static extern int madvise(nint addr, nuint length, int advice);
}
