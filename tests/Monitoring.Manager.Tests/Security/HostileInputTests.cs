using System.Net;
using System.Text;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Manager.Storage;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Security;

/// <summary>Inputs a hostile agent or a careless script sends: each is a clear 4xx and the manager keeps serving.</summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(problem.GetProperty("code").GetString(), new[] { ErrorCodes.InvalidRequest, ErrorCodes.UnknownCommand });
        using var health = _manager.Http(null);
        Assert.Equal(HttpStatusCode.OK, (await health.GetAsync(ApiRoutes.Health)).StatusCode);
        return problem;
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData((1L << 53) + 1)]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task SequenceNumbersOutsideOneTo2Pow53_AreRefused(long seq)
    {
        var (agent, _) = await _manager.EnrollAsync("a1");

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => agent.ReportAsync("a1", [TestManager.Snapshot(seq)]));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("2^53", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await agent.ReportAsync("a1", [TestManager.Snapshot(MetricSnapshot.MaxSeq)])).Accepted);
    }

    [Fact]
    public async Task AClientSendingOneByteASecond_DoesNotDelayOtherAgents_AndIsCutOff()
    {
        var (slowAgent, slowToken) = await _manager.EnrollAsync("slow");
        slowAgent.Dispose();
        var (agent, _) = await _manager.EnrollAsync("quick");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _manager.Port);
        var stream = tcp.GetStream();
        var body = "[" + JsonSerializer.Serialize(TestManager.Snapshot(1), MonitoringJsonContext.Default.MetricSnapshot) + "]";
        var head = $"POST /api/v1/agents/slow/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {slowToken}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var stop = new CancellationTokenSource();
        var trickle = Task.Run(async () =>
        {
            // One byte a second until the server gives up on this request (or the test ends).
            foreach (var b in Encoding.UTF8.GetBytes(body))
            {
                await stream.WriteAsync(new[] { b }, stop.Token);
                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
            }
        });

        for (long seq = 1; seq <= 20; seq++)
        {
            await agent.ReportAsync("quick", [TestManager.Snapshot(seq)]);
        }

        Assert.False(trickle.IsCompleted, "the quick agent's 20 reports finished before the slow client sent its body");
        var buffer = new byte[4096];
        var read = stream.ReadAsync(buffer).AsTask();
        await TestNet.WaitUntilAsync(() => Task.FromResult(read.IsCompleted), TimeSpan.FromSeconds(60), "the manager to cut off the slow client");
        await stop.CancelAsync();
        var answer = "";
        try
        {
            answer = Encoding.ASCII.GetString(buffer, 0, await read);
        }
        catch (IOException)
        {
            // The manager reset the connection: cut off, as it should be.
        }

        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), $"Unexpected answer to the slow client: {answer}");
        using var admin = _manager.AdminClient();
        Assert.Equal(20, (await admin.GetStatusHistoryAsync("quick")).Count);
        Assert.Empty(await admin.GetStatusHistoryAsync("slow"));
    }

    [Fact]
    public async Task SnapshotsFromTheFuture_AreRefused_WithinTheSkewTheyAreKept()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() =>
            agent.ReportAsync("a1", [TestManager.Snapshot(1, DateTimeOffset.UtcNow.AddHours(25))]));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("NTP", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await agent.ReportAsync("a1", [TestManager.Snapshot(2, DateTimeOffset.UtcNow.AddHours(1))])).Accepted);
    }

    [Fact]
    public async Task Retention_UsesTheManagersReceiveTime_NotTheAgentsClaim()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        await agent.ReportAsync("a1", [TestManager.Snapshot(1, DateTimeOffset.UtcNow.AddDays(-300))]);
        await _manager.StopAsync();
        using var database = new SqliteDatabase(_manager.DataDir);
        var store = new Monitoring.Manager.Storage.History.SqliteHistoryStore(database);
        await store.InitializeAsync(CancellationToken.None);

        var removed = await store.PurgeSnapshotsAsync(DateTimeOffset.UtcNow.AddDays(-30), CancellationToken.None);

        Assert.Equal(0, removed);
        Assert.Single(await store.GetSnapshotsAsync("a1", null, null, 10, CancellationToken.None));
        Assert.Equal(1, await store.PurgeSnapshotsAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
    }

    [Theory]
    [InlineData(100_000, "[")]
    [InlineData(5_000, "- ")]
    [InlineData(3_000, "{a: ")]
    public async Task DeeplyNestedYaml_IsA400WithItsPosition_NotACrash(int depth, string opener)
    {
        using var http = _manager.Http(_manager.Admin.Token);
        var yaml = string.Concat(Enumerable.Repeat(opener, depth));

        var response = await http.PutAsync(ApiRoutes.Thresholds, new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        var problem = await ProblemOf(response);
        Assert.Contains("32 levels", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("line").GetInt32() >= 1);
    }

    [Fact]
    public async Task YamlAliases_AreRefused()
    {
        using var http = _manager.Http(_manager.Admin.Token);
        const string yaml = "a: &x [1, 2]\nb: [*x, *x, *x]\nthresholds: []\n";

        var response = await http.PutAsync(ApiRoutes.Thresholds, new StringContent(yaml, Encoding.UTF8, "application/yaml"));

        Assert.Contains("aliases", (await ProblemOf(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"agentId":"n1","intervalSeconds":10,"commands":[null]}""")]
    [InlineData("""{"agentId":"n1","intervalSeconds":10,"commands":[{"name":"x","arguments":null}]}""")]
    [InlineData("""{"agentId":"n1","intervalSeconds":10,"commands":[{"name":"x","arguments":[null]}]}""")]
    [InlineData("""{"agentId":"n1","intervalSeconds":10,"labels":{"a":null}}""")]
    [InlineData("""{"agentId":null,"intervalSeconds":10}""")]
    [InlineData("""null""")]
    public async Task NullEntriesInARegistration_Are400(string body)
    {
        using var http = _manager.Http(_manager.EnrollmentToken);

        await ProblemOf(await http.PostAsync(ApiRoutes.Register, Json(body)));
    }

    [Theory]
    [InlineData("status", """[null]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":null,"memory":{},"disks":[],"network":[]}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[null],"network":[]}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":null},"memory":{},"disks":[],"network":[]}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"gpus":[null]}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"gpus":[{"index":0,"name":null}]}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"gpus":[{"index":-1,"name":"x"}]}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"temperatures":[null]}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"temperatures":[{"name":"","celsius":40}]}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"application":{"name":""}}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"application":{"name":"../x"}}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"application":{"name":"a","cpuPercent":-1}}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"application":{"name":"a","workingSetBytes":-5}}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"application":{"name":"a","values":{"bad name":1}}}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"application":{"name":"a","values":{"":1}}}]""")]
    [InlineData("status", """[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"perCore":[]},"memory":{},"disks":[],"network":[],"application":{"name":"a","values":{"x":null}}}]""")]
    [InlineData("alerts", """[null]""")]
    [InlineData("alerts", """null""")]
    [InlineData("alerts", """[{"fingerprint":"f","rule":"r","state":"firing","timestamp":"2026-01-01T00:00:00Z","labels":{"a":null}}]""")]
    public async Task NullEntriesInAgentReports_Are400(string route, string body)
    {
        var (_, token) = await _manager.EnrollAsync("a1");
        using var http = _manager.Http(token);

        await ProblemOf(await http.PostAsync($"{ApiRoutes.ForAgent("a1")}/{route}", Json(body)));
    }

    [Theory]
    [InlineData("""{"name":"get_status","arguments":null}""", false)]
    [InlineData("""{"name":"get_logs","arguments":{"lines":null}}""", true)]
    [InlineData("""{"name":null}""", true)]
    [InlineData("""null""", true)]
    public async Task NullsInACommand_AreA400OrIgnored_NeverA500(string body, bool refused)
    {
        await _manager.EnrollAsync("a1");
        using var http = _manager.Http(_manager.Admin.Token);

        var response = await http.PostAsync(ApiRoutes.ForAgentCommands("a1") + "?", Json(body.Replace("}", ""","wait":false}""", StringComparison.Ordinal)));

        if (refused)
        {
            await ProblemOf(response);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
    }

    [Fact]
    public async Task OverLongAgentStrings_Are400()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        var longName = new string('x', 300);
        var snapshot = TestManager.Snapshot(1) with { Disks = [new DiskMetrics { Mount = longName }] };

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => agent.ReportAsync("a1", [snapshot]));
        Assert.Equal(400, ex.StatusCode);
        var alert = new AlertTransition { Fingerprint = "f", Rule = "r", Timestamp = DateTimeOffset.UtcNow, Message = new string('m', 5000) };
        Assert.Equal(400, (await Assert.ThrowsAsync<MonitoringApiException>(() => agent.SendAlertsAsync("a1", [alert]))).StatusCode);
    }

    [Fact]
    public async Task AnApplicationWithTooManyValues_Is400_AndAtTheLimitIsStored()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        ApplicationMetrics App(int values) => new() { Name = "app", Values = Enumerable.Range(0, values).ToDictionary(i => "v" + i, i => (double)i) };

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => agent.ReportAsync("a1", [TestManager.Snapshot(1) with { Application = App(ApplicationMetrics.MaxValues + 1) }]));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains($"at most {ApplicationMetrics.MaxValues}", ex.Message, StringComparison.Ordinal);
        await agent.ReportAsync("a1", [TestManager.Snapshot(1) with { Application = App(ApplicationMetrics.MaxValues) }]);
        using var admin = _manager.AdminClient();
        Assert.Equal(ApplicationMetrics.MaxValues, (await admin.GetAgentAsync("a1")).Latest?.Application?.Values?.Count);
    }
}
