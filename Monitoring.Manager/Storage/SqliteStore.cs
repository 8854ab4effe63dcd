using Microsoft.Data.Sqlite;

namespace Monitoring.Manager.Storage;

/// <summary>
/// What every SQLite store shares: writes go through the database's group-commit writer and return once their
/// commit is durable; reads use pooled connections that never block the writer.
/// </summary>
internal abstract class SqliteStore(SqliteDatabase database)
{
    private protected SqliteDatabase Database { get; } = database;

    private protected Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct) => Database.WriteAsync(work, ct);

    private protected Task<SqliteConnection> OpenReaderAsync(CancellationToken ct) => Database.OpenReaderAsync(ct);

    private protected async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        return await work(conn);
    }

    private protected static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private protected static long ToMs(DateTimeOffset t) => SqliteDatabase.ToMs(t);

    private protected static DateTimeOffset FromMs(long ms) => SqliteDatabase.FromMs(ms);
}
