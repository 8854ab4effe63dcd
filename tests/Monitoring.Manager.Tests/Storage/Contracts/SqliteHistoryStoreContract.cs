using Microsoft.Data.Sqlite;
using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The history contract on SQLite.</summary>
public sealed class SqliteHistoryStoreContract : HistoryStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-contract-").FullName;
    private SqliteDatabase? _database;

    private protected override async Task<IHistoryStore> CreateAsync()
    {
        _database = new SqliteDatabase(_dir);
        var store = new SqliteHistoryStore(_database);
        await store.InitializeAsync(default);
        return store;
    }

    private protected override async Task RegisterAgentAsync(string agentId)
    {
        var agents = new SqliteMonitoringStore(_database!);
        await agents.SaveAgentAsync(new StoredAgent { Id = agentId, TokenHash = "h-" + agentId, IntervalSeconds = 10, RegisteredAt = DateTimeOffset.UnixEpoch }, default);
    }

    public override Task DisposeAsync()
    {
        _database?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
