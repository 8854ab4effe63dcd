using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>What every alert store must do, whatever its engine.</summary>
public abstract class AlertStoreContract : StoreContract
{
    private static AlertTransition Transition(string fingerprint, AlertState state, DateTimeOffset at, string rule = "cpu_high", AlertSeverity severity = AlertSeverity.Warning) =>
        new() { Fingerprint = fingerprint, Rule = rule, State = state, Severity = severity, Metric = "cpu.percent", Value = 97.5, Threshold = 90, Timestamp = at };

    private Task<IReadOnlyList<AlertRecord>> AppendAsync(string agentId, DateTimeOffset receivedAt, params AlertTransition[] transitions) =>
        Stores.Alerts.AppendAlertsAsync(agentId, transitions, receivedAt, (_, t) => t.Fingerprint.StartsWith("quiet", StringComparison.Ordinal), (_, _) => [], default);

    [Fact]
    public async Task Append_StoresEachTransitionOnce_AndMarksTheSilencedOnes()
    {
        var first = await AppendAsync("a1", T0, Transition("f1", AlertState.Firing, T0), Transition("quiet-1", AlertState.Firing, T0));
        var again = await AppendAsync("a1", T0.AddMinutes(1), Transition("f1", AlertState.Firing, T0), Transition("f1", AlertState.Resolved, T0.AddMinutes(1)));

        Assert.Equal([false, true], first.Select(a => a.Silenced));
        Assert.True(first[0].Id < first[1].Id);
        var resolved = Assert.Single(again);
        Assert.Equal((AlertState.Resolved, "a1", 97.5), (resolved.Transition.State, resolved.AgentId, resolved.Transition.Value));
        Assert.Equal(3, (await Stores.Alerts.GetAlertsAsync(new AlertQuery(null, null, null, null, 100), default)).Count);
    }

    [Fact]
    public async Task Query_FiltersByAgentStateSeverityAndTime_NewestFirst()
    {
        await AppendAsync("a1", T0, Transition("f1", AlertState.Firing, T0, severity: AlertSeverity.Critical));
        await AppendAsync("a1", T0.AddMinutes(5), Transition("f1", AlertState.Resolved, T0.AddMinutes(5), severity: AlertSeverity.Critical));
        await AppendAsync("a2", T0.AddMinutes(6), Transition("f2", AlertState.Firing, T0.AddMinutes(6)));

        async Task<IEnumerable<(string, AlertState)>> Query(AlertQuery q) =>
            (await Stores.Alerts.GetAlertsAsync(q, default)).Select(a => (a.AgentId, a.Transition.State));

        Assert.Equal([("a2", AlertState.Firing), ("a1", AlertState.Resolved), ("a1", AlertState.Firing)], await Query(new AlertQuery(null, null, null, null, 10)));
        Assert.Equal([("a1", AlertState.Resolved), ("a1", AlertState.Firing)], await Query(new AlertQuery("a1", null, null, null, 10)));
        Assert.Equal([("a2", AlertState.Firing), ("a1", AlertState.Firing)], await Query(new AlertQuery(null, AlertState.Firing, null, null, 10)));
        Assert.Equal([("a1", AlertState.Resolved), ("a1", AlertState.Firing)], await Query(new AlertQuery(null, null, AlertSeverity.Critical, null, 10)));
        Assert.Equal([("a2", AlertState.Firing), ("a1", AlertState.Resolved)], await Query(new AlertQuery(null, null, null, T0.AddMinutes(1), 10)));
        Assert.Equal([("a2", AlertState.Firing)], await Query(new AlertQuery(null, null, null, null, 1)));
    }

    [Fact]
    public async Task Acknowledge_RecordsWhoAndWhen_AndAnUnknownIdIsNull()
    {
        var alert = (await AppendAsync("a1", T0, Transition("f1", AlertState.Firing, T0)))[0];

        var acked = await Stores.Alerts.AcknowledgeAlertAsync(alert.Id, "alice", T0.AddMinutes(2), default);

        Assert.Equal(("alice", T0.AddMinutes(2)), (acked!.AcknowledgedBy, acked.AcknowledgedAt));
        Assert.Equal("alice", (await Stores.Alerts.GetAlertsAsync(new AlertQuery("a1", null, null, null, 1), default))[0].AcknowledgedBy);
        Assert.Null(await Stores.Alerts.AcknowledgeAlertAsync(alert.Id + 1000, "alice", T0, default));
    }

