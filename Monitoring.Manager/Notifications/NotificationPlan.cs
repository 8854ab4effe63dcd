namespace Monitoring.Manager.Notifications;

/// <summary>What <see cref="NotificationPlanner"/> decided for a group: its members now, the message to send (if any) and its next times.</summary>
internal sealed record NotificationPlan(IReadOnlyList<GroupMember> Members, NotificationMessage? Message, DateTimeOffset? LastSentAt, DateTimeOffset? NextCheckAt);
