using System.Runtime.InteropServices;

namespace Monitoring.Metrics;

/// <summary>
/// One procfs file kept open and read again from the start on each call into a buffer that is reused: no file
/// handle, string or array per read in steady state (procfs regenerates the text on a read at offset 0).
/// </summary>
internal sealed unsafe class ProcFile : IDisposable
{
    private readonly string _path;
    private const short PollPri = 0x002;
    private const short PollErr = 0x008;

    private byte[] _buffer;
    private bool _canPoll = true;
#if NET
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _handle;
#else
    private FileStream? _handle;
#endif

    /// <param name="path">The file.</param>
    /// <param name="bufferSize">The first buffer's size; it doubles when a read fills it.</param>
    public ProcFile(string path, int bufferSize = 4096)
    {
        _path = path;
        _buffer = new byte[bufferSize];
    }

    /// <summary>
    /// The file's whole content now, valid until the next read. When it cannot be read: empty, or for a
    /// <paramref name="required"/> file an <see cref="IOException"/> naming it (the snapshot is skipped rather than
    /// reported with zeros).
    /// </summary>
    public ReadOnlySpan<byte> Read(bool required = false)
    {
        try
        {
            return ReadCore();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Dispose();
            return required ? throw new IOException($"Cannot read {_path}: {ex.Message}", ex) : default;
        }
    }

    /// <summary>
    /// For the mount table, which signals changes instead of having to be read to find them (a mount or unmount
    /// raises POLLPRI on every descriptor open on <c>/proc/self/mounts</c>): true when it changed since the last call
    /// or since it was opened, and also whenever that cannot be told (not open yet, no <c>poll</c> here), so that the
    /// caller reads it. Only meaningful on procfs: a regular file never signals.
    /// </summary>
    public bool ChangedSinceLastPoll()
    {
        if (_handle is null || !_canPoll)
        {
            return true;
        }

#if NET
        var handle = _handle;
#else
        var handle = _handle.SafeFileHandle;
#endif
        var fd = new PollFd { Fd = (int)handle.DangerousGetHandle(), Events = PollPri };
        try
        {
            return poll(&fd, 1, 0) != 0 || (fd.Revents & (PollPri | PollErr)) != 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _canPoll = false;
            return true;
        }
    }

    private ReadOnlySpan<byte> ReadCore()
    {
        while (true)
        {
#if NET
            _handle ??= File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = 0;
            int n;
            while ((n = RandomAccess.Read(_handle, _buffer.AsSpan(length), length)) > 0 && (length += n) < _buffer.Length)
            {
            }
#else
            _handle ??= new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            _handle.Position = 0;
            var length = 0;
            int n;
            while ((n = _handle.Read(_buffer, length, _buffer.Length - length)) > 0 && (length += n) < _buffer.Length)
            {
            }
#endif
            if (length < _buffer.Length)
            {
                return _buffer.AsSpan(0, length);
            }

            // Filled the buffer: the file may be longer, read it again into a larger one.
            _buffer = new byte[_buffer.Length * 2];
        }
    }

    public void Dispose()
    {
        _handle?.Dispose();
        _handle = null;
    }

    [DllImport("libc")]
    private static extern int poll(PollFd* fds, nuint count, int timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
