namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The notification store contract on SQLite.</summary>
public sealed class SqliteNotificationStoreContract : NotificationStoreContract
{
    private readonly SqliteStores _sqlite = new();

    private protected override Task<StoreSet> CreateStoresAsync() => _sqlite.CreateAsync();

    public override Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();
}
