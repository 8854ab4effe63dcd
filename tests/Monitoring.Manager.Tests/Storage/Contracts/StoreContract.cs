namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>
/// The base of the per-aggregate contract suites: a subclass per engine supplies the stores (SQLite here; the
/// PostgreSQL store implements the same contracts).
/// </summary>
public abstract class StoreContract : IAsyncLifetime
{
    private protected static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private protected StoreSet Stores { get; private set; } = null!;

    private protected abstract Task<StoreSet> CreateStoresAsync();

    public async Task InitializeAsync() => Stores = await CreateStoresAsync();

    public abstract Task DisposeAsync();
}
