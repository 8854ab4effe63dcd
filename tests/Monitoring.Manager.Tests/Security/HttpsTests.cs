using Monitoring.Client;

namespace Monitoring.Manager.Tests.Security;

public sealed class HttpsTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync(https: true);

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact]
    public async Task PinnedThumbprint_FromAdminJson_IsTrusted()
    {
        Assert.Equal(64, _manager.Admin.CertificateThumbprint!.Length);
        Assert.StartsWith("https://127.0.0.1:", _manager.Admin.Url, StringComparison.Ordinal);
        using var client = ManagerClient.FromConnectionFile(Path.Combine(_manager.DataDir, "admin.json"));

        var agents = await client.GetAgentsAsync();

        Assert.Empty(agents);
    }

    [Fact]
    public async Task WrongThumbprint_IsRefusedWithAHint()
    {
        using var client = new ManagerClient(new ManagerConnectionOptions
        {
            BaseAddress = _manager.Url,
            Token = _manager.Admin.Token,
            CertificateThumbprint = new string('A', 64),
        });

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => client.GetAgentsAsync());

        Assert.Equal(MonitoringApiException.UnreachableCode, ex.Code);
        Assert.Contains("does not match the pinned thumbprint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoPin_SelfSignedCertificate_IsNotTrusted()
    {
        using var client = new ManagerClient(new ManagerConnectionOptions { BaseAddress = _manager.Url, Token = _manager.Admin.Token, MaxRetryAttempts = 0 });

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => client.GetAgentsAsync());

        Assert.Contains("not trusted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_KeepsTheSameCertificateAndTokens()
    {
        var before = _manager.Admin;

        await _manager.StartAgainAsync();

        Assert.Equal(before.CertificateThumbprint, _manager.Admin.CertificateThumbprint);
        Assert.Equal(before.Token, _manager.Admin.Token);
        using var client = _manager.AdminClient();
        Assert.Empty(await client.GetAgentsAsync());
    }
}
