namespace Monitoring.Internal;

/// <summary>A delay on an injected clock, written once for both target frameworks.</summary>
internal static class TimeProviderDelay
{
    /// <summary>Completes after <paramref name="delay"/> on <paramref name="time"/>, or is cancelled with <paramref name="ct"/>.</summary>
    public static Task DelayAsync(this TimeProvider time, TimeSpan delay, CancellationToken ct) =>
#if NET
        Task.Delay(delay, time, ct);
#else
        time.Delay(delay, ct);
#endif
}
