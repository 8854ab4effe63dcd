using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Apis;

public sealed class AlertsApiTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private static AlertTransition Transition(AlertState state, int minute) => new()
    {
        Fingerprint = "cpu-high", Rule = "cpu-high", State = state, Severity = AlertSeverity.Warning,
        Metric = "cpu.percent", Value = 93.5, Threshold = 80, Message = "CPU above 80%",
        Timestamp = new DateTimeOffset(2026, 11, 28, 10, minute, 0, TimeSpan.Zero),
    };

    [Fact]
    public async Task Transitions_AreStoredOnceAndListedNewestFirst()
    {
        var (a, _) = await _manager.EnrollAsync("a1");
        await _manager.EnrollAsync("a2");

        var first = await a.SendAlertsAsync("a1", [Transition(AlertState.Firing, 1)]);
        var replay = await a.SendAlertsAsync("a1", [Transition(AlertState.Firing, 1), Transition(AlertState.Resolved, 5)]);

        Assert.Equal((1, 0), (first.Accepted, first.Duplicates));
        Assert.Equal((1, 1), (replay.Accepted, replay.Duplicates));
        using var admin = _manager.AdminClient();
        var alerts = await admin.GetAlertsAsync("a1");
        Assert.Equal([AlertState.Resolved, AlertState.Firing], alerts.Select(x => x.Transition.State));
        Assert.All(alerts, x => Assert.Equal("a1", x.AgentId));
        Assert.Equal(93.5, alerts[1].Transition.Value);
        Assert.Empty(await admin.GetAlertsAsync("a2"));
    }

    [Fact]
    public async Task ATransitionWithoutFingerprint_Is400()
    {
        var (a, _) = await _manager.EnrollAsync("a1");

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() =>
            a.SendAlertsAsync("a1", [Transition(AlertState.Firing, 1) with { Fingerprint = "" }]));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("fingerprint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentA_CannotPostAlertsAsAgentB()
    {
        var (a, _) = await _manager.EnrollAsync("a1");

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() => a.SendAlertsAsync("a2", [Transition(AlertState.Firing, 1)]));

        Assert.Equal(ErrorCodes.AgentMismatch, ex.Code);
    }
}
