namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The notification store contract on PostgreSQL.</summary>
public sealed class PostgresNotificationStoreContract : NotificationStoreContract
{
    private readonly PostgresStores _postgres = new();

    private protected override Task<StoreSet> CreateStoresAsync() => _postgres.CreateAsync();

    public override Task DisposeAsync() => _postgres.DisposeAsync().AsTask();
}
