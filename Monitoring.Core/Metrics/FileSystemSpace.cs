using System.Runtime.InteropServices;

namespace Monitoring.Metrics;

/// <summary>
/// Sizes of a mounted filesystem by statvfs on 64-bit Linux (glibc and musl agree on the fields read here), with
/// the mount point's path prepared once; elsewhere through <see cref="DriveInfo"/>.
/// </summary>
internal sealed unsafe class FileSystemSpace
{
    /// <summary>Set once statvfs turned out not to be callable (a C library without it): DriveInfo from then on.</summary>
    private bool _nativeUnavailable;

    /// <summary>Total, free and available-to-users bytes of the filesystem at <paramref name="mountPoint"/>; false when it cannot be read.</summary>
    public bool TryGet(string mountPoint, byte[] mountPointUtf8, out long total, out long free, out long available)
    {
        if (!_nativeUnavailable && IntPtr.Size == 8 && RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            try
            {
                return TryStatvfs(mountPointUtf8, out total, out free, out available);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                _nativeUnavailable = true;
            }
        }

        try
        {
            var drive = new DriveInfo(mountPoint);
            total = drive.TotalSize;
            free = drive.TotalFreeSpace;
            available = drive.AvailableFreeSpace;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            total = free = available = 0;
            return false;
        }
    }

    private static bool TryStatvfs(byte[] mountPointUtf8, out long total, out long free, out long available)
    {
        // struct statvfs: f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, … (unsigned long each on 64-bit), 112 bytes in all.
        var buffer = stackalloc ulong[16];
        int result;
        fixed (byte* path = mountPointUtf8)
        {
            result = statvfs(path, buffer);
        }

        if (result != 0)
        {
            total = free = available = 0;
            return false;
        }

        var unit = buffer[1] != 0 ? buffer[1] : buffer[0];
        total = (long)(buffer[2] * unit);
        free = (long)(buffer[3] * unit);
        available = (long)(buffer[4] * unit);
        return true;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statvfs(byte* path, ulong* buffer);
}
