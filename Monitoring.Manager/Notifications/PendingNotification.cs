namespace Monitoring.Manager.Notifications;

/// <summary>A message of the outbox waiting for delivery.</summary>
internal sealed record PendingNotification(long Id, string Receiver, NotificationMessage Message, DateTimeOffset CreatedAt, int Attempts);
