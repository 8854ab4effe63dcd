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
    private readonly Thread _loop;

    public WalCheckpointer(string connectionString)
    {
        _connectionString = connectionString;
        // Its own thread, like the writer's: a checkpoint blocks in SQLite, and must not hold a pool thread meanwhile.
        _loop = new Thread(Loop) { IsBackground = true, Name = "SQLite checkpoints" };
        _loop.Start();
    }

    private void Loop()
    {
        while (!_stop.Token.WaitHandle.WaitOne(Interval))
        {
            try
            {
                using var conn = new SqliteConnection(_connectionString);
                conn.Open();
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                using var result = cmd.ExecuteReader();
                if (result.Read() && result.GetInt64(1) > RestartFrames)
                {
                    Volatile.Write(ref _catchUp, 1);
                }
            }
            catch (SqliteException)
            {
                // Busy or failing now: the WAL only grows until the next tick tries again, and nothing is lost.
            }
        }
    }

    /// <summary>True once when the WAL has grown long enough that the writer should checkpoint what is left itself.</summary>
    public bool TakeCatchUp() => Interlocked.Exchange(ref _catchUp, 0) == 1;

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Join();
        _stop.Dispose();
    }
}
