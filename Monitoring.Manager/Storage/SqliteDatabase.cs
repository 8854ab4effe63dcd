using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Monitoring.Manager.Storage;

/// <summary>
/// The manager's SQLite file shared by the stores of each aggregate: WAL, pooled readers that never block writers,
/// and one writer that commits in groups. Every write is queued; the writer takes whatever is queued, runs each
/// piece in its own savepoint (a repeatable piece without one) inside one transaction and commits once;
/// <see cref="WalSyncer"/> fsyncs the WAL and only then completes each waiting caller, while the writer goes on with
/// the next group. An acknowledgement still means durable; a failing piece rolls back alone (a repeatable one keeps
/// the statements before its failure) and fails only its caller.
/// </summary>
internal sealed partial class SqliteDatabase : IDisposable, IStoreStats
{
    public const string FileName = "monitoring.db";

    /// <summary>The most pieces of work committed together.</summary>
    public const int MaxGroup = 512;

    private readonly string _connectionString;
    // Synchronous continuations: a queued write wakes the writer's thread itself; otherwise the channel would complete
    // the writer's wait through the thread pool, whose queue under load is full of requests.
    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly SemaphoreSlim _open = new(1, 1);
    private readonly WalSyncer _syncer;
    private WalCheckpointer? _checkpointer;
    private SqliteConnection? _writer;
    private Thread? _loop;

