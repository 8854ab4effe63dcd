using System.Net;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Security;

public sealed class ApiKeyTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private ManagerClient Client(string token) => new(new ManagerConnectionOptions { BaseAddress = _manager.Url, Token = token, MaxRetryAttempts = 0 });

    [Fact]
    public async Task Roles_GateWhatEachKeyMayDo_AndCommandsRecordTheKeysName()
    {
        using var admin = _manager.AdminClient();
        var reader = await admin.CreateApiKeyAsync("dashboard", KeyRole.Reader);
        var op = await admin.CreateApiKeyAsync("oncall", KeyRole.Operator);
        await _manager.EnrollAsync("a1");
        using var asReader = Client(reader.Token!);
        using var asOperator = Client(op.Token!);

        Assert.Single(await asReader.GetAgentsAsync());
        var readerSend = await Assert.ThrowsAsync<MonitoringApiException>(() => asReader.SubmitCommandAsync("a1", "get_status"));
        Assert.Equal(403, readerSend.StatusCode);
        Assert.Contains("reader", readerSend.Message, StringComparison.Ordinal);

        var queued = await asOperator.SubmitCommandAsync("a1", "get_status");
        Assert.Equal("oncall", queued.RequestedBy);
        var operatorKey = await Assert.ThrowsAsync<MonitoringApiException>(() => asOperator.CreateApiKeyAsync("x", KeyRole.Admin));
        Assert.Equal(403, operatorKey.StatusCode);
        Assert.Equal(403, (await Assert.ThrowsAsync<MonitoringApiException>(() => asOperator.AddSilenceAsync("a1", null, DateTimeOffset.UtcNow.AddHours(1)))).StatusCode);
    }

    [Fact]
    public async Task RevokedAndExpiredKeys_StopWorking_AndTokensAreNeverListedOrStoredInPlainText()
    {
        using var admin = _manager.AdminClient();
        var key = await admin.CreateApiKeyAsync("script", KeyRole.Reader);
        using var asKey = Client(key.Token!);
        Assert.Empty(await asKey.GetAgentsAsync());

        await admin.RevokeApiKeyAsync(key.Id);

        Assert.Equal(401, (await Assert.ThrowsAsync<MonitoringApiException>(() => asKey.GetAgentsAsync())).StatusCode);
        var listed = (await admin.GetApiKeysAsync()).Single(k => k.Id == key.Id);
        Assert.Null(listed.Token);
        Assert.NotNull(listed.RevokedAt);
        var duplicate = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.CreateApiKeyAsync("script", KeyRole.Reader));
        Assert.Equal(ErrorCodes.CredentialExists, duplicate.Code);
        await _manager.StopAsync();
        foreach (var file in Directory.GetFiles(_manager.DataDir, "monitoring.db*"))
        {
            Assert.DoesNotContain(key.Token!, System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ExpiredKey_Is401()
    {
        using var admin = _manager.AdminClient();
        var key = await admin.CreateApiKeyAsync("brief", KeyRole.Reader, DateTimeOffset.UtcNow.AddSeconds(1));
        using var http = _manager.Http(key.Token);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpStatusCode status;
        do
        {
            status = (await http.GetAsync(ApiRoutes.Agents)).StatusCode;
        }
        while (status == HttpStatusCode.OK && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(100);
        return true;
    }

    [Fact]
    public void ManagerClient_RefusesPlainHttpToARemoteAddress_UnlessAllowed()
    {
        var options = new ManagerConnectionOptions { BaseAddress = new Uri("http://192.0.2.10:5000"), Token = "t" };

        var ex = Assert.Throws<ArgumentException>(() => new ManagerClient(options));

        Assert.Contains("AllowUnencryptedRemote", ex.Message, StringComparison.Ordinal);
        options.AllowUnencryptedRemote = true;
        using var allowed = new ManagerClient(options);
        using var loopback = new ManagerClient(new ManagerConnectionOptions { BaseAddress = new Uri("http://127.0.0.1:5000"), Token = "t" });
    }
}
