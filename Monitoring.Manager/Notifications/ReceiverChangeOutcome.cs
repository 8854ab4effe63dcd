namespace Monitoring.Manager.Notifications;

/// <summary>How a receiver change went.</summary>
internal enum ReceiverChangeOutcome
{
    Done,
    NotFound,
    ReadOnly,
    Invalid,
}
