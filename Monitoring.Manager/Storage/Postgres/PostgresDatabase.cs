using Npgsql;

namespace Monitoring.Manager.Storage.Postgres;

/// <summary>
/// A PostgreSQL database shared by every manager of a fleet: pooled connections (Npgsql), one transaction per
/// write, committed before the call returns. Times are stored as milliseconds since the Unix epoch, as in SQLite,
/// so the history codecs and the stores' logic are the same on both engines.
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable, IDisposable, IStoreStats
{
    private long _commits;
    private int _disposed;
    private int _inFlight;

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // A manager's name in pg_stat_activity, unless the operator set one.
        builder.ApplicationName ??= "monitoring-manager";
        // Several managers share the server's connections (100 by default): each takes at most 30 unless told otherwise.
        if (!connectionString.Contains("pool size", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxPoolSize = 30;
        }

        // The stores set no session state: a pooled connection needs no DISCARD ALL on its way back, which would
        // also throw away every plan (a report's function was planned again on each call). Statements run often are
        // prepared once per connection.
        builder.NoResetOnClose = true;
        if (!connectionString.Contains("auto prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 32;
        }

        ConnectionString = builder.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Description = $"PostgreSQL database '{builder.Database}' on {builder.Host}:{builder.Port}";
    }

    public NpgsqlDataSource DataSource { get; }

    public string ConnectionString { get; }

    /// <summary>Where the data is, for messages (no password).</summary>
    public string Description { get; }

    /// <inheritdoc />
    public int QueueDepth => Volatile.Read(ref _inFlight);

    /// <inheritdoc />
    public (long Commits, long Writes) CommitStats => (Interlocked.Read(ref _commits), Interlocked.Read(ref _commits));

    public static long ToMs(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>Runs <paramref name="work"/> in one transaction and commits it.</summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await using var conn = await OpenAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            var result = await work(conn, tx);
            await tx.CommitAsync(ct);
            Interlocked.Increment(ref _commits);
            return result;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Runs one statement (or a function) on its own: PostgreSQL commits it, one round trip, no transaction block.</summary>
    public async Task<T> ExecuteAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await using var conn = await OpenAsync(ct);
            var result = await work(conn);
            Interlocked.Increment(ref _commits);
            return result;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        await using var conn = await OpenAsync(ct);
        return await work(conn);
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"The {Description} cannot be reached: {ex.Message}. Check that PostgreSQL runs and the connection string is right.", ex);
        }
    }

    /// <summary>Runs a bounded delete (<c>@cutoff</c> in ms) until it removes fewer than 1000 rows; returns how many.</summary>
    public async Task<int> PurgeInBatchesAsync(string sql, DateTimeOffset cutoff, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var removed = await WriteAsync(async (conn, tx) =>
            {
                await using var cmd = Sql.Command(conn, tx, sql, ("cutoff", ToMs(cutoff)));
                return await cmd.ExecuteNonQueryAsync(ct);
            }, ct);
            total += removed;
            if (removed < 1000)
            {
                return total;
            }
        }
    }

    // Once: the container may hold the database under two services.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            DataSource.Dispose();
        }
    }

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? DataSource.DisposeAsync() : ValueTask.CompletedTask;
}
