using Monitoring.Manager.Storage;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The credential contract on SQLite.</summary>
public sealed class SqliteCredentialStoreContract : CredentialStoreContract
{
    private readonly SqliteStores _sqlite = new();

    private protected override async Task<ICredentialStore> CreateAsync() => (await _sqlite.CreateAsync()).Credentials;

    public override Task DisposeAsync() => _sqlite.DisposeAsync().AsTask();
}
