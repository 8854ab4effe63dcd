using Microsoft.Data.Sqlite;
using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>A throwaway SQLite database in a temporary directory with every store over it.</summary>
internal sealed class SqliteStores : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-contract-").FullName;
    private SqliteDatabase? _database;

    public async Task<StoreSet> CreateAsync()
    {
        _database = new SqliteDatabase(_dir);
        var set = new StoreSet(
            new SqliteAgentStore(_database), new SqliteAlertStore(_database), new SqliteCommandStore(_database), new SqliteFileRecordStore(_database),
            new SqliteHistoryStore(_database), new SqliteCredentialStore(_database), new SqliteNotificationStore(_database));
        await set.Agents.InitializeAsync(default);
        return set;
    }

    public ValueTask DisposeAsync()
    {
        _database?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}