    [Fact]
    public async Task ListFiring_ListsFingerprintsWhoseLatestTransitionFires_WithTheirSeverity()
    {
        await AppendAsync("a1", T0, Transition("f1", AlertState.Firing, T0), Transition("f2", AlertState.Firing, T0, severity: AlertSeverity.Critical));
        await AppendAsync("a1", T0.AddMinutes(1), Transition("f3", AlertState.Firing, T0), Transition("f3", AlertState.Resolved, T0.AddMinutes(1)));
        await AppendAsync("a2", T0, Transition("f1", AlertState.Firing, T0), Transition("f4", AlertState.Firing, T0));
        await AppendAsync("a3", T0, Transition("f1", AlertState.Firing, T0));
        await AppendAsync("a3", T0.AddMinutes(2), Transition("f1", AlertState.Resolved, T0.AddMinutes(2)));

        var firing = await Stores.Alerts.ListFiringAsync(default);

        Assert.Equal(
            [("a1", "f1", AlertSeverity.Warning), ("a1", "f2", AlertSeverity.Critical), ("a2", "f1", AlertSeverity.Warning), ("a2", "f4", AlertSeverity.Warning)],
            firing.OrderBy(f => f.AgentId, StringComparer.Ordinal).ThenBy(f => f.Fingerprint, StringComparer.Ordinal));
    }

    [Fact]
    public async Task AgentsWithOpenAlert_FollowTheLatestTransitionOfTheRule()
    {
        await AppendAsync("a1", T0, Transition("off-a1", AlertState.Firing, T0, rule: "agent_offline"));
        await AppendAsync("a2", T0, Transition("off-a2", AlertState.Firing, T0, rule: "agent_offline"));
        await AppendAsync("a2", T0.AddMinutes(1), Transition("off-a2", AlertState.Resolved, T0.AddMinutes(1), rule: "agent_offline"));
        await AppendAsync("a3", T0, Transition("cpu-a3", AlertState.Firing, T0));

        Assert.Equal(["a1"], await Stores.Alerts.AgentsWithOpenAlertAsync("agent_offline", default));
    }

    [Fact]
    public async Task Silences_List_EndOnce_AndArePurgedAfterTheyEnd()
    {
        await Stores.Alerts.InsertSilenceAsync(new Silence { Id = "s1", Agent = "a1", Until = T0.AddHours(1), Reason = "maintenance", CreatedBy = "alice", CreatedAt = T0 }, default);
        await Stores.Alerts.InsertSilenceAsync(new Silence { Id = "s2", Rule = "cpu_high", Until = T0.AddHours(2), CreatedAt = T0 }, default);

        Assert.True(await Stores.Alerts.EndSilenceAsync("s1", T0.AddMinutes(10), default));
        Assert.False(await Stores.Alerts.EndSilenceAsync("s1", T0.AddMinutes(20), default));
        Assert.False(await Stores.Alerts.EndSilenceAsync("unknown", T0, default));

        var listed = (await Stores.Alerts.ListSilencesAsync(default)).ToDictionary(s => s.Id);
        Assert.Equal((T0.AddMinutes(10), "a1", "maintenance", "alice"), (listed["s1"].Until, listed["s1"].Agent, listed["s1"].Reason, listed["s1"].CreatedBy));
        Assert.Equal(("cpu_high", T0.AddHours(2)), (listed["s2"].Rule, listed["s2"].Until));

        Assert.Equal(1, await Stores.Alerts.PurgeSilencesAsync(T0.AddMinutes(30), default));
        Assert.Equal("s2", Assert.Single(await Stores.Alerts.ListSilencesAsync(default)).Id);
    }

    [Fact]
    public async Task Purge_RemovesTransitionsReceivedBeforeTheCutoff()
    {
        await AppendAsync("a1", T0, Transition("f1", AlertState.Firing, T0));
        await AppendAsync("a1", T0.AddDays(2), Transition("f1", AlertState.Resolved, T0.AddDays(2)));

        Assert.Equal(1, await Stores.Alerts.PurgeAlertsAsync(T0.AddDays(1), default));
        Assert.Equal(AlertState.Resolved, Assert.Single(await Stores.Alerts.GetAlertsAsync(new AlertQuery(null, null, null, null, 10), default)).Transition.State);
    }
}
