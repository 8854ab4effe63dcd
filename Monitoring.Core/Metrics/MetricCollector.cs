using System.Runtime.InteropServices;

namespace Monitoring.Metrics;

/// <summary>Creates the collector for the operating system the process runs on.</summary>
public static class MetricCollector
{
    /// <summary>The collector for this machine: Linux, Windows or macOS.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="PlatformNotSupportedException">On any other operating system.</exception>
    public static IMetricCollector CreateDefault(TimeProvider? timeProvider = null)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return new LinuxMetricCollector("/proc", timeProvider);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return new WindowsMetricCollector(timeProvider);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            return new MacMetricCollector(timeProvider);
        }

        throw new PlatformNotSupportedException(
            $"No metric collector for {RuntimeInformation.OSDescription}; supported: Linux, Windows, macOS. " +
            "Implement IMetricCollector and pass it to AgentRuntime to monitor this system.");
    }

    /// <summary>The operating system family as the protocol names it: linux, windows, macos or other.</summary>
    public static string OsFamily =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux"
        : RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "windows"
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "macos"
        : "other";
}
