using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace Monitoring.Manager.Storage;

/// <summary>
/// Makes commits durable after the fact: the writer commits with synchronous=NORMAL (SQLite writes the WAL but does
/// not fsync it) and hands each committed group here; this loop fsyncs the WAL file and only then completes the
/// group's callers. While the disk syncs one group the writer already runs the next, and one fsync covers every group
/// committed before it began. What an acknowledgement means does not change: the commit is on disk, as with
/// synchronous=FULL. SQLite itself still syncs the WAL before each checkpoint and the database after it.
/// </summary>
internal sealed class WalSyncer : IDisposable
{
    private readonly string _walPath;
    // Synchronous continuations: a committed group wakes this thread itself, not through the thread pool's queue.
    private readonly Channel<List<ICommitted>> _committed = Channel.CreateUnbounded<List<ICommitted>>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly Thread _loop;
    private FileStream? _wal;

    public WalSyncer(string databasePath)
    {
        _walPath = databasePath + "-wal";
        _loop = new Thread(Loop) { IsBackground = true, Name = "SQLite WAL sync" };
        _loop.Start();
    }

    /// <summary>What waits for its commit to be on disk.</summary>
    public interface ICommitted
    {
        void Complete();

        void Fail(Exception ex);
    }

    /// <summary>Completes <paramref name="group"/> once a sync that began after its commit has finished.</summary>
    public void Enqueue(List<ICommitted> group)
    {
        if (!_committed.Writer.TryWrite(group))
        {
            var closed = new ObjectDisposedException(nameof(SqliteDatabase), "The store is closed.");
            group.ForEach(w => w.Fail(closed));
        }
    }

    private void Loop()
    {
        var batch = new List<List<ICommitted>>();
        while (_committed.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            batch.Clear();
            while (_committed.Reader.TryRead(out var group))
            {
                batch.Add(group);
            }

            Exception? failure = null;
            try
            {
                Sync();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not known to be on disk: the callers fail and retry (reports are deduplicated by sequence number).
                failure = SqliteDatabase.Unavailable(ex);
                _wal?.Dispose();
                _wal = null;
            }

            foreach (var group in batch)
            {
                foreach (var write in group)
                {
                    if (failure is null)
                    {
                        write.Complete();
                    }
                    else
                    {
                        write.Fail(failure);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Syncs the WAL file: fdatasync on Linux (what SQLite itself uses: the data and the size, not the times), a full
    /// flush elsewhere. The handle stays open: the WAL lives as long as the writer's connection.
    /// </summary>
    private void Sync()
    {
        _wal ??= new FileStream(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        if (OperatingSystem.IsLinux())
        {
            if (fdatasync(_wal.SafeFileHandle) != 0)
            {
                throw new IOException($"fdatasync of {_walPath} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        else
        {
            _wal.Flush(flushToDisk: true);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int fdatasync(SafeFileHandle fd);

    /// <summary>Completes what is queued, then closes the WAL handle.</summary>
    public void Dispose()
    {
        _committed.Writer.TryComplete();
        _loop.Join();
        _wal?.Dispose();
    }
}
