namespace Monitoring.Manager.Storage;

/// <summary>
/// The store could not make a write durable: the disk is full or failing. Nothing of that write is acknowledged;
/// the request is answered 503 with <c>Retry-After</c>, reads keep working, and writes succeed again once the disk
/// has room.
/// </summary>
internal sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
