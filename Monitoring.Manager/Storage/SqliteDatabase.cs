using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Monitoring.Manager.Storage;

/// <summary>
/// The manager's SQLite file shared by the stores of each aggregate: WAL with synchronous=FULL, pooled readers that
/// never block writers, and one writer that commits in groups. Every write is queued; the writer takes whatever is
/// queued, runs each piece in its own savepoint inside one transaction, commits once (one fsync for the whole
/// group) and only then completes each waiting caller. An acknowledgement still means durable; a failing piece
/// rolls back alone and fails only its caller.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    public const string FileName = "monitoring.db";

    /// <summary>The most pieces of work committed together.</summary>
    public const int MaxGroup = 512;

    private readonly string _connectionString;
    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _open = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private SqliteConnection? _writer;
    private Task? _loop;

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
    }

    public string DatabasePath { get; }

    /// <summary>Commits made so far and pieces of work they carried, for metrics and benchmarks.</summary>
    public (long Commits, long Writes) CommitStats => (Interlocked.Read(ref _commits), Interlocked.Read(ref _writes));

    private long _commits;
    private long _writes;

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
            await ExecAsync(writer, null, "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;", ct);
            Monitoring.Internal.SecureFile.RestrictToOwner(DatabasePath);
            _writer = writer;
            _loop = Task.Run(WriteLoopAsync, CancellationToken.None);
        }
        finally
        {
            _open.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> inside the next group's transaction and returns once that group is committed.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        await OpenAsync(ct);
        var write = new Write<T>(work, ct);
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(SqliteDatabase), "The store is closed.");
        }

        return await write.Completion.Task.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<IWrite>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var next))
            {
                if (!next.IsCancelled)
                {
                    group.Add(next);
                }
            }

            if (group.Count > 0)
            {
                await CommitGroupAsync(group).ConfigureAwait(false);
            }
        }
    }

    private async Task CommitGroupAsync(List<IWrite> group)
    {
        var done = new List<IWrite>(group.Count);
        try
        {
            using var tx = _writer!.BeginTransaction();
            for (var i = 0; i < group.Count; i++)
            {
                var savepoint = "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                tx.Save(savepoint);
                try
                {
                    await group[i].RunAsync(_writer, tx).ConfigureAwait(false);
                    tx.Release(savepoint);
                    done.Add(group[i]);
                }
                catch (Exception ex)
                {
                    tx.Rollback(savepoint);
                    tx.Release(savepoint);
                    group[i].Fail(ex);
                }
            }

            tx.Commit();
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _writes, done.Count);
        }
        catch (Exception ex)
        {
            // The commit itself failed (disk full, I/O error): nothing of the group is durable.
            foreach (var write in done)
            {
                write.Fail(ex);
            }

            return;
        }

        foreach (var write in done)
        {
            write.Complete();
        }
    }

    /// <summary>
    /// A command on the writer connection for <paramref name="sql"/>, prepared once and reused by every later write
    /// (only the writer's loop runs writes, so the cache needs no lock). Parameters are added once by the caller
    /// when <paramref name="created"/> is true, and set on each use.
    /// </summary>
    public SqliteCommand Prepared(SqliteConnection conn, SqliteTransaction tx, string sql, out bool created)
    {
        created = !_prepared.TryGetValue(sql, out var cmd);
        if (created)
        {
            cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            _prepared[sql] = cmd;
        }

        cmd!.Transaction = tx;
        return cmd;
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

    public static long ToMs(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>Finishes what is queued, then closes the writer.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop?.GetAwaiter().GetResult();
        foreach (var cmd in _prepared.Values)
        {
            cmd.Dispose();
        }

        _writer?.Dispose();
        _open.Dispose();
    }

    private interface IWrite
    {
        bool IsCancelled { get; }

        Task RunAsync(SqliteConnection conn, SqliteTransaction tx);

        void Complete();

        void Fail(Exception ex);
    }

    private sealed class Write<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct) : IWrite
    {
        private T _result = default!;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsCancelled
        {
            get
            {
                if (!ct.IsCancellationRequested)
                {
                    return false;
                }

                Completion.TrySetCanceled(ct);
                return true;
            }
        }

        public async Task RunAsync(SqliteConnection conn, SqliteTransaction tx) => _result = await work(conn, tx).ConfigureAwait(false);

        public void Complete() => Completion.TrySetResult(_result);

        public void Fail(Exception ex) => Completion.TrySetException(ex);
    }
}
