using System.Net;
using System.Text;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Apis;

public sealed class AlertLifecycleTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync("--offline-alert-grace", "0s", "--offline-after", "2");

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private static AlertTransition Fire(string rule, int minute, AlertSeverity severity = AlertSeverity.Warning) => new()
    {
        Fingerprint = rule, Rule = rule, State = AlertState.Firing, Severity = severity, Metric = "cpu.percent", Value = 95, Threshold = 80,
        Timestamp = DateTimeOffset.UtcNow.AddMinutes(minute),
    };

    [Fact]
    public async Task Silences_MarkMatchingAlerts_WhichAreStillRecorded()
    {
        var (web, _) = await _manager.EnrollAsync("web1");
        var (db, _) = await _manager.EnrollAsync("db1");
        using var admin = _manager.AdminClient();
        var silence = await admin.AddSilenceAsync("web*", "cpu-*", DateTimeOffset.UtcNow.AddHours(1), "patching");

        await web.SendAlertsAsync("web1", [Fire("cpu-high", 0), Fire("disk-full", 0)]);
        await db.SendAlertsAsync("db1", [Fire("cpu-high", 0)]);

        var alerts = await admin.GetAlertsAsync();
        Assert.True(alerts.Single(a => a.AgentId == "web1" && a.Transition.Rule == "cpu-high").Silenced);
        Assert.False(alerts.Single(a => a.AgentId == "web1" && a.Transition.Rule == "disk-full").Silenced);
        Assert.False(alerts.Single(a => a.AgentId == "db1").Silenced);
        Assert.Equal("admin", Assert.Single(await admin.GetSilencesAsync()).CreatedBy);

        await admin.RemoveSilenceAsync(silence.Id);
        await web.SendAlertsAsync("web1", [Fire("cpu-high", 5)]);
        Assert.False((await admin.GetAlertsAsync("web1", state: AlertState.Firing)).First().Silenced);
    }

    [Fact]
    public async Task Acknowledge_RecordsWhoAndWhen_Once()
    {
        var (web, _) = await _manager.EnrollAsync("web1");
        await web.SendAlertsAsync("web1", [Fire("cpu-high", 0)]);
        using var admin = _manager.AdminClient();
        var alert = Assert.Single(await admin.GetAlertsAsync());

        var acknowledged = await admin.AcknowledgeAlertAsync(alert.Id);
        var again = await admin.AcknowledgeAlertAsync(alert.Id);
        var missing = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.AcknowledgeAlertAsync(999_999));

        Assert.Equal("admin", acknowledged.AcknowledgedBy);
        Assert.NotNull(acknowledged.AcknowledgedAt);
        Assert.Equal(acknowledged.AcknowledgedAt, again.AcknowledgedAt);
        Assert.Equal(404, missing.StatusCode);
    }

    [Fact]
    public async Task Alerts_FilterByStateSeverityAndTime()
    {
        var (web, _) = await _manager.EnrollAsync("web1");
        await web.SendAlertsAsync("web1",
        [
            Fire("a", -60, AlertSeverity.Critical),
            Fire("b", -1, AlertSeverity.Info),
            Fire("c", 0) with { State = AlertState.Resolved },
        ]);
        using var admin = _manager.AdminClient();

        Assert.Equal(["a"], (await admin.GetAlertsAsync(severity: AlertSeverity.Critical)).Select(a => a.Transition.Rule));
        Assert.Equal(["c"], (await admin.GetAlertsAsync(state: AlertState.Resolved)).Select(a => a.Transition.Rule));
        Assert.Equal(["c", "b"], (await admin.GetAlertsAsync(since: DateTimeOffset.UtcNow.AddMinutes(-10))).Select(a => a.Transition.Rule));
    }

    [Fact]
    public async Task CentralThresholdsFile_EditedOnDisk_AppliesWithoutARestart()
    {
        using var admin = _manager.AdminClient();
        const string yaml = "- name: edited-by-hand\n  metric: memory.percent\n  above: 80\n";

        await File.WriteAllTextAsync(Path.Combine(_manager.DataDir, "thresholds.yaml"), yaml);

        await TestNet.WaitUntilAsync(async () => (await admin.GetThresholdsAsync()).Yaml == yaml, TimeSpan.FromSeconds(30), "the edited rules file to apply");
    }

    [Fact]
    public void CentralThresholdsFile_WithAnInvalidEdit_KeepsTheLastGoodRules_AndSaysWhereOnce()
    {
        var dir = Directory.CreateTempSubdirectory("monitoring-thresholds-").FullName;
        try
        {
            var path = Path.Combine(dir, "thresholds.yaml");
            File.WriteAllText(path, "- name: good\n  metric: cpu.percent\n  above: 90\n");
            var thresholds = new Monitoring.Manager.Alerts.CentralThresholds(new ManagerOptions { DataDirectory = dir });
            var good = thresholds.Document;

            File.WriteAllText(path, "- name: bad\n  metric: cpu.percent\n  above: lots\n");
            var error = Assert.Throws<Monitoring.Configuration.ConfigurationException>(() => thresholds.ReloadIfChanged());

            Assert.Contains("(3,", error.Message, StringComparison.Ordinal);
            Assert.Equal(good, thresholds.Document);
            Assert.False(thresholds.ReloadIfChanged());
            File.WriteAllText(path, "- name: fixed\n  metric: cpu.percent\n  above: 95\n");
            Assert.True(thresholds.ReloadIfChanged());
            Assert.Contains("fixed", thresholds.Document.Yaml, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task CentralThresholds_AreValidatedWithPositions_AndVersionedInEveryAck()
    {
        using var admin = _manager.AdminClient();
        var (web, _) = await _manager.EnrollAsync("web1");
        var before = await web.ReportAsync("web1", [TestManager.Snapshot(1)]);

        var bad = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.SetThresholdsAsync("- name: x\n  metric: cpu.percent\n  above: lots\n"));
        var document = await admin.SetThresholdsAsync("- name: central-cpu\n  metric: cpu.percent\n  above: 50\n");
        var after = await web.ReportAsync("web1", [TestManager.Snapshot(2)]);

        Assert.Equal(400, bad.StatusCode);
        Assert.Contains("(3,", bad.Message, StringComparison.Ordinal);
        Assert.Contains("thresholds[0].above", bad.Message, StringComparison.Ordinal);
        Assert.NotEqual(before.ThresholdsVersion, after.ThresholdsVersion);
        Assert.Equal(document.Version, after.ThresholdsVersion);
        Assert.Equal(document.Yaml, (await web.GetThresholdsAsync()).Yaml);
        Assert.Contains("central-cpu", File.ReadAllText(Path.Combine(_manager.DataDir, "thresholds.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAgentThatStopsReporting_RaisesOneOfflineAlert_ResolvedWhenItReturns()
    {
        var (agent, _) = await _manager.EnrollAsync("flaky", intervalSeconds: 0.3);
        await agent.ReportAsync("flaky", [TestManager.Snapshot(1)]);
        using var admin = _manager.AdminClient();

        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAlertsAsync("flaky")).Any(a => a.Transition.Rule == "agent-offline"), TimeSpan.FromSeconds(15), "the offline alert");
        // Back: it reports every interval again.
        var seq = 2;
        await TestNet.WaitUntilAsync(
            async () =>
            {
                await agent.ReportAsync("flaky", [TestManager.Snapshot(seq++)]);
                return (await admin.GetAlertsAsync("flaky", state: AlertState.Resolved)).Any();
            },
            TimeSpan.FromSeconds(15),
            "the offline alert to resolve");

        var alerts = (await admin.GetAlertsAsync("flaky")).Reverse().ToList();
        Assert.Equal([AlertState.Firing, AlertState.Resolved], alerts.Select(a => a.Transition.State));
        Assert.Equal(AlertSeverity.Critical, alerts[0].Transition.Severity);
        Assert.Contains("'flaky' is offline", alerts[0].Transition.Message, StringComparison.Ordinal);
    }
}
