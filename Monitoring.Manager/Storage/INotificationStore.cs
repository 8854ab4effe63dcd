using Monitoring.Manager.Notifications;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>
/// Alert notifications: receivers made through the API, the groups transitions are folded into, and the outbox of
/// messages with every delivery attempt. Transitions enter with their alert (<see cref="IAlertStore.AppendAlertsAsync"/>).
/// Every write returns only once it is committed.
/// </summary>
internal interface INotificationStore
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>The receivers made through the API, secrets included.</summary>
    Task<IReadOnlyList<Receiver>> ListReceiversAsync(CancellationToken ct);

    Task PutReceiverAsync(Receiver receiver, DateTimeOffset at, CancellationToken ct);

    /// <summary>Removes a receiver with its groups and pending transitions; its undelivered messages fail.</summary>
    Task<bool> DeleteReceiverAsync(string name, DateTimeOffset at, CancellationToken ct);

    /// <summary>Every group that has members or pending transitions.</summary>
    Task<IReadOnlyList<NotificationGroup>> ListGroupsAsync(CancellationToken ct);

    /// <summary>A group's pending transitions up to <paramref name="upToEventId"/>, oldest first, as alert records.</summary>
    Task<IReadOnlyList<AlertRecord>> PendingTransitionsAsync(string receiver, string groupKey, long upToEventId, CancellationToken ct);

    /// <summary>Alert records by id, with their acknowledgements.</summary>
    Task<IReadOnlyDictionary<long, AlertRecord>> GetAlertsAsync(IReadOnlyCollection<long> ids, CancellationToken ct);

    /// <summary>
    /// In one commit: stores the group's new members and times (or deletes it when it has none), drops its pending
    /// transitions up to <paramref name="upToEventId"/>, and adds the plan's message to the outbox.
    /// </summary>
    Task SaveGroupAsync(string receiver, string groupKey, NotificationPlan plan, long upToEventId, DateTimeOffset now, CancellationToken ct);

    /// <summary>Pending messages whose next attempt is due, oldest first.</summary>
    Task<IReadOnlyList<PendingNotification>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>Makes every pending message due now (at start: a restart often follows a fix of the receiver).</summary>
    Task RetryPendingNowAsync(DateTimeOffset now, CancellationToken ct);

    /// <summary>Records a message's attempts and its new status (with the next attempt's time while pending).</summary>
    Task RecordAttemptsAsync(
        PendingNotification notification, IReadOnlyList<NotificationAttempt> attempts, NotificationStatus status, DateTimeOffset? nextAttemptAt, DateTimeOffset now, CancellationToken ct);

    /// <summary>The outbox, newest first, with attempts.</summary>
    Task<IReadOnlyList<NotificationRecord>> ListNotificationsAsync(string? receiver, NotificationStatus? status, int limit, CancellationToken ct);

    /// <summary>Each receiver's delivery state, from its attempts and pending messages.</summary>
    Task<IReadOnlyDictionary<string, ReceiverStatus>> ReceiverStatusesAsync(CancellationToken ct);

    /// <summary>Deletes messages (with their attempts) that finished before <paramref name="cutoff"/>, in bounded batches.</summary>
    Task<int> PurgeNotificationsAsync(DateTimeOffset cutoff, CancellationToken ct);
}
