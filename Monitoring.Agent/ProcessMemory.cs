using System.Runtime.InteropServices;

namespace Monitoring.AgentHost;

/// <summary>
/// Gives memory the agent no longer needs back to the operating system once it has settled: what start-up left
/// behind (configuration parsing, the first TLS handshake, certificate chains) would otherwise stay resident for the
/// life of a process that then needs a few kilobytes a second.
/// </summary>
internal static class ProcessMemory
{
    /// <summary>Collects and compacts the managed heap, decommitting free space, then trims the C heap where glibc allows.</summary>
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
    }

    [DllImport("libc")]
    private static extern int malloc_trim(nuint pad);
}
