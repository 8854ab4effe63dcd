using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Monitoring.Internal;

/// <summary>
/// Linux file handles opened the careful way: never following a link at the last component (O_NOFOLLOW), never
/// blocking on a FIFO (O_NONBLOCK), and inspected after opening (statx for the type and link count,
/// /proc/self/fd for the real path), so what is checked is what is used.
/// </summary>
internal static class UnixFileHandles
{
    private const int ReadOnly = 0x0;
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int Exclusive = 0x80;
    private const int Append = 0x400;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int EmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxNlink = 0x4;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    /// <summary>True where this works: Linux on x64 or arm64.</summary>
    public static bool IsSupported =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>O_NOFOLLOW's value differs between architectures.</summary>
    private static int NoFollow => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    /// <summary>Opens an existing file to read; a link or a FIFO at the path is refused, not followed or waited on.</summary>
    public static SafeFileHandle OpenRead(string path) => Open(path, ReadOnly | NonBlocking);

    /// <summary>Opens a file to write: created (owner-only) if missing, only if missing with <paramref name="mustCreate"/>, appended to otherwise.</summary>
    public static SafeFileHandle OpenWrite(string path, bool mustCreate) =>
        Open(path, WriteOnly | Create | Append | NonBlocking | (mustCreate ? Exclusive : 0));

    private static SafeFileHandle Open(string path, int flags)
    {
        var fd = open(Utf8(path), flags | NoFollow | CloseOnExec, 0x180);
        if (fd < 0)
        {
            var errno = Marshal.GetLastWin32Error();
            throw new IOException(errno switch
            {
                40 => $"'{path}' is a symbolic link; it was not followed.",
                17 => $"'{path}' appeared while it was being created; something else is writing there.",
                2 => $"'{path}' does not exist.",
                13 => $"Permission denied on '{path}'.",
                _ => $"Cannot open '{path}' (errno {errno}).",
            }, errno);
        }

        return new SafeFileHandle((IntPtr)fd, ownsHandle: true);
    }

    /// <summary>The type and link count of an open file.</summary>
    public static (bool IsRegular, int Links) Describe(SafeFileHandle handle)
    {
        var buffer = new byte[256];
        if (statx((int)handle.DangerousGetHandle(), new byte[1], EmptyPath, StatxType | StatxNlink, buffer) != 0)
        {
            throw new IOException($"Cannot inspect an open file (errno {Marshal.GetLastWin32Error()}).");
        }

        var links = BitConverter.ToInt32(buffer, 16);
        var mode = BitConverter.ToUInt16(buffer, 28);
        return ((mode & FileTypeMask) == RegularFile, links);
    }

    /// <summary>Where an open file really is, as the kernel sees it.</summary>
    public static string RealPath(SafeFileHandle handle)
    {
        var buffer = new byte[4097];
        var n = readlink(Utf8("/proc/self/fd/" + handle.DangerousGetHandle().ToInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)), buffer, buffer.Length - 1);
        if (n < 0)
        {
            throw new IOException($"Cannot tell where an open file is (errno {Marshal.GetLastWin32Error()}).");
        }

        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static byte[] Utf8(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, 0, s.Length, bytes, 0);
        return bytes;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open(byte[] path, int flags, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int readlink(byte[] path, byte[] buffer, int size);
}
