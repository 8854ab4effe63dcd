using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// One message of the outbox as stored: the group it reports and the alert records in it (firing ones and those
/// resolved since the last message). Rendered for the receiver (webhook JSON, email) when it is sent, so a
/// receiver fixed after a failure gets its waiting messages.
/// </summary>
internal sealed record NotificationMessage
{
    public string GroupKey { get; init; } = "";

    public Dictionary<string, string> GroupLabels { get; init; } = [];

    public AlertState State { get; init; }

    public bool Repeat { get; init; }

    public List<AlertRecord> Alerts { get; init; } = [];
}
