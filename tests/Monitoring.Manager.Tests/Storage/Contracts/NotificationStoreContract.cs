using Monitoring.Manager.Notifications;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>What every notification store must do, whatever its engine.</summary>
public abstract class NotificationStoreContract : StoreContract
{
    private const string Key = "{\"rule\":\"cpu-high\"}";

    private static AlertTransition Transition(AlertState state, DateTimeOffset at) =>
        new() { Fingerprint = "cpu-high", Rule = "cpu-high", State = state, Severity = AlertSeverity.Critical, Value = 97, Threshold = 90, Timestamp = at };

    private Task<IReadOnlyList<AlertRecord>> AppendAsync(string agentId, DateTimeOffset at, AlertState state, params string[] receivers) =>
        Stores.Alerts.AppendAlertsAsync(agentId, [Transition(state, at)], at, (_, _) => false, (_, _) => [.. receivers.Select(r => new NotificationTarget(r, Key))], default);

    private static NotificationMessage Message(IReadOnlyList<AlertRecord> alerts) =>
        new() { GroupKey = Key, GroupLabels = new() { ["rule"] = "cpu-high" }, State = AlertState.Firing, Alerts = [.. alerts] };

    private async Task<PendingNotification> QueueMessageAsync(string receiver, DateTimeOffset at)
    {
        var alert = await AppendAsync("a-" + receiver + at.Ticks, at, AlertState.Firing, receiver);
        var group = (await Stores.Notifications.ListGroupsAsync(default)).Single(g => g.Receiver == receiver && g.LastEventId > 0);
        await Stores.Notifications.SaveGroupAsync(receiver, Key, new NotificationPlan([], Message(alert), at, null), group.LastEventId, at, default);
        return (await Stores.Notifications.DueAsync(at, 100, default)).Last(n => n.Receiver == receiver);
    }

    [Fact]
    public async Task AnAlertsTransitions_AreQueuedForTheirGroups_InTheAlertsCommit()
    {
        var first = await AppendAsync("a1", T0, AlertState.Firing, "chat", "mail");
        await AppendAsync("a2", T0.AddSeconds(5), AlertState.Firing, "chat");
        await AppendAsync("a3", T0.AddSeconds(6), AlertState.Firing);

        var groups = (await Stores.Notifications.ListGroupsAsync(default)).OrderBy(g => g.Receiver).ToList();
        var pending = await Stores.Notifications.PendingTransitionsAsync("chat", Key, groups[0].LastEventId, default);

        Assert.Equal(["chat", "mail"], groups.Select(g => g.Receiver));
        Assert.Equal((T0, (DateTimeOffset?)null), (groups[0].FirstPendingAt!.Value, groups[0].LastSentAt));
        Assert.Empty(groups[0].Members);
        Assert.Equal(["a1", "a2"], pending.Select(p => p.AgentId));
        Assert.Equal(first[0].Id, pending[0].Id);
        Assert.Equal(97, pending[0].Transition.Value);
    }

    [Fact]
    public async Task SavingAGroup_KeepsItsMembers_DropsTheTransitionsItFolded_AndQueuesItsMessage()
    {
        var alert = await AppendAsync("a1", T0, AlertState.Firing, "chat");
        var group = Assert.Single(await Stores.Notifications.ListGroupsAsync(default));
        await AppendAsync("a2", T0.AddSeconds(40), AlertState.Firing, "chat");
        var plan = new NotificationPlan([new GroupMember("a1", "cpu-high", alert[0].Id, true, true)], Message(alert), T0.AddSeconds(30), T0.AddHours(4));

        await Stores.Notifications.SaveGroupAsync("chat", Key, plan, group.LastEventId, T0.AddSeconds(30), default);

        var saved = Assert.Single(await Stores.Notifications.ListGroupsAsync(default));
        Assert.Equal(("a1", true), (saved.Members.Single().AgentId, saved.Members.Single().Notified));
        Assert.Equal((T0.AddSeconds(30), T0.AddHours(4), T0.AddSeconds(40)), (saved.LastSentAt!.Value, saved.NextCheckAt!.Value, saved.FirstPendingAt!.Value));
        Assert.Equal(["a2"], (await Stores.Notifications.PendingTransitionsAsync("chat", Key, saved.LastEventId, default)).Select(a => a.AgentId));
        var due = Assert.Single(await Stores.Notifications.DueAsync(T0.AddSeconds(30), 10, default));
        Assert.Equal(("chat", 0, alert[0].Id), (due.Receiver, due.Attempts, due.Message.Alerts.Single().Id));
        var record = Assert.Single(await Stores.Notifications.ListNotificationsAsync(null, null, 10, default));
        Assert.Equal((NotificationStatus.Pending, AlertState.Firing, Key), (record.Status, record.State, record.GroupKey));

        await Stores.Notifications.SaveGroupAsync("chat", Key, new NotificationPlan([], null, null, null), saved.LastEventId, T0.AddMinutes(1), default);
        Assert.Empty(await Stores.Notifications.ListGroupsAsync(default));
    }

