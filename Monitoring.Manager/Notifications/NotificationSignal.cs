using System.Threading.Channels;

namespace Monitoring.Manager.Notifications;

/// <summary>Wakes the dispatcher early (new alert transitions, a changed receiver) instead of at its next tick.</summary>
internal sealed class NotificationSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _channel.Writer.TryWrite(true);

    /// <summary>Waits for a wake-up or <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(ct);
        delay.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(delay.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }

        _ = time;
    }
}
