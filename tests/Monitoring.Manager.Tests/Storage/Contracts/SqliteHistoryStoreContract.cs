using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The history contract on SQLite.</summary>
public sealed class SqliteHistoryStoreContract : HistoryStoreContract
{
    private readonly SqliteStores _sqlite = new();
    private StoreSet? _stores;

    private protected override async Task<IHistoryStore> CreateAsync()
    {
        _stores = await _sqlite.CreateAsync();
        return _stores.History;
    }

    private protected override Task RegisterAgentAsync(string agentId) =>
        _stores!.Agents.SaveAgentAsync(new StoredAgent { Id = agentId, TokenHash = "h-" + agentId, IntervalSeconds = 10, RegisteredAt = DateTimeOffset.UnixEpoch }, default);

    public override Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();
}
