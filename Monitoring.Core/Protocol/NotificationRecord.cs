namespace Monitoring.Protocol;

/// <summary>One message in the manager's notification outbox: what it is about, and every attempt to deliver it.</summary>
public sealed record NotificationRecord
{
    /// <summary>The message's id; webhooks carry it as <c>X-Monitoring-Delivery</c>, so a receiver can drop a message it got twice.</summary>
    public long Id { get; init; }

    /// <summary>The receiver it is for.</summary>
    public string Receiver { get; init; } = "";

    /// <summary>The alert group it reports (the route's group-by values).</summary>
    public string GroupKey { get; init; } = "";

    /// <summary>Firing when any of its alerts fires, else resolved.</summary>
    public AlertState State { get; init; }

    /// <summary>True when it repeats alerts that stayed firing.</summary>
    public bool Repeat { get; init; }

    /// <summary>The alert records it reports (firing and resolved transitions).</summary>
    public IReadOnlyList<long> AlertIds { get; init; } = [];

    /// <summary>Pending, sent or failed.</summary>
    public NotificationStatus Status { get; init; }

    /// <summary>When the manager made it.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Pending: when the next attempt is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Every attempt so far, oldest first.</summary>
    public IReadOnlyList<NotificationAttempt> Attempts { get; init; } = [];
}
