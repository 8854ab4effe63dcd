using Monitoring.Client;
using Monitoring.Protocol;
using Npgsql;

namespace Monitoring.EndToEnd.Tests;

/// <summary>
/// Two manager processes on one PostgreSQL serving one fleet of real agent processes: commands cross managers at
/// once, the first manager is killed (SIGKILL) and its agents move to the second with nothing lost or duplicated, and
/// an offline alert and its notification happen once.
/// </summary>
public sealed class ScaleOutTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly Fleet _fleet = new();
    private readonly TestWebhookReceiver _hook = new();
    private readonly string _schema = "e2e_" + Guid.NewGuid().ToString("N");
    private int _portB;

    private string DataDirB => Path.Combine(_fleet.Root, "manager-b");

    private string UrlB => $"https://127.0.0.1:{_portB}";

    private string ConnectionString =>
        new NpgsqlConnectionStringBuilder(BaseConnectionString) { SearchPath = _schema }.ConnectionString;

    private static string BaseConnectionString =>
        Environment.GetEnvironmentVariable("MONITORING_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("MONITORING_TEST_POSTGRES is not set: run the tests with ./test.sh, which starts PostgreSQL and sets it.");

    public async Task InitializeAsync()
    {
        await using var admin = new NpgsqlConnection(BaseConnectionString);
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE SCHEMA {_schema}", admin);
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        _fleet.Dispose();
        _hook.Dispose();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(BaseConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private string[] ManagerArgs(string config) =>
        ["--config", config, "--storage:provider", "postgres", "--offline-after", "5", "--offline-alert-grace", "0s"];

    private ManagerClient ClientOf(string url) => new(new ManagerConnectionOptions
    {
        BaseAddress = new Uri(url), Token = _fleet.Admin.Token, CertificateThumbprint = _fleet.Admin.CertificateThumbprint,
    });

    /// <summary>Starts the second manager on a port free now; another process may take a free port first, so a lost race starts it again on another.</summary>
    private async Task<ServerProcess> StartManagerBAsync(string config)
    {
        for (var attempt = 1; ; attempt++)
        {
            _portB = TestNet.FreePort();
            var b = ServerProcess.Start("Monitoring.Manager", ["--urls", UrlB, "--data-dir", DataDirB, .. ManagerArgs(config)]);
            try
            {
                await b.WaitForOutputAsync("Monitoring manager started", Deadline);
                return b;
            }
            catch (InvalidOperationException) when (attempt < 3 && b.Output.Contains("address already in use", StringComparison.Ordinal))
            {
                b.Dispose();
            }
        }
    }

    [Fact]
    public async Task TwoManagersOnOnePostgres_ServeOneFleet_AndTheSecondTakesOverWhenTheFirstIsKilled()
    {
        var config = _fleet.WriteConfig("manager.yaml", $"""
            storage:
              connectionString: "{ConnectionString}"
            notifications:
              receivers:
                - name: pager
                  webhook:
                    url: "{_hook.Url}"
                  route:
                    groupWait: 0s
                    agents: "ghost*"
            """);
        var a = await _fleet.StartManagerAsync(ManagerArgs(config));
        // The second manager shares the first's certificate and first-start secrets, as docs/scale-out.md says.
        Directory.CreateDirectory(DataDirB);
        foreach (var file in new[] { "manager.pfx", "admin.json", "enrollment.token" })
        {
            File.Copy(Path.Combine(_fleet.DataDir, file), Path.Combine(DataDirB, file));
        }

        using var b = await StartManagerBAsync(config);
        using var viaA = _fleet.AdminClient();
        using var viaB = ClientOf(UrlB);

        // Agents that know both managers, and one that knows only the second (its command stream is held there).
        var both = $"{_fleet.ManagerUrl},{UrlB}";
        string[] ids = ["so-1", "so-2", "so-3", "so-4"];
        var agents = ids.Select(id => _fleet.StartAgent(id, "1s", config: null, managers: both)).ToList();
        _fleet.StartAgent("only-b", "1s", managers: UrlB);
        await TestNet.WaitUntilAsync(
            async () => (await viaA.GetAgentsAsync()).Count(x => x.Status == AgentState.Online && x.LastSeq >= 3) == 5, Deadline, "five agents reporting");

        // The fleet view is the same from both managers (within the report poll).
        await TestNet.WaitUntilAsync(
            async () => (await viaB.GetAgentsAsync()).Count(x => x.Status == AgentState.Online && x.Latest is not null) == 5, Deadline, "the second manager to see all five");

        // A command posted on the first manager reaches the agent whose stream the second holds at once.
        var command = await viaA.InvokeCommandAsync("only-b", "get_process_count", timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(CommandStatus.Succeeded, command.Status);
        var delivery = command.DeliveredAt!.Value - command.CreatedAt;
        Assert.True(delivery < TimeSpan.FromMilliseconds(100), $"delivered {delivery.TotalMilliseconds:0} ms after it was queued on the other manager");

        // An agent that enrolls and goes quiet: one offline alert and one notification, whichever manager leads.
        var ghost = _fleet.StartAgent("ghost-1", "1s", managers: both);
        await TestNet.WaitUntilAsync(async () => (await viaA.GetAgentsAsync()).Any(x => x.Id == "ghost-1" && x.LastSeq >= 1), Deadline, "the ghost to report");
        await ghost.KillAsync();
        await _hook.WaitForAsync(r => r.Text.Contains("ghost-1", StringComparison.Ordinal), Deadline, "the ghost's offline notification");
        await TestNet.WaitUntilAsync(
            async () => (await viaA.GetNotificationsAsync("pager")).Any(n => n.Status == NotificationStatus.Sent), Deadline, "the notification recorded as sent");

        // The first manager dies; its agents move to the second and keep every report.
        var before = new Dictionary<string, long>();
        foreach (var id in ids)
        {
            before[id] = (await viaB.GetAgentAsync(id)).LastSeq;
        }

        await a.KillAsync();
        await b.WaitForOutputAsync("now runs the fleet-wide jobs", Deadline);
        await TestNet.WaitUntilAsync(
            async () =>
            {
                var now = await viaB.GetAgentsAsync();
                return ids.All(id => now.Single(x => x.Id == id).LastSeq >= before[id] + 5);
            },
            Deadline, "every agent to report five more times through the second manager");

        foreach (var id in ids)
        {
            var seqs = (await viaB.GetStatusHistoryAsync(id, limit: 10_000)).Select(s => s.Seq).Order().ToList();
            Assert.Equal(seqs.Count, seqs.Distinct().Count());
            Assert.Equal(Enumerable.Range((int)seqs[0], seqs.Count).Select(i => (long)i), seqs);
        }

        // The second manager now leads: the ghost's alert is not raised again, nor its notification sent again.
        await TestNet.WaitUntilAsync(async () => (await viaB.GetAgentsAsync()).Single(x => x.Id == "ghost-1").Status == AgentState.Offline, Deadline, "the ghost offline");
        var offline = (await viaB.GetAlertsAsync("ghost-1")).Where(x => x.Transition.Rule == "agent-offline" && x.Transition.State == AlertState.Firing).ToList();
        Assert.Single(offline);
        // One message in the outbox; delivery is at least once, so a copy cut off by a kill carries the same delivery id.
        var message = Assert.Single(await viaB.GetNotificationsAsync("pager"));
        Assert.Equal(NotificationStatus.Sent, message.Status);
        Assert.Equal(
            [message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            _hook.Accepted.Where(r => r.Text.Contains("ghost-1", StringComparison.Ordinal)).Select(r => r.Headers["X-Monitoring-Delivery"]).Distinct());
        Assert.Contains(agents, x => x.Output.Contains("Moving from the manager at " + _fleet.ManagerUrl, StringComparison.Ordinal));
    }
}
