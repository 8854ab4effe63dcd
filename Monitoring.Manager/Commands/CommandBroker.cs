using System.Collections.Concurrent;
using Monitoring.Protocol;

namespace Monitoring.Manager.Commands;

/// <summary>
/// Wakes things up in memory: an agent's command stream or long-poll when a command is queued for it, and an admin's
/// waiting request when its command reaches a final state; hands a command queued for an agent with an open stream
/// straight to that stream. The store stays the source of truth. Managers sharing a store tell each other of commands
/// queued and finished (<see cref="Cluster.IClusterSignals"/>), so the agent's stream and the waiting admin may be on
/// different managers.
/// </summary>
internal sealed class CommandBroker(Cluster.IClusterSignals cluster)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _work = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CommandRecord>> _outcomes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _polls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CommandInbox> _streams = new(StringComparer.Ordinal);

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

        if (_streams.TryGetValue(agentId, out var stream))
        {
            stream.LookInStore();
        }
    }

    /// <summary>Whether the agent holds a command stream now (a command queued for it can be handed over).</summary>
    public bool IsStreaming(string agentId) => _streams.ContainsKey(agentId);

    /// <summary>
    /// Hands a command, already stored, to the agent's open stream. When the agent has none (any more),
    /// its next stream or poll reads the command from the store instead.
    /// </summary>
    public void HandToStream(CommandRecord command)
    {
        if (!(_streams.TryGetValue(command.AgentId, out var stream) && stream.TryHand(command)))
        {
            NotifyWork(command.AgentId);
        }
    }

    /// <summary>Registers a stream's inbox (after <see cref="BeginPoll"/> has ended the agent's older stream or poll).</summary>
    public CommandInbox OpenStream(string agentId)
    {
        var inbox = new CommandInbox();
        _streams[agentId] = inbox;
        return inbox;
    }

    /// <summary>
    /// Ends a stream's inbox. <paramref name="lost"/> says a command was taken but not written: that, or a command
    /// still in the inbox, is read from the store by whatever the agent holds next.
    /// </summary>
    public void CloseStream(string agentId, CommandInbox inbox, bool lost)
    {
        _streams.TryRemove(new KeyValuePair<string, CommandInbox>(agentId, inbox));
        if (inbox.Close() | lost)
        {
            NotifyWork(agentId);
        }
    }

    /// <summary>A task that completes with the command's final record.</summary>
    public Task<CommandRecord> Outcome(string commandId) =>
        _outcomes.GetOrAdd(commandId, _ => new TaskCompletionSource<CommandRecord>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>A command finished here: whoever waits for it, here or on another manager, hears of it.</summary>
    public void Completed(CommandRecord record)
    {
        CompletedElsewhere(record);
        cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.CommandDone, record.Id));
    }

    /// <summary>A command finished (on another manager): whoever waits for it here hears of it.</summary>
    public void CompletedElsewhere(CommandRecord record)
    {
        if (_outcomes.TryRemove(record.Id, out var outcome))
        {
            outcome.TrySetResult(record);
        }
    }

    /// <summary>True when someone here waits for the command's outcome.</summary>
    public bool IsAwaited(string commandId) => _outcomes.ContainsKey(commandId);

    /// <summary>
    /// A command was stored: handed to the agent's stream when it is held here, else the agent's next look finds it,
    /// on whichever manager holds its stream or poll.
    /// </summary>
    public void Queued(CommandRecord command, bool streaming)
    {
        if (streaming)
        {
            HandToStream(command);
        }
        else
        {
            NotifyWork(command.AgentId);
        }

        if (!IsStreaming(command.AgentId))
        {
            cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.CommandQueued, command.AgentId));
        }
    }
}
