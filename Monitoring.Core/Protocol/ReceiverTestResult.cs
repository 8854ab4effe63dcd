namespace Monitoring.Protocol;

/// <summary>The outcome of sending a receiver a test notification (once, without retries).</summary>
public sealed record ReceiverTestResult
{
    /// <summary>The receiver tested.</summary>
    public string Receiver { get; init; } = "";

    /// <summary>True when the receiver accepted the test message.</summary>
    public bool Succeeded { get; init; }

    /// <summary>What it answered: the HTTP status, the SMTP reply, or the error.</summary>
    public string Detail { get; init; } = "";

    /// <summary>How long the attempt took, in milliseconds.</summary>
    public double DurationMs { get; init; }
}
