namespace Monitoring.Protocol;

/// <summary>One attempt to deliver a notification.</summary>
public sealed record NotificationAttempt
{
    /// <summary>When it started.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>True when the receiver accepted the message.</summary>
    public bool Succeeded { get; init; }

    /// <summary>What the receiver answered: the HTTP status, the SMTP reply, or the error that stopped the attempt.</summary>
    public string Detail { get; init; } = "";

    /// <summary>How long it took, in milliseconds.</summary>
    public double DurationMs { get; init; }
}
