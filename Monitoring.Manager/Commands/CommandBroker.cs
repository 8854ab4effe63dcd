using System.Collections.Concurrent;
using Monitoring.Protocol;

namespace Monitoring.Manager.Commands;

/// <summary>
/// Wakes things up in memory: an agent's long-poll when a command is queued for it, and an admin's waiting
/// request when its command reaches a final state. The store stays the source of truth.
/// </summary>
internal sealed class CommandBroker
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _work = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CommandRecord>> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _polls = new(StringComparer.Ordinal);

    /// <summary>Open long-polls, one per agent at most.</summary>
    public int OpenPolls => _polls.Count;

    /// <summary>
    /// Starts an agent's long-poll and ends the one it held before (one poll per agent: a client opening many cannot
    /// pin the manager's connections). The returned source is cancelled when a newer poll replaces this one.
    /// </summary>
    public CancellationTokenSource BeginPoll(string agentId)
    {
        var mine = new CancellationTokenSource();
        CancellationTokenSource? previous = null;
        _polls.AddOrUpdate(agentId, mine, (_, old) =>
        {
            previous = old;
            return mine;
        });
        try
        {
            previous?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The previous poll ended on its own meanwhile.
        }

        return mine;
    }

    /// <summary>Ends a long-poll started with <see cref="BeginPoll"/>.</summary>
    public void EndPoll(string agentId, CancellationTokenSource poll)
    {
        _polls.TryRemove(new KeyValuePair<string, CancellationTokenSource>(agentId, poll));
        poll.Dispose();
    }

    /// <summary>A task that completes the next time work is queued for <paramref name="agentId"/>; take it before looking.</summary>
    public Task WorkQueued(string agentId) =>
        _work.GetOrAdd(agentId, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void NotifyWork(string agentId)
    {
        if (_work.TryRemove(agentId, out var signal))
        {
            signal.TrySetResult(true);
        }
    }

    /// <summary>A task that completes with the command's final record.</summary>
    public Task<CommandRecord> Outcome(string commandId) =>
        _outcomes.GetOrAdd(commandId, _ => new TaskCompletionSource<CommandRecord>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Completed(CommandRecord record)
    {
        if (_outcomes.TryRemove(record.Id, out var outcome))
        {
            outcome.TrySetResult(record);
        }
    }
}
