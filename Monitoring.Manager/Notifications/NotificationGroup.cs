namespace Monitoring.Manager.Notifications;

/// <summary>
/// A receiver's group of alerts as stored: its members, when it last sent a message, when it next needs a look
/// without new transitions (a repeat, a silence that may have ended), and its transitions not yet folded in: when
/// the first of them arrived and the id of the last.
/// </summary>
internal sealed record NotificationGroup(
    string Receiver,
    string GroupKey,
    IReadOnlyList<GroupMember> Members,
    DateTimeOffset? LastSentAt,
    DateTimeOffset? NextCheckAt,
    DateTimeOffset? FirstPendingAt,
    long LastEventId);
