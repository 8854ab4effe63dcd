namespace Monitoring.Protocol;

/// <summary>A receiver's delivery state, as the manager's outbox records it.</summary>
public sealed record ReceiverStatus
{
    /// <summary>Idle, ok or failing.</summary>
    public ReceiverState State { get; init; }

    /// <summary>Messages waiting to be delivered.</summary>
    public int Pending { get; init; }

    /// <summary>Failed attempts since the last success.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>When the manager last tried to deliver to it.</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>When a delivery last succeeded.</summary>
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>What the last failed attempt got (HTTP status, SMTP reply or error).</summary>
    public string? LastError { get; init; }
}
