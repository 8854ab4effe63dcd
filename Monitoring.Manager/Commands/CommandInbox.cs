using Monitoring.Protocol;

namespace Monitoring.Manager.Commands;

/// <summary>
/// What an open command stream is handed from memory: commands at the moment their insert commits (no read and no
/// second commit before the agent has them; the stream marks each delivered once written), and a flag that says the
/// store may hold commands for the stream to read (queued before it opened, or while no stream took them). Closed when
/// the stream ends: what it held but did not write is read from the store by the agent's next stream or poll.
/// </summary>
internal sealed class CommandInbox
{
    private readonly Lock _gate = new();
    private readonly Queue<CommandRecord> _handed = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _lookInStore = true;
    private bool _closed;

    /// <summary>Hands a command over; false once the stream has ended.</summary>
    public bool TryHand(CommandRecord command)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            _handed.Enqueue(command);
            _wake.TrySetResult();
            return true;
        }
    }

    /// <summary>Tells the stream to read the store: something was queued that was not handed to it.</summary>
    public void LookInStore()
    {
        lock (_gate)
        {
            _lookInStore = true;
            _wake.TrySetResult();
        }
    }

    public bool TryTake(out CommandRecord command)
    {
        lock (_gate)
        {
            return _handed.TryDequeue(out command!);
        }
    }

    /// <summary>True once after each <see cref="LookInStore"/> (and at first).</summary>
    public bool TakeLookInStore()
    {
        lock (_gate)
        {
            var look = _lookInStore;
            _lookInStore = false;
            return look;
        }
    }

    /// <summary>Completes when something is there to take; at once if something already is.</summary>
    public Task Pending()
    {
        lock (_gate)
        {
            if (_handed.Count > 0 || _lookInStore)
            {
                return Task.CompletedTask;
            }

            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _wake.Task;
        }
    }

    /// <summary>Takes no more commands; true when some were handed over but not taken.</summary>
    public bool Close()
    {
        lock (_gate)
        {
            _closed = true;
            return _handed.Count > 0;
        }
    }
}
