using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>What every credential store must do, whatever its engine.</summary>
public abstract class CredentialStoreContract : IAsyncLifetime
{
    private protected ICredentialStore Store { get; private set; } = null!;

    private protected abstract Task<ICredentialStore> CreateAsync();

    public async Task InitializeAsync() => Store = await CreateAsync();

    public abstract Task DisposeAsync();

    private static StoredCredential Token(string id, int? maxUses = null) => new()
    {
        Id = id, Kind = CredentialKind.Enrollment, Name = id, TokenHash = "hash-" + id, CreatedAt = DateTimeOffset.UnixEpoch, MaxUses = maxUses,
        AgentIdPattern = "web-*", Labels = new Dictionary<string, string> { ["site"] = "paris" }, RequireApproval = true,
    };

    [Fact]
    public async Task Credentials_RoundTrip_AndAnIdIsInsertedOnce()
    {
        Assert.True(await Store.InsertAsync(Token("t1"), default));
        Assert.False(await Store.InsertAsync(Token("t1"), default));
        Assert.True(await Store.InsertAsync(new StoredCredential { Id = "k1", Kind = CredentialKind.Key, Name = "ops", Role = KeyRole.Operator, TokenHash = "hash-k1", CreatedAt = DateTimeOffset.UnixEpoch }, default));

        var all = await Store.LoadAsync(default);

        var token = all.Single(c => c.Id == "t1");
        Assert.Equal(("web-*", "paris", true), (token.AgentIdPattern, token.Labels!["site"], token.RequireApproval));
        Assert.Equal(KeyRole.Operator, all.Single(c => c.Id == "k1").Role);
    }

    [Fact]
    public async Task Uses_StopAtTheMaximum_AndRevocationIsFinal()
    {
        await Store.InsertAsync(Token("t2", maxUses: 2), default);

        Assert.True(await Store.TryUseAsync("t2", default));
        Assert.True(await Store.TryUseAsync("t2", default));
        Assert.False(await Store.TryUseAsync("t2", default));
        Assert.True(await Store.RevokeAsync("t2", DateTimeOffset.UnixEpoch.AddDays(1), default));
        Assert.False(await Store.RevokeAsync("t2", DateTimeOffset.UnixEpoch.AddDays(2), default));
        Assert.False(await Store.UpdateHashAsync("t2", "other", default));
        var stored = (await Store.LoadAsync(default)).Single(c => c.Id == "t2");
        Assert.Equal((2, DateTimeOffset.UnixEpoch.AddDays(1)), (stored.Uses, stored.RevokedAt));
    }
}
