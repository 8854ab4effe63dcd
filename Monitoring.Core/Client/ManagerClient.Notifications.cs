using System.Globalization;
using Monitoring.Protocol;

namespace Monitoring.Client;

/// <summary>Alert notifications: receivers (webhook, email) with their routes, tests, and the outbox of messages.</summary>
public sealed partial class ManagerClient
{
    /// <summary>Every receiver, from manager.yaml and the API, with its delivery state; secrets are never returned.</summary>
    public async Task<IReadOnlyList<Receiver>> GetReceiversAsync(CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(HttpMethod.Get, ApiRoutes.Receivers, null, MonitoringJsonContext.Default.ListReceiver, null, cancellationToken).ConfigureAwait(false);

    /// <summary>One receiver with its delivery state.</summary>
    /// <exception cref="MonitoringApiException">With code <see cref="ErrorCodes.ReceiverNotFound"/> for an unknown name.</exception>
    public Task<Receiver> GetReceiverAsync(string name, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Get, ApiRoutes.ForReceiver(name), null, MonitoringJsonContext.Default.Receiver, null, cancellationToken);

    /// <summary>
    /// Creates or replaces a receiver (admin keys). A secret left null (signing key, headers, password) keeps the
    /// stored one, so a receiver read with <see cref="GetReceiverAsync"/> can be changed and sent back.
    /// </summary>
    /// <exception cref="MonitoringApiException">
    /// With code <see cref="ErrorCodes.InvalidRequest"/> naming what is wrong, or <see cref="ErrorCodes.ReceiverReadOnly"/>
    /// for a receiver defined in manager.yaml.
    /// </exception>
    public Task<Receiver> SetReceiverAsync(Receiver receiver, CancellationToken cancellationToken = default)
    {
        if (receiver is null)
        {
            throw new ArgumentNullException(nameof(receiver));
        }

        return _transport.SendAsync(
            HttpMethod.Put, ApiRoutes.ForReceiver(receiver.Name), () => ApiTransport.Json(receiver, MonitoringJsonContext.Default.Receiver),
            MonitoringJsonContext.Default.Receiver, null, cancellationToken);
    }

    /// <summary>Removes a receiver made through the API; its undelivered messages are dropped.</summary>
    /// <exception cref="MonitoringApiException">With code <see cref="ErrorCodes.ReceiverNotFound"/> or <see cref="ErrorCodes.ReceiverReadOnly"/>.</exception>
    public async Task RemoveReceiverAsync(string name, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendRawAsync(HttpMethod.Delete, ApiRoutes.ForReceiver(name), null, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends the receiver a test notification now, once, and says what it answered.</summary>
    public Task<ReceiverTestResult> TestReceiverAsync(string name, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Post, ApiRoutes.ForReceiver(name) + "/test", null, MonitoringJsonContext.Default.ReceiverTestResult, null, cancellationToken);

    /// <summary>The notification outbox, newest first, with every delivery attempt.</summary>
    public async Task<IReadOnlyList<NotificationRecord>> GetNotificationsAsync(
        string? receiver = null, NotificationStatus? status = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var path = ApiRoutes.Notifications + Query(
            ("receiver", receiver),
            ("status", status is { } s ? WireNames.Of(s, MonitoringJsonContext.Default.NotificationStatus) : null),
            ("limit", limit?.ToString(CultureInfo.InvariantCulture)));
        return await _transport.SendAsync(HttpMethod.Get, path, null, MonitoringJsonContext.Default.ListNotificationRecord, null, cancellationToken).ConfigureAwait(false);
    }
}
