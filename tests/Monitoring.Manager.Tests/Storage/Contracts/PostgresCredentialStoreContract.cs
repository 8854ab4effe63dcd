using Monitoring.Manager.Storage;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The credential contract on PostgreSQL.</summary>
public sealed class PostgresCredentialStoreContract : CredentialStoreContract
{
    private readonly PostgresStores _postgres = new();

    private protected override async Task<ICredentialStore> CreateAsync() => (await _postgres.CreateAsync()).Credentials;

    public override Task DisposeAsync() => _postgres.DisposeAsync().AsTask();
}
