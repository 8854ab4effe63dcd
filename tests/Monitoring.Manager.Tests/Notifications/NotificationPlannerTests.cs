using Monitoring.Manager.Notifications;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Notifications;

/// <summary>The planner's timing and content, with times set by the test: group wait, interval, repeats, resolves, silences, acks.</summary>
public sealed class NotificationPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly RouteTiming Timing = new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(4), SendResolved: true);
    private long _nextId = 1;

    private AlertRecord Alert(string agent, AlertState state, DateTimeOffset at, string rule = "cpu-high", DateTimeOffset? ackAt = null) => new()
    {
        Id = _nextId++,
        AgentId = agent,
        ReceivedAt = at,
        AcknowledgedAt = ackAt,
        Transition = new AlertTransition { Fingerprint = rule, Rule = rule, State = state, Severity = AlertSeverity.Critical, Value = 97, Threshold = 90, Timestamp = at },
    };

    private static NotificationGroup Group(IReadOnlyList<GroupMember>? members = null, DateTimeOffset? lastSent = null, DateTimeOffset? nextCheck = null, DateTimeOffset? firstPending = null) =>
        new("ops", "{\"rule\":\"cpu-high\"}", members ?? [], lastSent, nextCheck, firstPending, firstPending is null ? 0 : 99);

    private static NotificationPlan Plan(
        NotificationGroup group, IReadOnlyList<AlertRecord> events, DateTimeOffset now, IEnumerable<AlertRecord>? known = null, Func<AlertRecord, bool>? silenced = null, RouteTiming? timing = null) =>
        NotificationPlanner.Plan(group, events, (known ?? []).ToDictionary(a => a.Id), silenced ?? (_ => false), timing ?? Timing, now);

    [Fact]
    public void ANewGroup_WaitsItsGroupWait_ThenSendsOneMessageWithEveryAlertThatArrived()
    {
        var group = Group(firstPending: T0);
        Assert.False(NotificationPlanner.IsDue(group, Timing, T0.AddSeconds(29)));
        Assert.True(NotificationPlanner.IsDue(group, Timing, T0.AddSeconds(30)));

        var events = Enumerable.Range(0, 50).Select(i => Alert("web" + i, AlertState.Firing, T0.AddMilliseconds(i * 100))).ToList();
        var plan = Plan(group, events, T0.AddSeconds(30));

        Assert.NotNull(plan.Message);
        Assert.Equal(50, plan.Message.Alerts.Select(a => a.AgentId).Distinct().Count());
        Assert.Equal(AlertState.Firing, plan.Message.State);
        Assert.Equal("cpu-high", plan.Message.GroupLabels["rule"]);
        Assert.All(plan.Members, m => Assert.True(m.Notified && m.Firing));
        Assert.Equal(T0.AddSeconds(30), plan.LastSentAt);
        Assert.Equal(T0.AddSeconds(30) + Timing.RepeatInterval, plan.NextCheckAt);
    }

    [Fact]
    public void ChangesToAGroupThatSent_WaitTheGroupInterval_AndTheMessageListsEveryFiringAlert()
    {
        var first = Alert("web1", AlertState.Firing, T0);
        var group = Group([new GroupMember("web1", "cpu-high", first.Id, true, true)], lastSent: T0, firstPending: T0.AddMinutes(1));
        Assert.False(NotificationPlanner.IsDue(group, Timing, T0.AddMinutes(4)));
        Assert.True(NotificationPlanner.IsDue(group, Timing, T0.AddMinutes(5)));

        var plan = Plan(group, [Alert("web2", AlertState.Firing, T0.AddMinutes(1))], T0.AddMinutes(5), [first]);

        Assert.Equal(["web1", "web2"], plan.Message!.Alerts.Select(a => a.AgentId));
        Assert.False(plan.Message.Repeat);
    }

    [Fact]
    public void AResolvedAlert_IsReportedOnce_AndLeavesTheGroup()
    {
        var firing = Alert("web1", AlertState.Firing, T0);
        var group = Group([new GroupMember("web1", "cpu-high", firing.Id, true, true)], lastSent: T0, firstPending: T0.AddMinutes(6));

        var plan = Plan(group, [Alert("web1", AlertState.Resolved, T0.AddMinutes(6))], T0.AddMinutes(6), [firing]);

        Assert.Equal(AlertState.Resolved, plan.Message!.State);
        Assert.Equal(AlertState.Resolved, Assert.Single(plan.Message.Alerts).Transition.State);
        Assert.Empty(plan.Members);
        Assert.Null(plan.NextCheckAt);
    }

    [Fact]
    public void AnAlertThatResolvesWithinTheGroupWait_SendsNothing()
    {
        var plan = Plan(Group(firstPending: T0), [Alert("web1", AlertState.Firing, T0), Alert("web1", AlertState.Resolved, T0.AddSeconds(10))], T0.AddSeconds(30));

        Assert.Null(plan.Message);
        Assert.Empty(plan.Members);
    }

    [Fact]
    public void WithoutSendResolved_AResolveIsNotSent()
    {
        var firing = Alert("web1", AlertState.Firing, T0);
        var group = Group([new GroupMember("web1", "cpu-high", firing.Id, true, true)], lastSent: T0, firstPending: T0.AddMinutes(6));

        var plan = Plan(group, [Alert("web1", AlertState.Resolved, T0.AddMinutes(6))], T0.AddMinutes(6), [firing], timing: Timing with { SendResolved = false });

        Assert.Null(plan.Message);
        Assert.Empty(plan.Members);
    }

    [Fact]
    public void AnAlertThatStaysFiring_IsRepeatedEveryRepeatInterval_UntilAcknowledged()
    {
        var firing = Alert("web1", AlertState.Firing, T0);
        var group = Group([new GroupMember("web1", "cpu-high", firing.Id, true, true)], lastSent: T0, nextCheck: T0.AddHours(4));
        Assert.False(NotificationPlanner.IsDue(group, Timing, T0.AddHours(4).AddSeconds(-1)));
        Assert.True(NotificationPlanner.IsDue(group, Timing, T0.AddHours(4)));

        var repeat = Plan(group, [], T0.AddHours(4), [firing]);
        Assert.True(repeat.Message!.Repeat);
        Assert.Equal(T0.AddHours(8), repeat.NextCheckAt);

        var acknowledged = firing with { AcknowledgedAt = T0.AddHours(5), AcknowledgedBy = "alice" };
        var afterAck = Plan(group with { LastSentAt = T0.AddHours(4), NextCheckAt = T0.AddHours(8) }, [], T0.AddHours(8), [acknowledged]);
        Assert.Null(afterAck.Message);
        Assert.Single(afterAck.Members);
        Assert.Equal(T0.AddHours(12), afterAck.NextCheckAt);
    }

    [Fact]
    public void ASilencedAlert_IsNotSent_ButIsOnceItsSilenceEnds()
    {
        var silencedUntil = T0.AddMinutes(20);
        var web1 = Alert("web1", AlertState.Firing, T0);
        var db1 = Alert("db1", AlertState.Firing, T0);
        Func<DateTimeOffset, Func<AlertRecord, bool>> silence = now => a => a.AgentId == "web1" && now < silencedUntil;

        var first = Plan(Group(firstPending: T0), [web1, db1], T0.AddSeconds(30), silenced: silence(T0.AddSeconds(30)));
        Assert.Equal(["db1"], first.Message!.Alerts.Select(a => a.AgentId));
        Assert.False(first.Members.Single(m => m.AgentId == "web1").Notified);
        Assert.Equal(T0.AddSeconds(30) + Timing.GroupInterval, first.NextCheckAt);

        var stillSilenced = Plan(Group(first.Members, first.LastSentAt, first.NextCheckAt), [], first.NextCheckAt!.Value, [web1, db1], silence(first.NextCheckAt.Value));
        Assert.Null(stillSilenced.Message);

        var later = T0.AddMinutes(21);
        var afterSilence = Plan(Group(stillSilenced.Members, stillSilenced.LastSentAt, stillSilenced.NextCheckAt), [], later, [web1, db1], silence(later));
        Assert.Equal(["db1", "web1"], afterSilence.Message!.Alerts.Select(a => a.AgentId).Order());
        Assert.All(afterSilence.Members, m => Assert.True(m.Notified));
    }

    [Fact]
    public void AResolveOfASilencedAlertThatWasNeverSent_IsDroppedQuietly()
    {
        var web1 = Alert("web1", AlertState.Firing, T0);
        var group = Group([new GroupMember("web1", "cpu-high", web1.Id, true, false)], nextCheck: T0.AddMinutes(5), firstPending: T0.AddMinutes(1));

        var plan = Plan(group, [Alert("web1", AlertState.Resolved, T0.AddMinutes(1))], T0.AddMinutes(5), [web1], a => a.AgentId == "web1");

        Assert.Null(plan.Message);
        Assert.Empty(plan.Members);
    }
}
