namespace Monitoring.Manager.Fleet;

/// <summary>One listener of <see cref="FleetEvents"/>: the ids of agents that changed since it last took them.</summary>
internal sealed class FleetSubscription(Action<FleetSubscription> unsubscribe) : IDisposable
{
    private readonly Lock _gate = new();
    private HashSet<string> _changed = new(StringComparer.Ordinal);
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Mark(string agentId)
    {
        lock (_gate)
        {
            _changed.Add(agentId);
            _signal.TrySetResult();
        }
    }

    /// <summary>Waits until an agent changed (or <paramref name="timeout"/> passed) and takes the ids that changed meanwhile.</summary>
    public async Task<IReadOnlyCollection<string>> TakeAsync(TimeSpan timeout, CancellationToken ct)
    {
        Task signal;
        lock (_gate)
        {
            signal = _signal.Task;
        }

        try
        {
            await signal.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing changed: the caller sends a heartbeat.
        }

        lock (_gate)
        {
            var taken = _changed;
            _changed = new HashSet<string>(StringComparer.Ordinal);
            _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return taken;
        }
    }

    public void Dispose() => unsubscribe(this);
}
