namespace EmbeddedAgent;

/// <summary>The app's own state: orders waiting to be processed.</summary>
public sealed class OrderQueue(int queued)
{
    private int _queued = queued;

    public int Count => Volatile.Read(ref _queued);

    /// <summary>Takes up to <paramref name="max"/> orders off the queue; returns how many it took.</summary>
    public int Drain(int max)
    {
        while (true)
        {
            var queued = Volatile.Read(ref _queued);
            var taken = Math.Min(max, queued);
            if (Interlocked.CompareExchange(ref _queued, queued - taken, queued) == queued)
            {
                return taken;
            }
        }
    }
}
