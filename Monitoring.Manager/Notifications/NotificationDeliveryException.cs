namespace Monitoring.Manager.Notifications;

/// <summary>A receiver did not take a message; the message says what it answered (HTTP status, SMTP reply) or what failed.</summary>
internal sealed class NotificationDeliveryException(string message, Exception? inner = null) : Exception(message, inner);
