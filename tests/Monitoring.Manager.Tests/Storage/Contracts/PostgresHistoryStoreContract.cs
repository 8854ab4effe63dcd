using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The history contract on PostgreSQL.</summary>
public sealed class PostgresHistoryStoreContract : HistoryStoreContract
{
    private readonly PostgresStores _postgres = new();
    private StoreSet? _stores;

    private protected override async Task<IHistoryStore> CreateAsync()
    {
        _stores = await _postgres.CreateAsync();
        return _stores.History;
    }

    private protected override Task RegisterAgentAsync(string agentId) =>
        _stores!.Agents.SaveAgentAsync(new StoredAgent { Id = agentId, TokenHash = "h-" + agentId, IntervalSeconds = 10, RegisteredAt = DateTimeOffset.UnixEpoch }, default);

    public override Task DisposeAsync() => _postgres.DisposeAsync().AsTask();
}
