namespace Monitoring.Client;

/// <summary>
/// The managers a client may talk to (one, or several serving one fleet) and which it uses now. A request that finds
/// the current manager unreachable (or failing with a 5xx) moves the client on to the next one; a client that left
/// its preferred manager goes back to it after a while, so agents spread over the managers again once all are up.
/// Shared by an agent's report and command connections, so both move together.
/// </summary>
internal sealed class ManagerAddresses
{
    private readonly Uri[] _all;
    private readonly TimeProvider _time;
    private int _current;
    private long _movedAt;

    public ManagerAddresses(IReadOnlyList<Uri> all, int preferred, TimeProvider time)
    {
        if (all.Count == 0)
        {
            throw new ArgumentException("At least one manager address is needed.", nameof(all));
        }

        _all = [.. all];
        Preferred = ((preferred % _all.Length) + _all.Length) % _all.Length;
        _current = Preferred;
        _time = time;
        _movedAt = time.GetTimestamp();
    }

    /// <summary>Raised after a move: the manager left and the one now used.</summary>
    public event Action<Uri, Uri>? Moved;

    public IReadOnlyList<Uri> All => _all;

    public int Preferred { get; }

    public Uri Current => _all[Volatile.Read(ref _current)];

    /// <summary>
    /// <paramref name="failed"/> did not answer: the next manager is used, unless another request already moved on
    /// (only the manager in use is left, so two failures at once move once).
    /// </summary>
    public void MoveOn(Uri failed)
    {
        if (_all.Length < 2)
        {
            return;
        }

        var index = Array.IndexOf(_all, failed);
        if (index >= 0 && Interlocked.CompareExchange(ref _current, (index + 1) % _all.Length, index) == index)
        {
            Interlocked.Exchange(ref _movedAt, _time.GetTimestamp());
            Moved?.Invoke(failed, _all[(index + 1) % _all.Length]);
        }
    }

    /// <summary>Goes back to the preferred manager once <paramref name="after"/> has passed since the last move; true when it did.</summary>
    public bool ReturnToPreferred(TimeSpan after)
    {
        var current = Volatile.Read(ref _current);
        if (current == Preferred || _time.GetElapsedTime(Interlocked.Read(ref _movedAt)) < after
            || Interlocked.CompareExchange(ref _current, Preferred, current) != current)
        {
            return false;
        }

        Interlocked.Exchange(ref _movedAt, _time.GetTimestamp());
        Moved?.Invoke(_all[current], _all[Preferred]);
        return true;
    }

    /// <summary>A stable spread of agents over <paramref name="count"/> managers: the same agent id always prefers the same one.</summary>
    public static int PreferredFor(string agentId, int count)
    {
        // FNV-1a: string.GetHashCode differs from one process to the next.
        var hash = 2166136261u;
        foreach (var c in agentId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)Math.Max(1, count));
    }
}
