using System.Collections.Concurrent;
using System.Diagnostics;

/// <summary>
/// Times each command from the admin's request to its arrival on the agent's stream. The two events are matched by id
/// in whichever order the generator sees them: the manager hands a command to an open stream at its commit, often
/// before the admin's request has returned with the id.
/// </summary>
internal sealed class DeliveryClock
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long At, TimeSpan Paused)> _submitted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long At, TimeSpan Paused)> _arrived = new(StringComparer.Ordinal);

    /// <summary>Every delivery, in milliseconds.</summary>
    public ConcurrentBag<double> All { get; } = [];

    /// <summary>The deliveries during which the generator's own garbage collector did not pause.</summary>
    public ConcurrentBag<double> NotPaused { get; } = [];

    /// <summary>The admin's request for <paramref name="id"/> was sent at <paramref name="at"/>, with the generator's GC pause total then.</summary>
    public void Submitted(string id, long at, TimeSpan paused)
    {
        lock (_gate)
        {
            if (_arrived.Remove(id, out var arrived))
            {
                Record((at, paused), arrived);
            }
            else
            {
                _submitted[id] = (at, paused);
            }
        }
    }

    /// <summary>The command <paramref name="id"/> arrived on an agent's stream now.</summary>
    public void Arrived(string id)
    {
        var now = (Stopwatch.GetTimestamp(), GC.GetTotalPauseDuration());
        lock (_gate)
        {
            if (_submitted.Remove(id, out var submitted))
            {
                Record(submitted, now);
            }
            else
            {
                _arrived[id] = now;
            }
        }
    }

    private void Record((long At, TimeSpan Paused) submitted, (long At, TimeSpan Paused) arrived)
    {
        var ms = Stopwatch.GetElapsedTime(submitted.At, arrived.At).TotalMilliseconds;
        All.Add(ms);
        if (submitted.Paused == arrived.Paused)
        {
            NotPaused.Add(ms);
        }
    }
}