    [Fact]
    public async Task AFailedAttempt_HoldsItsReceiversLaterMessages_ButNotOtherReceivers()
    {
        var chat1 = await QueueMessageAsync("chat", T0);
        await QueueMessageAsync("chat", T0.AddSeconds(1));
        await QueueMessageAsync("mail", T0.AddSeconds(2));
        var failed = new NotificationAttempt { At = T0.AddSeconds(3), Detail = "HTTP 503 Service Unavailable", DurationMs = 12 };

        await Stores.Notifications.RecordAttemptsAsync(chat1, [failed, failed with { At = T0.AddSeconds(4) }], NotificationStatus.Pending, T0.AddMinutes(1), T0.AddSeconds(4), default);

        Assert.Equal(["mail"], (await Stores.Notifications.DueAsync(T0.AddSeconds(5), 10, default)).Select(n => n.Receiver));
        Assert.Equal(["chat", "chat", "mail"], (await Stores.Notifications.DueAsync(T0.AddMinutes(1), 10, default)).Select(n => n.Receiver));
        var status = (await Stores.Notifications.ReceiverStatusesAsync(default))["chat"];
        Assert.Equal((ReceiverState.Failing, 2, 2, "HTTP 503 Service Unavailable"), (status.State, status.Pending, status.ConsecutiveFailures, status.LastError));
        Assert.Equal(ReceiverState.Idle, (await Stores.Notifications.ReceiverStatusesAsync(default))["mail"].State);

        await Stores.Notifications.RetryPendingNowAsync(T0.AddSeconds(6), default);
        Assert.Equal(3, (await Stores.Notifications.DueAsync(T0.AddSeconds(6), 10, default)).Count);
    }

    [Fact]
    public async Task ASuccess_EndsTheMessage_ClearsTheFailures_AndPurgingRemovesItWithItsAttempts()
    {
        var message = await QueueMessageAsync("chat", T0);
        await Stores.Notifications.RecordAttemptsAsync(message, [new NotificationAttempt { At = T0, Detail = "HTTP 500", DurationMs = 3 }], NotificationStatus.Pending, T0, T0, default);
        await Stores.Notifications.RecordAttemptsAsync(
            message, [new NotificationAttempt { At = T0.AddSeconds(30), Succeeded = true, Detail = "HTTP 200 OK", DurationMs = 4 }], NotificationStatus.Sent, null, T0.AddSeconds(30), default);

        var record = Assert.Single(await Stores.Notifications.ListNotificationsAsync("chat", NotificationStatus.Sent, 10, default));
        var status = (await Stores.Notifications.ReceiverStatusesAsync(default))["chat"];
        Assert.Equal([false, true], record.Attempts.Select(a => a.Succeeded));
        Assert.Null(record.NextAttemptAt);
        Assert.Equal((ReceiverState.Ok, 0, 0, T0.AddSeconds(30)), (status.State, status.Pending, status.ConsecutiveFailures, status.LastSuccessAt!.Value));
        Assert.Empty(await Stores.Notifications.DueAsync(T0.AddDays(1), 10, default));

        Assert.Equal(0, await Stores.Notifications.PurgeNotificationsAsync(T0, default));
        Assert.Equal(3, await Stores.Notifications.PurgeNotificationsAsync(T0.AddMinutes(1), default));
        Assert.Empty(await Stores.Notifications.ListNotificationsAsync(null, null, 10, default));
    }

    [Fact]
    public async Task Receivers_AreStoredWithTheirSecrets_AndRemovingOneFailsItsWaitingMessages()
    {
        var receiver = new Receiver { Name = "chat", Webhook = new WebhookReceiver { Url = "https://chat.example.com", SigningKey = "k" } };
        await Stores.Notifications.PutReceiverAsync(receiver, T0, default);
        await Stores.Notifications.PutReceiverAsync(receiver with { Webhook = receiver.Webhook! with { Url = "https://chat.example.com/v2" } }, T0, default);
        await QueueMessageAsync("chat", T0);

        var stored = Assert.Single(await Stores.Notifications.ListReceiversAsync(default));
        Assert.Equal(("https://chat.example.com/v2", "k"), (stored.Webhook!.Url, stored.Webhook.SigningKey));
        Assert.True(await Stores.Notifications.DeleteReceiverAsync("chat", T0.AddMinutes(1), default));
        Assert.False(await Stores.Notifications.DeleteReceiverAsync("chat", T0.AddMinutes(1), default));
        Assert.Empty(await Stores.Notifications.ListReceiversAsync(default));
        Assert.Equal(NotificationStatus.Failed, Assert.Single(await Stores.Notifications.ListNotificationsAsync(null, null, 10, default)).Status);
        Assert.Empty(await Stores.Notifications.ListGroupsAsync(default));
    }
}
