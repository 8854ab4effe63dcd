using System.Net.NetworkInformation;

namespace Monitoring.Metrics;

/// <summary>Metrics read through portable .NET APIs, shared by the Windows and macOS collectors.</summary>
internal static class PortableMetrics
{
    public static List<DiskMetrics> FixedDrives()
    {
        var disks = new List<DiskMetrics>();
        foreach (var drive in DriveInfo.GetDrives())
        {
            try
            {
                if (drive.DriveType == DriveType.Fixed && drive.IsReady && Disk(drive, drive.Name, drive.Name, drive.DriveFormat) is { } disk)
                {
                    disks.Add(disk);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A drive that went away between listing and reading is skipped.
            }
        }

        return disks;
    }

    /// <summary>Sizes of one mounted filesystem (statvfs on Unix), or null when it reports no size.</summary>
    public static DiskMetrics? Disk(DriveInfo drive, string mount, string? device, string? fileSystem)
    {
        var total = drive.TotalSize;
        if (total <= 0)
        {
            return null;
        }

        var free = drive.AvailableFreeSpace;
        var used = total - drive.TotalFreeSpace;
        return new DiskMetrics
        {
            Mount = mount,
            Device = device,
            FileSystem = fileSystem,
            TotalBytes = total,
            UsedBytes = used,
            FreeBytes = free,
            Percent = LinuxProc.Percent(used, used + free),
        };
    }

    // Only the Windows and macOS collectors call this; Linux reads /proc/net/dev.
#if NET
    [System.Runtime.Versioning.UnsupportedOSPlatform("linux")]
#endif
    public static List<NetworkCounters> NetworkInterfaces()
    {
        var result = new List<NetworkCounters>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            try
            {
                var s = nic.GetIPStatistics();
                result.Add(new NetworkCounters(
                    nic.Name,
                    s.BytesReceived, s.UnicastPacketsReceived + s.NonUnicastPacketsReceived, s.IncomingPacketsWithErrors,
                    s.BytesSent, s.UnicastPacketsSent + s.NonUnicastPacketsSent, s.OutgoingPacketsWithErrors));
            }
            catch (Exception ex) when (ex is NetworkInformationException or PlatformNotSupportedException)
            {
                // Some virtual interfaces expose no statistics.
            }
        }

        return result;
    }
}