    public SqliteDatabase(string dataDirectory)
    {
        DatabasePath = Path.Combine(dataDirectory, FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _syncer = new WalSyncer(DatabasePath);
    }

    public string DatabasePath { get; }

    /// <summary>Commits made so far and pieces of work they carried, for metrics and benchmarks.</summary>
    public (long Commits, long Writes) CommitStats => (Interlocked.Read(ref _commits), Interlocked.Read(ref _writes));

    private long _commits;
    private long _writes;

    /// <summary>Writes queued for the writer and not yet taken into a group.</summary>
    public int QueueDepth => Volatile.Read(ref _queued);

    private int _queued;

    /// <summary>Opens the writer connection and starts the writer once; later calls do nothing.</summary>
    public async Task OpenAsync(CancellationToken ct)
    {
        if (_loop is not null)
        {
            return;
        }

        await _open.WaitAsync(ct);
        try
        {
            if (_loop is not null)
            {
                return;
            }

            var writer = new SqliteConnection(_connectionString);
            await writer.OpenAsync(ct);
            // auto_vacuum only takes effect on a new database: there, pages freed by sealing and retention go back to
            // the file system (see ReleaseFreePagesAsync) instead of staying in the file.
            await ExecAsync(writer, null, "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;", ct);
            // The writer keeps the pages it touches (8 MiB: SQLite walks its page cache's hash table at every commit, and
            // with 64 MiB that walk was a fifth of the writer's time under ingest) and leaves checkpoints to their own
            // connection; a WAL that grew under a burst is cut back to 64 MiB when it starts over.
            await ExecAsync(writer, null, "PRAGMA cache_size=-8192; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=0; PRAGMA journal_size_limit=67108864;", ct);
            Monitoring.Internal.SecureFile.RestrictToOwner(DatabasePath);
            _writer = writer;
            _checkpointer = new WalCheckpointer(_connectionString);
            // Its own thread, not the pool's: SQLite's calls block, and on a small machine a blocked pool thread is a
            // request that waits for the pool to grow.
            _loop = new Thread(WriteLoop) { IsBackground = true, Name = "SQLite writer" };
            _loop.Start();
        }
        finally
        {
            _open.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> inside the next group's transaction and returns once that group is committed and on disk.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct) => WriteAsync(work, durable: true, ct);

    /// <summary>
    /// Runs <paramref name="work"/> inside the next group's transaction. A durable write returns once the commit is
    /// on disk; a write that is not returns at commit, when every reader sees it, which is enough for a change that may
    /// be lost with a power cut but not with the process (a command's delivery: the agent answers a repeat from its
    /// own record). <paramref name="committed"/>, when given, runs on the writer right after the commit, before the
    /// disk sync: the moment readers see the change.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, bool durable, CancellationToken ct, Action? committed = null) =>
        EnqueueAsync(new Write<T>(work, durable, savepoint: true, committed, rolledBack: null, ct), ct);

    /// <summary>
    /// Like <see cref="WriteAsync{T}(Func{SqliteConnection, SqliteTransaction, Task{T}}, CancellationToken)"/> for work
    /// that its caller repeats harmlessly after a failure (reports, deduplicated by sequence number): it runs without a
    /// savepoint of its own (two statements and a statement journal less per piece), so a piece that fails after some
    /// of its statements keeps what they wrote in the group. Each statement is still atomic. <paramref name="committed"/>
    /// runs on the writer right after the group commits, even when the piece itself failed (what its statements wrote
    /// commits with the group); <paramref name="rolledBack"/> runs there when the group fails to commit, before any
    /// caller hears of it and before the next group starts.
    /// </summary>
    public Task<T> WriteRepeatableAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct, Action? committed = null, Action? rolledBack = null) =>
        EnqueueAsync(new Write<T>(work, durable: true, savepoint: false, committed, rolledBack, ct), ct);

    private async Task<T> EnqueueAsync<T>(Write<T> write, CancellationToken ct)
    {
        await OpenAsync(ct);
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(write))
        {
            Interlocked.Decrement(ref _queued);
            throw new ObjectDisposedException(nameof(SqliteDatabase), "The store is closed.");
        }

        return await write.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>The error callers see when the disk refuses a write: a full disk or an I/O error becomes <see cref="StoreUnavailableException"/>.</summary>
    internal static Exception Unavailable(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: 13 } => new StoreUnavailableException("the disk holding the database is full.", ex),
        SqliteException { SqliteErrorCode: 10 } or IOException => new StoreUnavailableException("the disk holding the database failed to write.", ex),
        _ => ex,
    };

    /// <summary>Checkpoints on the writer what the background checkpoints left, so the next commit starts the WAL over.</summary>
    private void CatchUpCheckpoint()
    {
        try
        {
            ExecAsync(_writer!, null, "PRAGMA wal_checkpoint(PASSIVE)", CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (SqliteException)
        {
            // A reader still holds an old snapshot: the next request tries again.
        }
    }

    /// <summary>
    /// Runs a <c>DELETE … LIMIT 1000</c> statement (with <c>$cutoff</c>) until it deletes fewer than a thousand rows:
    /// one short write per batch, so a large purge never holds up ingest for long.
    /// </summary>
    public async Task<int> PurgeInBatchesAsync(string sql, DateTimeOffset cutoff, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var removed = await WriteAsync(async (conn, tx) =>
            {
                using var cmd = conn.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                cmd.Parameters.AddWithValue("$cutoff", ToMs(cutoff));
                return await cmd.ExecuteNonQueryAsync(ct);
            }, ct);
            total += removed;
            if (removed < 1000)
            {
                return total;
            }
        }
    }

    /// <summary>Gives free pages back to the file system (databases created with incremental auto-vacuum), a bounded number at a time.</summary>
    public Task ReleaseFreePagesAsync(CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        await ExecAsync(conn, tx, "PRAGMA incremental_vacuum(2000)", ct);
        return 0;
    }, ct);

    public async Task<SqliteConnection> OpenReaderAsync(CancellationToken ct)
    {
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct);
        return conn;
    }

    public static async Task ExecAsync(SqliteConnection conn, SqliteTransaction? tx, string sql, CancellationToken ct)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private int _disposed;

    public static long ToMs(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>Finishes what is queued, then closes the writer; once (the container may hold it under two services).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        _loop?.Join();
        _syncer.Dispose();
        _checkpointer?.Dispose();
        foreach (var cmd in _prepared.Values)
        {
            cmd.Dispose();
        }

        foreach (var stmt in _statements.Values)
        {
            stmt.Dispose();
        }

        _writer?.Dispose();
        using (var pooled = new SqliteConnection(_connectionString))
        {
            // Closes the idle readers of this database, so the file is left whole and unlocked.
            SqliteConnection.ClearPool(pooled);
        }

        _open.Dispose();
    }
}
