using Monitoring.Manager.Alerts;
using Monitoring.Manager.Observability;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// Turns queued alert transitions into messages and delivers them. Every second (or at once when woken) it plans
/// each group whose wait is over (<see cref="NotificationPlanner"/>), storing its new state and message in one
/// commit, then starts delivering each receiver's due messages: in order within a receiver, receivers side by side,
/// so one that keeps failing holds up only its own messages. Everything it needs is in the store, so a manager
/// killed at any point picks up where it was (a message interrupted mid-send is sent again: at least once). At start,
/// waiting messages are tried at once: a restart often follows a fix of the receiver.
/// </summary>
internal sealed partial class NotificationDispatcher(
    INotificationStore store, ReceiverRegistry receivers, AlertService alerts, NotificationDelivery delivery, NotificationSignal signal,
    Cluster.ILeadership leadership, ManagerMetrics metrics, TimeProvider time, ILogger<NotificationDispatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, Task> _delivering = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            metrics.ReceiverStates((await store.ReceiverStatusesAsync(stoppingToken)).Select(s => (s.Key, s.Value.State == ReceiverState.Failing)));
            await store.RetryPendingNowAsync(time.GetUtcNow(), stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // Among managers sharing a store, the leader alone sends, so each message goes once.
                    if (leadership.IsLeader)
                    {
                        await PlanGroupsAsync(stoppingToken);
                        await StartDeliveriesAsync(stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogTickFailed(logger, ex.Message, ex);
                }

                await signal.WaitAsync(Tick, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        try
        {
            await Task.WhenAll(_delivering.Values);
        }
        catch (OperationCanceledException)
        {
            // A message cut off by the stop stays pending and is sent after the restart.
        }
    }

    /// <summary>Plans every group that is due; returns how many messages were made.</summary>
    internal async Task<int> PlanGroupsAsync(CancellationToken ct)
    {
        var made = 0;
        foreach (var group in await store.ListGroupsAsync(ct))
        {
            var now = time.GetUtcNow();
            if (receivers.Find(group.Receiver) is not { } receiver)
            {
                continue;
            }

            var timing = RouteTiming.Of(receiver.Route);
            if (!NotificationPlanner.IsDue(group, timing, now))
            {
                continue;
            }

            var events = group.LastEventId > 0 ? await store.PendingTransitionsAsync(group.Receiver, group.GroupKey, group.LastEventId, ct) : [];
            var current = await store.GetAlertsAsync([.. group.Members.Select(m => m.AlertId)], ct);
            var plan = NotificationPlanner.Plan(group, events, current, a => alerts.IsSilenced(a.AgentId, a.Transition), timing, now);
            await store.SaveGroupAsync(group.Receiver, group.GroupKey, plan, group.LastEventId, now, ct);
            if (plan.Message is { } message)
            {
                made++;
                LogQueued(logger, receiver.Name, message.Alerts.Count, group.GroupKey, message.Repeat ? " (repeat)" : "");
            }
        }

        return made;
    }

    private async Task StartDeliveriesAsync(CancellationToken ct)
    {
        var due = await store.DueAsync(time.GetUtcNow(), 1000, ct);
        foreach (var batch in due.GroupBy(n => n.Receiver, StringComparer.OrdinalIgnoreCase))
        {
            if (_delivering.TryGetValue(batch.Key, out var running) && !running.IsCompleted)
            {
                continue;
            }

            var messages = batch.ToList();
            _delivering[batch.Key] = Task.Run(() => DeliverInOrderAsync(messages, ct), CancellationToken.None);
        }
    }

    /// <summary>Delivers one receiver's messages oldest first, stopping at the first that fails (it holds the rest until its retry).</summary>
    private async Task DeliverInOrderAsync(IReadOnlyList<PendingNotification> messages, CancellationToken ct)
    {
        foreach (var message in messages)
        {
            try
            {
                if (!await delivery.DeliverAsync(message, ct))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogDeliveryFailed(logger, message.Id, message.Receiver, ex.Message, ex);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification to receiver {Receiver} queued: {Count} alerts of group {Group}{Repeat}")]
    private static partial void LogQueued(ILogger logger, string receiver, int count, string group, string repeat);

    [LoggerMessage(Level = LogLevel.Error, Message = "Planning notifications failed: {Reason}; trying again in a second")]
    private static partial void LogTickFailed(ILogger logger, string reason, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering notification {Id} to receiver {Receiver} failed: {Reason}; it stays pending")]
    private static partial void LogDeliveryFailed(ILogger logger, long id, string receiver, string reason, Exception ex);
}
