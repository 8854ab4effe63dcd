namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The agent store contract on SQLite.</summary>
public sealed class SqliteAgentStoreContract : AgentStoreContract
{
    private readonly SqliteStores _sqlite = new();

    private protected override Task<StoreSet> CreateStoresAsync() => _sqlite.CreateAsync();

    public override Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();
}
