using System.Net;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Apis;

public sealed class AgentsApiTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync("--offline-after", "3");

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact]
    public async Task Register_WithEnrollmentToken_IssuesAnAgentTokenOnce()
    {
        using var connection = _manager.AgentConnection();
        var request = new RegisterRequest
        {
            AgentId = "web1", Hostname = "web1.example", Os = "linux", AgentVersion = "1.2.3", IntervalSeconds = 10,
            Labels = new Dictionary<string, string> { ["role"] = "web" },
        };

        var enrolled = await connection.RegisterAsync(request, _manager.EnrollmentToken);
        var again = await connection.RegisterAsync(request, enrolled.AgentToken!);

        Assert.StartsWith("mon_agt_", enrolled.AgentToken, StringComparison.Ordinal);
        Assert.Equal("web1", enrolled.AgentId);
        Assert.Null(again.AgentToken);
        using var admin = _manager.AdminClient();
        var agent = await admin.GetAgentAsync("web1");
        Assert.Equal("web1.example", agent.Hostname);
        Assert.Equal("1.2.3", agent.AgentVersion);
        Assert.Equal("web", agent.Labels!["role"]);
        Assert.Equal("127.0.0.1", agent.Address);
        Assert.Equal(AgentState.Online, agent.Status);
        Assert.Null(agent.Latest);
    }

    [Fact]
    public async Task EnrollingAnIdThatHoldsAnActiveToken_Is409_AndTheRealAgentKeepsWorking()
    {
        var (real, _) = await _manager.EnrollAsync("web1");
        using var taker = _manager.AgentConnection();

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() =>
            taker.RegisterAsync(new RegisterRequest { AgentId = "web1", IntervalSeconds = 10 }, _manager.EnrollmentToken));

        Assert.Equal(409, ex.StatusCode);
        Assert.Equal(ErrorCodes.AgentExists, ex.Code);
        Assert.Contains("Reset-MonAgent -Agent web1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await real.ReportAsync("web1", [TestManager.Snapshot(1)])).Accepted);
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("")]
    [InlineData("a b")]
    public async Task Register_InvalidId_Is400WithTheRule(string id)
    {
        using var connection = _manager.AgentConnection();

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() =>
            connection.RegisterAsync(new RegisterRequest { AgentId = id, IntervalSeconds = 10 }, _manager.EnrollmentToken));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(ErrorCodes.InvalidRequest, ex.Code);
        Assert.Contains("letters, digits", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_MalformedJson_Is400ProblemDetails()
    {
        using var http = _manager.Http(_manager.EnrollmentToken);

        var response = await http.PostAsync(ApiRoutes.Register, new StringContent("{\"agentId\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ErrorCodes.InvalidRequest, problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task GetAgent_Unknown_Is404WithCode()
    {
        using var admin = _manager.AdminClient();

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.GetAgentAsync("nope"));

        Assert.Equal(404, ex.StatusCode);
        Assert.Equal(ErrorCodes.AgentNotFound, ex.Code);
        Assert.Contains("'nope'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAgents_ShowsLatestSnapshotAndTheContractShape()
    {
        var (a, _) = await _manager.EnrollAsync("web1");
        await a.ReportAsync("web1", [TestManager.Snapshot(1), TestManager.Snapshot(2)]);
        using var http = _manager.Http(_manager.Admin.Token);

        var json = JsonDocument.Parse(await http.GetStringAsync("/api/v1/agents")).RootElement;

        var agent = Assert.Single(json.EnumerateArray());
        Assert.Equal("web1", agent.GetProperty("id").GetString());
        Assert.Equal("online", agent.GetProperty("status").GetString());
        Assert.True(agent.TryGetProperty("lastSeen", out _));
        var latest = agent.GetProperty("latest");
        Assert.Equal(2, latest.GetProperty("seq").GetInt64());
        foreach (var key in new[] { "cpu", "memory", "disks", "network", "uptimeSeconds", "processes" })
        {
            Assert.True(latest.TryGetProperty(key, out _), key);
        }
    }

    [Fact]
    public async Task OneAgent_ListsTheCommandsItOffered_TheFleetListDoesNot()
    {
        var connection = _manager.AgentConnection();
        var drain = new CommandDefinition { Name = "drain_orders", Description = "Processes queued orders now.", Arguments = [new() { Name = "max", Type = CommandArgumentType.Integer, Minimum = 1 }] };
        await connection.RegisterAsync(new RegisterRequest { AgentId = "app1", Os = "linux", IntervalSeconds = 10, Commands = [new() { Name = CommandNames.GetStatus, ReadOnly = true }, drain] }, _manager.EnrollmentToken);
        using var http = _manager.Http(_manager.Admin.Token);

        var one = JsonDocument.Parse(await http.GetStringAsync("/api/v1/agents/app1")).RootElement;
        var list = JsonDocument.Parse(await http.GetStringAsync("/api/v1/agents")).RootElement;

        var commands = one.GetProperty("commands").EnumerateArray().ToList();
        Assert.Equal(["get_status", "drain_orders"], commands.Select(c => c.GetProperty("name").GetString()));
        Assert.True(commands[0].GetProperty("readOnly").GetBoolean());
        Assert.Equal("max", commands[1].GetProperty("arguments")[0].GetProperty("name").GetString());
        Assert.False(Assert.Single(list.EnumerateArray()).TryGetProperty("commands", out _));
    }

    [Fact]
    public async Task Agent_GoesOfflineAfterMissedIntervals_AndOnlineAgain()
    {
        var (a, _) = await _manager.EnrollAsync("fast", intervalSeconds: 0.2);
        await a.ReportAsync("fast", [TestManager.Snapshot(1)]);
        using var admin = _manager.AdminClient();
        Assert.Equal(AgentState.Online, (await admin.GetAgentAsync("fast")).Status);

        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAgentAsync("fast")).Status == AgentState.Offline, TimeSpan.FromSeconds(10), "the agent to go offline");
        await a.ReportAsync("fast", [TestManager.Snapshot(2)]);

        Assert.Equal(AgentState.Online, (await admin.GetAgentAsync("fast")).Status);
    }

    [Fact]
    public async Task RemoveAgent_RevokesItsTokenAndKeepsHistory()
    {
        var (a, _) = await _manager.EnrollAsync("gone");
        await a.ReportAsync("gone", [TestManager.Snapshot(1)]);
        using var admin = _manager.AdminClient();

        await admin.RemoveAgentAsync("gone");

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => a.ReportAsync("gone", [TestManager.Snapshot(2)]));
        Assert.Equal(401, ex.StatusCode);
        Assert.DoesNotContain(await admin.GetAgentsAsync(), x => x.Id == "gone");
        Assert.Single(await admin.GetStatusHistoryAsync("gone"));
        var notFound = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.RemoveAgentAsync("gone"));
        Assert.Equal(404, notFound.StatusCode);
    }
}
