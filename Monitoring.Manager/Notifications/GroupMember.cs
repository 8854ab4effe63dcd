namespace Monitoring.Manager.Notifications;

/// <summary>
/// One alert in a receiver's group: its firing record, whether it still fires, whether the receiver has been told
/// it fires, and the record that resolved it (until the group's next message reports that).
/// </summary>
internal sealed record GroupMember(string AgentId, string Fingerprint, long AlertId, bool Firing, bool Notified, long? ResolvedAlertId = null);
