using System.Diagnostics;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>What the API does with receivers and the outbox: lists without secrets, changes, tests.</summary>
internal sealed partial class NotificationService(
    INotificationStore store, ReceiverRegistry registry, NotificationDelivery delivery, NotificationSignal signal, Cluster.IClusterSignals cluster,
    TimeProvider time, ILogger<NotificationService> logger)
{
    public async Task<IReadOnlyList<Receiver>> ListAsync(CancellationToken ct)
    {
        var statuses = await store.ReceiverStatusesAsync(ct);
        return [.. registry.All.Select(r => View(r, statuses))];
    }

    public async Task<Receiver?> GetAsync(string name, CancellationToken ct) =>
        registry.Find(name) is { } receiver ? View(receiver, await store.ReceiverStatusesAsync(ct)) : null;

    public async Task<ReceiverChange> SetAsync(string name, Receiver body, string by, CancellationToken ct)
    {
        if (registry.IsConfigured(name))
        {
            return new ReceiverChange(ReceiverChangeOutcome.ReadOnly);
        }

        if (body is null)
        {
            return new ReceiverChange(ReceiverChangeOutcome.Invalid, Problem: "Send a receiver: a webhook or an email section, and optionally a route.");
        }

        if (!string.IsNullOrEmpty(body.Name) && !body.Name.Equals(name, StringComparison.Ordinal))
        {
            return new ReceiverChange(ReceiverChangeOutcome.Invalid, Problem: $"The body names receiver '{body.Name}' but the URL names '{name}'; use one name (rename by removing and creating).");
        }

        var stored = registry.Stored(name);
        var receiver = ReceiverRules.KeepSecrets(body with { Name = stored?.Name ?? name }, stored);
        if (ReceiverRules.Problem(receiver) is { } problem)
        {
            return new ReceiverChange(ReceiverChangeOutcome.Invalid, Problem: problem);
        }

        await store.PutReceiverAsync(receiver, time.GetUtcNow(), ct);
        await registry.LoadAsync(ct);
        signal.Wake();
        cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.Receivers));
        LogChanged(logger, receiver.Name, stored is null ? "created" : "replaced", by);
        return new ReceiverChange(ReceiverChangeOutcome.Done, await GetAsync(receiver.Name, ct));
    }

    public async Task<ReceiverChange> RemoveAsync(string name, string by, CancellationToken ct)
    {
        if (registry.IsConfigured(name))
        {
            return new ReceiverChange(ReceiverChangeOutcome.ReadOnly);
        }

        if (registry.Stored(name) is not { } stored || !await store.DeleteReceiverAsync(stored.Name, time.GetUtcNow(), ct))
        {
            return new ReceiverChange(ReceiverChangeOutcome.NotFound);
        }

        await registry.LoadAsync(ct);
        cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.Receivers));
        LogChanged(logger, stored.Name, "removed", by);
        return new ReceiverChange(ReceiverChangeOutcome.Done);
    }

    /// <summary>Sends a test message now, once; null when there is no such receiver.</summary>
    public async Task<ReceiverTestResult?> TestAsync(string name, CancellationToken ct)
    {
        if (registry.Find(name) is not { } receiver)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var message = new NotificationMessage
        {
            GroupKey = "{\"rule\":\"test\"}",
            GroupLabels = new() { ["rule"] = "test" },
            State = AlertState.Firing,
            Alerts =
            [
                new AlertRecord
                {
                    AgentId = "monitoring-manager",
                    ReceivedAt = now,
                    Transition = new AlertTransition
                    {
                        Fingerprint = "test", Rule = "test", State = AlertState.Firing, Severity = AlertSeverity.Info, Timestamp = now, Since = now,
                        Message = $"A test notification for receiver '{receiver.Name}' from the Monitoring manager; no alert is firing.",
                    },
                },
            ],
        };
        var clock = Stopwatch.StartNew();
        try
        {
            var detail = await delivery.SendAsync(receiver, message, 0, ct);
            return new ReceiverTestResult { Receiver = receiver.Name, Succeeded = true, Detail = detail, DurationMs = clock.Elapsed.TotalMilliseconds };
        }
        catch (NotificationDeliveryException ex)
        {
            return new ReceiverTestResult { Receiver = receiver.Name, Succeeded = false, Detail = ex.Message, DurationMs = clock.Elapsed.TotalMilliseconds };
        }
    }

    public Task<IReadOnlyList<NotificationRecord>> ListNotificationsAsync(string? receiver, NotificationStatus? status, int limit, CancellationToken ct) =>
        store.ListNotificationsAsync(receiver, status, limit, ct);

    private Receiver View(Receiver receiver, IReadOnlyDictionary<string, ReceiverStatus> statuses) =>
        ReceiverRules.WithoutSecrets(
            receiver,
            registry.IsConfigured(receiver.Name) ? "config" : "api",
            statuses.TryGetValue(receiver.Name, out var status) ? status : new ReceiverStatus { State = ReceiverState.Idle });

    [LoggerMessage(Level = LogLevel.Information, Message = "Receiver {Name} {Change} by {By}")]
    private static partial void LogChanged(ILogger logger, string name, string change, string by);
}
