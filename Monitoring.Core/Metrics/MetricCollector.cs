using System.Runtime.InteropServices;

namespace Monitoring.Metrics;

/// <summary>Creates the collector for the operating system the process runs on.</summary>
public static class MetricCollector
{
    /// <summary>The collector for this machine: Linux, Windows or macOS, with its GPUs and temperature sensors.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="options">GPUs and temperature sensors; every source this machine has when null.</param>
    /// <exception cref="PlatformNotSupportedException">On any other operating system.</exception>
    public static IMetricCollector CreateDefault(TimeProvider? timeProvider = null, MetricCollectorOptions? options = null)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return new LinuxMetricCollector("/proc", timeProvider, options);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return new WindowsMetricCollector(timeProvider, options);
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            return new MacMetricCollector(timeProvider);
        }

        throw new PlatformNotSupportedException(
            $"No metric collector for {RuntimeInformation.OSDescription}; supported: Linux, Windows, macOS. " +
            "Implement IMetricCollector and pass it to AgentRuntime to monitor this system.");
    }

    /// <summary>Where a collector of this SDK reads GPUs and temperatures, or why it reads none; null for other collectors.</summary>
    internal static string? SourcesOf(IMetricCollector collector) => collector switch
    {
        Agent.ApplicationCollector app => SourcesOf(app.Machine),
        LinuxMetricCollector linux => linux.Sources,
#if NET
        WindowsMetricCollector windows when OperatingSystem.IsWindows() => windows.Sources,
#else
        WindowsMetricCollector windows => windows.Sources,
#endif
        _ => null,
    };

    /// <summary>The operating system family as the protocol names it: linux, windows, macos or other.</summary>
    public static string OsFamily =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "linux"
        : RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "windows"
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "macos"
        : "other";
}
