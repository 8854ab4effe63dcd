using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

public sealed class AlertTests : IDisposable
{
    private readonly Fleet _fleet = new();

    public void Dispose() => _fleet.Dispose();

    [Fact]
    public async Task ALowThreshold_FiresOnceOnTheManager_AndResolvesWhenTheFileIsEdited()
    {
        await _fleet.StartManagerAsync();
        var rules = _fleet.WriteConfig("rules.yaml", "thresholds:\n  - name: many-procs\n    metric: processes.count\n    above: 1\n    severity: critical\n");
        var config = _fleet.WriteConfig("agent.yaml", $"thresholdsFile: {rules}\n");
        var agent = _fleet.StartAgent("alert1", "1s", config: config);
        using var admin = _fleet.AdminClient();

        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAlertsAsync("alert1")).Any(a => a.Transition.Rule == "many-procs"), TimeSpan.FromSeconds(30), "the alert to fire");
        File.WriteAllText(rules, "thresholds:\n  - name: many-procs\n    metric: processes.count\n    above: 1000000\n");
        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAlertsAsync("alert1", state: AlertState.Resolved)).Any(), TimeSpan.FromSeconds(30), "the alert to resolve");
        // A few more reports with the raised threshold must not fire it again.
        var seq = (await admin.GetAgentAsync("alert1")).LastSeq;
        await TestNet.WaitUntilAsync(async () => (await admin.GetAgentAsync("alert1")).LastSeq >= seq + 3, TimeSpan.FromSeconds(30), "three more reports");

        var alerts = (await admin.GetAlertsAsync("alert1")).Where(a => a.Transition.Rule == "many-procs").Reverse().ToList();
        Assert.Equal([AlertState.Firing, AlertState.Resolved], alerts.Select(a => a.Transition.State));
        Assert.Equal(AlertSeverity.Critical, alerts[0].Transition.Severity);
        Assert.Equal(1, alerts[0].Transition.Threshold);
        Assert.NotNull(alerts[1].Transition.DurationSeconds);
        await agent.WaitForOutputAsync("Reloaded 1 threshold rule(s)", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ABadEdit_KeepsTheLastGoodRules()
    {
        await _fleet.StartManagerAsync();
        var rules = _fleet.WriteConfig("rules.yaml", "- name: many-procs\n  metric: processes.count\n  above: 1\n");
        var agent = _fleet.StartAgent("alert2", "1s", config: _fleet.WriteConfig("agent.yaml", $"thresholdsFile: {rules}\n"));
        using var admin = _fleet.AdminClient();
        await TestNet.WaitUntilAsync(async () => (await admin.GetAlertsAsync("alert2")).Any(), TimeSpan.FromSeconds(30), "the alert to fire");

        File.WriteAllText(rules, "- name: many-procs\n  metric: processes.count\n  above: [oops\n");

        await agent.WaitForOutputAsync("Kept the last good threshold rules", TimeSpan.FromSeconds(30));
        Assert.Contains($"{rules}(", agent.Output, StringComparison.Ordinal);
        Assert.Contains("invalid YAML", agent.Output, StringComparison.Ordinal);
        Assert.Empty(await admin.GetAlertsAsync("alert2", state: AlertState.Resolved));
    }

    [Fact]
    public async Task AStoppedAgent_RaisesExactlyOneOfflineAlert_AndRestartingItResolvesIt()
    {
        await _fleet.StartManagerAsync("--offline-alert-grace", "0s", "--offline-after", "2");
        var agent = _fleet.StartAgent("alert3", "1s");
        using var admin = _fleet.AdminClient();
        await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "alert3" && a.LastSeq >= 1), TimeSpan.FromSeconds(30), "the agent");

        await agent.StopAsync(TimeSpan.FromSeconds(15));
        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAlertsAsync("alert3")).Any(a => a.Transition.Rule == "agent-offline"), TimeSpan.FromSeconds(30), "the offline alert");
        _fleet.StartAgent("alert3", "1s");
        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAlertsAsync("alert3", state: AlertState.Resolved)).Any(a => a.Transition.Rule == "agent-offline"),
            TimeSpan.FromSeconds(30), "the offline alert to resolve");

        var offline = (await admin.GetAlertsAsync("alert3")).Where(a => a.Transition.Rule == "agent-offline").Reverse().ToList();
        Assert.Equal([AlertState.Firing, AlertState.Resolved], offline.Select(a => a.Transition.State));
    }

    [Fact]
    public async Task CentralRules_ReachTheAgentsTheySelect()
    {
        await _fleet.StartManagerAsync();
        using var admin = _fleet.AdminClient();
        await admin.SetThresholdsAsync("- name: central-procs\n  metric: processes.count\n  above: 1\n  agents: c*\n- name: other-procs\n  metric: processes.count\n  above: 1\n  agents: x*\n");
        _fleet.StartAgent("c1", "1s", config: _fleet.WriteConfig("agent.yaml", "thresholds: []\n"));

        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAlertsAsync("c1")).Any(a => a.Transition.Rule == "central-procs"), TimeSpan.FromSeconds(30), "the central rule to fire");

        Assert.DoesNotContain(await admin.GetAlertsAsync("c1"), a => a.Transition.Rule == "other-procs");
    }

    [Fact]
    public async Task InvalidRules_StopTheAgentAtStartWithTheirPosition()
    {
        var rules = _fleet.WriteConfig("rules.yaml", "- name: x\n  metric: cpu.percent\n  above: 80\n  resolveBelow: 95\n");
        var agent = ServerProcess.Start("Monitoring.Agent", "--config", _fleet.WriteConfig("agent.yaml", $"thresholdsFile: {rules}\n"));

        Assert.Equal(2, await agent.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"{rules}(4,", agent.Output, StringComparison.Ordinal);
        Assert.Contains("thresholds[0].resolveBelow", agent.Output, StringComparison.Ordinal);
        agent.Dispose();
    }
}
