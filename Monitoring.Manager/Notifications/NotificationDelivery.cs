using System.Diagnostics;
using Monitoring.Manager.Observability;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;
using Polly;
using Polly.Retry;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// Delivers one message of the outbox: renders it for its receiver, tries up to three times at once (Polly, 1 s
/// then 2 s apart with jitter), records every attempt, and leaves a message that still failed pending for a later
/// round (30 s, 1 min, 2 min… up to 10 min apart, across restarts) until notifications:giveUpAfter.
/// </summary>
internal sealed partial class NotificationDelivery
{
    private static readonly TimeSpan MaxRoundDelay = TimeSpan.FromMinutes(10);
    private readonly INotificationStore _store;
    private readonly ReceiverRegistry _receivers;
    private readonly WebhookSender _webhooks;
    private readonly EmailSender _email;
    private readonly ManagerMetrics _metrics;
    private readonly ManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<NotificationDelivery> _logger;
    private readonly ResiliencePipeline _retry;

    public NotificationDelivery(
        INotificationStore store, ReceiverRegistry receivers, WebhookSender webhooks, EmailSender email, ManagerMetrics metrics, ManagerOptions options,
        AlertLinks links, TimeProvider time, ILogger<NotificationDelivery> logger)
    {
        _store = store;
        _receivers = receivers;
        _webhooks = webhooks;
        _email = email;
        _metrics = metrics;
        _options = options;
        Links = links;
        _time = time;
        _logger = logger;
        _retry = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NotificationDeliveryException>(),
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromSeconds(1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .Build();
    }

    public AlertLinks Links { get; }

    /// <summary>Delivers a message; true when the receiver took it, false when it waits for a later round or was given up.</summary>
    public async Task<bool> DeliverAsync(PendingNotification notification, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_receivers.Find(notification.Receiver) is not { } receiver)
        {
            await _store.RecordAttemptsAsync(
                notification, [new NotificationAttempt { At = now, Detail = "the receiver was removed", DurationMs = 0 }], NotificationStatus.Failed, null, now, ct);
            return false;
        }

        var attempts = new List<NotificationAttempt>();
        try
        {
            await _retry.ExecuteAsync(token => AttemptAsync(receiver, notification.Message, notification.Id, attempts, token), ct);
        }
        catch (NotificationDeliveryException)
        {
            // Recorded below from the attempts.
        }

        now = _time.GetUtcNow();
        var succeeded = attempts.Count > 0 && attempts[^1].Succeeded;
        _metrics.NotificationAttempted(receiver.Name, attempts);
        if (succeeded)
        {
            await _store.RecordAttemptsAsync(notification, attempts, NotificationStatus.Sent, null, now, ct);
            return true;
        }

        var rounds = (notification.Attempts + attempts.Count + 2) / 3;
        var giveUp = now - notification.CreatedAt >= _options.NotificationGiveUpAfter;
        var delay = TimeSpan.FromSeconds(Math.Min(MaxRoundDelay.TotalSeconds, 30 * Math.Pow(2, Math.Max(0, rounds - 1))));
        await _store.RecordAttemptsAsync(notification, attempts, giveUp ? NotificationStatus.Failed : NotificationStatus.Pending, giveUp ? null : now + delay, now, ct);
        var last = attempts.Count > 0 ? attempts[^1].Detail : "no attempt";
        if (giveUp)
        {
            LogGaveUp(_logger, notification.Id, receiver.Name, notification.Attempts + attempts.Count, last);
        }
        else
        {
            LogFailed(_logger, notification.Id, receiver.Name, attempts.Count, last, delay.TotalSeconds);
        }

        return false;
    }

    /// <summary>One attempt, added to <paramref name="attempts"/> whether it succeeds or not; a failure is thrown again for the retry.</summary>
    private async ValueTask AttemptAsync(Receiver receiver, NotificationMessage message, long deliveryId, List<NotificationAttempt> attempts, CancellationToken ct)
    {
        var at = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        try
        {
            var detail = await SendAsync(receiver, message, deliveryId, ct);
            attempts.Add(new NotificationAttempt { At = at, Succeeded = true, Detail = detail, DurationMs = clock.Elapsed.TotalMilliseconds });
        }
        catch (NotificationDeliveryException ex)
        {
            attempts.Add(new NotificationAttempt { At = at, Detail = ex.Message, DurationMs = clock.Elapsed.TotalMilliseconds });
            throw;
        }
    }

    /// <summary>Renders and sends one message, without retries or records (also the receiver test).</summary>
    public Task<string> SendAsync(Receiver receiver, NotificationMessage message, long deliveryId, CancellationToken ct) =>
        receiver.Webhook is { } webhook
            ? _webhooks.SendAsync(webhook, AlertmanagerPayload.Build(receiver.Name, message, Links), deliveryId, ct)
            : _email.SendAsync(receiver.Email!, EmailContent.Build(receiver.Email!, message, deliveryId, Links, _time.GetUtcNow()), ct);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} to receiver {Receiver} failed {Attempts} times ({Detail}); trying again in {Seconds:0} s")]
    private static partial void LogFailed(ILogger logger, long id, string receiver, int attempts, string detail, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {Id} to receiver {Receiver} was given up after {Attempts} attempts ({Detail}); fix the receiver and check GET /api/v1/notifications")]
    private static partial void LogGaveUp(ILogger logger, long id, string receiver, int attempts, string detail);
}
