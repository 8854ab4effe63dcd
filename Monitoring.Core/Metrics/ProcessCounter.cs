using System.Runtime.InteropServices;

namespace Monitoring.Metrics;

/// <summary>
/// Counts the numeric entries of procfs (one per process) without a string per entry: on Linux it keeps the
/// directory open and reads it with getdents64 into one native buffer; elsewhere, or if that fails, it enumerates names.
/// </summary>
internal sealed unsafe class ProcessCounter : IDisposable
{
    private const int BufferSize = 32 * 1024;
    private readonly string _procRoot;
    private int _fd = -1;
    private byte* _buffer;
    private bool _nativeUnavailable;

    public ProcessCounter(string procRoot) => _procRoot = procRoot;

    public int Count()
    {
        if (!_nativeUnavailable && IntPtr.Size == 8 && RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            try
            {
                if (TryCountNative(out var count))
                {
                    return count;
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // A C library without these entry points: list the directory instead from now on.
                _nativeUnavailable = true;
            }
        }

        return LinuxProc.CountProcesses(_procRoot);
    }

    private bool TryCountNative(out int count)
    {
        count = 0;
        if (_fd < 0)
        {
            var path = System.Text.Encoding.UTF8.GetBytes(_procRoot + "\0");
            fixed (byte* p = path)
            {
                // No O_DIRECTORY: its value differs between architectures; getdents64 refuses anything else anyway.
                _fd = open(p, ORdOnly | OCloexec);
            }

            if (_fd < 0)
            {
                return false;
            }

            _buffer = (byte*)Marshal.AllocHGlobal(BufferSize);
        }

        if (lseek(_fd, 0, 0) < 0)
        {
            Dispose();
            return false;
        }

        while (true)
        {
            var read = getdents64(_fd, _buffer, BufferSize);
            if (read < 0)
            {
                Dispose();
                return false;
            }

            if (read == 0)
            {
                return true;
            }

            // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
            for (long offset = 0; offset < read;)
            {
                var entry = _buffer + offset;
                var length = *(ushort*)(entry + 16);
                var type = entry[18];
                var name = entry + 19;
                if ((type == DtDir || type == DtUnknown) && name[0] is >= (byte)'1' and <= (byte)'9' && IsDigits(name))
                {
                    count++;
                }

                offset += length;
            }
        }
    }

    private static bool IsDigits(byte* name)
    {
        for (var i = 0; name[i] != 0; i++)
        {
            if (name[i] is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            close(_fd);
            _fd = -1;
        }

        if (_buffer is not null)
        {
            Marshal.FreeHGlobal((IntPtr)_buffer);
            _buffer = null;
        }
    }

    private const int ORdOnly = 0;
    private const int OCloexec = 0x80000;
    private const byte DtUnknown = 0;
    private const byte DtDir = 4;

    [DllImport("libc", SetLastError = true)]
    private static extern int open(byte* path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern long lseek(int fd, long offset, int whence);

    [DllImport("libc", SetLastError = true)]
    private static extern long getdents64(int fd, byte* buffer, nuint count);

    [DllImport("libc")]
    private static extern int close(int fd);

    // O_RDONLY and O_CLOEXEC have the same values on x86-64 and arm64.
}
