namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The command store contract on PostgreSQL.</summary>
public sealed class PostgresCommandStoreContract : CommandStoreContract
{
    private readonly PostgresStores _postgres = new();

    private protected override Task<StoreSet> CreateStoresAsync() => _postgres.CreateAsync();

    public override Task DisposeAsync() => _postgres.DisposeAsync().AsTask();
}
