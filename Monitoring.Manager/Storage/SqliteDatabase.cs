using Microsoft.Data.Sqlite;

namespace Monitoring.Manager.Storage;

/// <summary>
/// The manager's SQLite file shared by the stores of each aggregate: WAL with synchronous=FULL (a commit is on disk
/// before the manager acknowledges), one writer connection behind a lock (SQLite has one writer anyway) and pooled
/// readers that never block it.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    public const string FileName = "monitoring.db";

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;

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

    /// <summary>Opens the writer connection once; later calls do nothing.</summary>
    public async Task OpenAsync(CancellationToken ct)
    {
        if (_writer is not null)
        {
            return;
        }

        var writer = new SqliteConnection(_connectionString);
        await writer.OpenAsync(ct);
        await ExecAsync(writer, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;", ct);
        Monitoring.Internal.SecureFile.RestrictToOwner(DatabasePath);
        _writer = writer;
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction and returns once it is committed.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        await OpenAsync(ct);
        await _writeLock.WaitAsync(ct);
        try
        {
            using var tx = _writer!.BeginTransaction();
            var result = await work(_writer, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

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

    public void Dispose()
    {
        _writer?.Dispose();
        _writeLock.Dispose();
    }
}
