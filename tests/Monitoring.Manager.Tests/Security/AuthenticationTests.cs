using System.Net;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Security;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Health_NeedsNoToken()
    {
        using var http = _manager.Http(null);

        var response = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/agents")]
    [InlineData("/api/v1/agents/x")]
    [InlineData("/api/v1/agents/x/status")]
    [InlineData("/api/v1/alerts")]
    public async Task AdminEndpoints_WithoutToken_Are401WithProblemDetails(string path)
    {
        using var http = _manager.Http(null);

        var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var problem = await ProblemAsync(response);
        Assert.Equal(ErrorCodes.Unauthorized, problem.GetProperty("code").GetString());
        Assert.Contains("admin.json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongToken_Is401()
    {
        using var http = _manager.Http("mon_adm_not-the-token");

        var response = await http.GetAsync("/api/v1/agents");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("revoked", (await ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentToken_OnAdminEndpoint_Is403()
    {
        var (_, token) = await _manager.EnrollAsync("a1");
        using var http = _manager.Http(token);

        var response = await http.GetAsync("/api/v1/agents");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ErrorCodes.Forbidden, (await ProblemAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task EnrollmentToken_OnAdminOrAgentEndpoints_Is403()
    {
        using var http = _manager.Http(_manager.EnrollmentToken);

        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/v1/agents")).StatusCode);
        var post = await http.PostAsync("/api/v1/agents/a1/status", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
    }

    [Fact]
    public async Task AdminToken_CannotPostAsAnAgent()
    {
        using var http = _manager.Http(_manager.Admin.Token);

        var post = await http.PostAsync("/api/v1/agents/a1/status", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
    }

    [Fact]
    public async Task AgentA_PostingAsAgentB_Is403AgentMismatch()
    {
        var (a, _) = await _manager.EnrollAsync("agent-a");
        await _manager.EnrollAsync("agent-b");

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => a.ReportAsync("agent-b", [TestManager.Snapshot(1)]));

        Assert.Equal(403, ex.StatusCode);
        Assert.Equal(ErrorCodes.AgentMismatch, ex.Code);
        Assert.Contains("agent-a", ex.Message, StringComparison.Ordinal);
        using var admin = _manager.AdminClient();
        Assert.Empty(await admin.GetStatusHistoryAsync("agent-b"));
    }

    [Fact]
    public async Task AgentA_ReRegisteringAsAgentB_Is403()
    {
        var (a, token) = await _manager.EnrollAsync("agent-a");

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() =>
            a.RegisterAsync(new RegisterRequest { AgentId = "agent-b", IntervalSeconds = 10 }, token));

        Assert.Equal(ErrorCodes.AgentMismatch, ex.Code);
    }

    [Fact]
    public async Task SecretFiles_AreOwnerOnly()
    {
        foreach (var name in new[] { "admin.json", "enrollment.token", "monitoring.db" })
        {
            var mode = File.GetUnixFileMode(Path.Combine(_manager.DataDir, name));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }

        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(_manager.DataDir));
    }

    [Fact]
    public async Task NoTokenIsStoredInPlainTextInTheDatabase()
    {
        var (a, agentToken) = await _manager.EnrollAsync("a1");
        await a.ReportAsync("a1", [TestManager.Snapshot(1)]);
        using var admin = _manager.AdminClient();
        await admin.GetAgentsAsync();

        await _manager.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = Directory.GetFiles(_manager.DataDir, "monitoring.db*").SelectMany(File.ReadAllBytes).ToArray();
        var text = System.Text.Encoding.UTF8.GetString(bytes);

        Assert.Contains("a1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(agentToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_manager.Admin.Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_manager.EnrollmentToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain("mon_agt_", text, StringComparison.Ordinal);
    }
}
