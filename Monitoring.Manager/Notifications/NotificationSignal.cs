using System.Threading.Channels;

namespace Monitoring.Manager.Notifications;

/// <summary>Wakes the dispatcher early (new alert transitions, a changed receiver) instead of at its next tick.</summary>
internal sealed class NotificationSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a wake-up or <paramref name="timeout"/> on <paramref name="time"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var woken = _channel.Reader.WaitToReadAsync(wait.Token).AsTask();
        await Task.WhenAny(woken, Task.Delay(timeout, time, wait.Token)).ConfigureAwait(false);
        await wait.CancelAsync();
        _channel.Reader.TryRead(out _);
        ct.ThrowIfCancellationRequested();
    }
}
