using Microsoft.Data.Sqlite;
using Monitoring.Manager.Storage;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>The credential contract on SQLite.</summary>
public sealed class SqliteCredentialStoreContract : CredentialStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-contract-").FullName;
    private SqliteDatabase? _database;

    private protected override async Task<ICredentialStore> CreateAsync()
    {
        _database = new SqliteDatabase(_dir);
        var store = new SqliteCredentialStore(_database);
        await store.InitializeAsync(default);
        return store;
    }

    public override Task DisposeAsync()
    {
        _database?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
