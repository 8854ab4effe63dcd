using Microsoft.Data.Sqlite;

namespace Monitoring.Manager.Storage;

/// <summary>
/// Copies the WAL back into the database on its own connection, so the writer never does it inside a commit (the
/// writer's automatic checkpoint is off). A passive checkpoint every <see cref="Interval"/> neither waits for
/// readers nor blocks the writer; SQLite syncs the WAL before copying and the database after. Under steady writes a
/// passive checkpoint never catches up with the end of the WAL, so SQLite would never start it over and it would
/// grow without bound: past <see cref="RestartFrames"/> frames the writer is asked (<see cref="TakeCatchUp"/>) to
/// checkpoint the few frames left itself, between two groups, after which its next commit starts the WAL over.
/// </summary>
internal sealed class WalCheckpointer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>WAL frames (about 4 KiB each) beyond which the writer catches up and the WAL starts over.</summary>
    public const long RestartFrames = 4096;

    private int _catchUp;

    private readonly string _connectionString;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WalCheckpointer(string connectionString)
    {
        _connectionString = connectionString;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Checkpoints made so far, for benchmarks.</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    private long _checkpoints;

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await using var conn = new SqliteConnection(_connectionString);
                    await conn.OpenAsync(_stop.Token).ConfigureAwait(false);
                    using var cmd = conn.CreateCommand();
                    cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await using var result = await cmd.ExecuteReaderAsync(_stop.Token).ConfigureAwait(false);
                    if (await result.ReadAsync(_stop.Token).ConfigureAwait(false) && result.GetInt64(1) > RestartFrames)
                    {
                        Volatile.Write(ref _catchUp, 1);
                    }

                    Interlocked.Increment(ref _checkpoints);
                }
                catch (SqliteException)
                {
                    // Busy or failing now: the WAL only grows until the next tick tries again, and nothing is lost.
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>True once when the WAL has grown long enough that the writer should checkpoint what is left itself.</summary>
    public bool TakeCatchUp() => Interlocked.Exchange(ref _catchUp, 0) == 1;

    public void Dispose()
    {
        _stop.Cancel();
        _loop.GetAwaiter().GetResult();
        _stop.Dispose();
    }
}
