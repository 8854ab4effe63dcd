namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The command store contract on SQLite.</summary>
public sealed class SqliteCommandStoreContract : CommandStoreContract
{
    private readonly SqliteStores _sqlite = new();

    private protected override Task<StoreSet> CreateStoresAsync() => _sqlite.CreateAsync();

    public override Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();
}
