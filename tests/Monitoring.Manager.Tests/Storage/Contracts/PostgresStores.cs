using Monitoring.Manager.Storage.Postgres;
using Npgsql;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>
/// A throwaway schema in the test PostgreSQL database (<see cref="ConnectionVariable"/>, which the test command sets
/// after starting PostgreSQL) with every store over it; dropped afterwards.
/// </summary>
internal sealed class PostgresStores : IAsyncDisposable
{
    /// <summary>The environment variable with the test database's connection string.</summary>
    public const string ConnectionVariable = "MONITORING_TEST_POSTGRES";

    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");
    private PostgresDatabase? _database;

    /// <summary>The test database's connection string; fails with what to do when the test command did not set it.</summary>
    public static string BaseConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ConnectionVariable} is not set: run the tests with ./test.sh, which starts PostgreSQL and sets it, or set it to a connection string " +
                "for a database where you may create schemas (Host=127.0.0.1;Username=…;Password=…;Database=…).");

    /// <summary>A connection string whose tables live in a schema of their own.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task<PostgresDatabase> CreateDatabaseAsync()
    {
        await using (var admin = new NpgsqlConnection(BaseConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {_schema}", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(BaseConnectionString) { SearchPath = _schema }.ConnectionString;
        _database = new PostgresDatabase(ConnectionString);
        await PostgresMigrations.ApplyAsync(_database, default);
        return _database;
    }

    public async Task<StoreSet> CreateAsync()
    {
        var db = await CreateDatabaseAsync();
        return new StoreSet(
            new PostgresAgentStore(db), new PostgresAlertStore(db), new PostgresCommandStore(db), new PostgresFileRecordStore(db),
            new PostgresHistoryStore(db), new PostgresCredentialStore(db), new PostgresNotificationStore(db));
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await using var admin = new NpgsqlConnection(BaseConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
