using System.IO.Pipelines;
using System.Text.Json;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Commands;

/// <summary>
/// An agent's command stream: one response held open for <see cref="ManagerOptions.CommandStreamLifetime"/> that
/// carries each command as it is queued, one JSON line each, and an empty line after each quiet
/// <see cref="ManagerOptions.CommandStreamHeartbeat"/>. A held long-poll costs the manager a whole request (its
/// middleware, authentication and scope) renewed every wait; a stream renews it every ten minutes, which is what
/// lets one manager hold ten thousand agents without long garbage-collection pauses (docs/benchmarks.md, "Fleet").
/// </summary>
internal sealed class CommandStream(ICommandStore store, CommandBroker broker, ManagerOptions options, TimeProvider time)
{
    private static readonly byte[] Heartbeat = "\n"u8.ToArray();

    /// <summary>
    /// Writes the agent's stream until its lifetime ends, the request ends (<paramref name="aborted"/>), a newer stream
    /// or poll of the agent replaces it, or the manager stops (<paramref name="stopping"/>). Commands in
    /// <paramref name="skip"/> (running on the agent) are not handed out; each one delivered joins them, so the stream
    /// hands a command out once.
    /// </summary>
    public async Task WriteAsync(string agentId, HashSet<string> skip, PipeWriter body, CancellationToken aborted, CancellationToken stopping)
    {
        // One stream or poll per agent: this one ends the agent's older one.
        var replaced = broker.BeginPoll(agentId);
        var inbox = broker.OpenStream(agentId);
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(aborted, replaced.Token, stopping);
        var ct = ends.Token;
        // Up to a tenth shorter at random: streams opened together (a fleet started at once, a manager restart) end
        // apart, and their renewals spread out instead of coming back every lifetime in the same second.
        var end = time.GetUtcNow() + (options.CommandStreamLifetime * (0.9 + (0.1 * Random.Shared.NextDouble())));
        // The command being written when the stream ends, however it ends: the agent's next stream reads it from the store.
        CommandRecord? writing = null;
        try
        {
            // The headers go out at once: the agent knows its stream is open before any command is queued.
            await body.FlushAsync(ct);
            while (true)
            {
                // Commands handed over at the moment they were queued, then whatever the store holds for the agent.
                while (inbox.TryTake(out var handed))
                {
                    if (skip.Add(handed.Id))
                    {
                        writing = handed;
                        await WriteLineAsync(body, handed, ct);
                        writing = null;
                        // After the line is out, off the agent's way: until then the command is queued, and a stream
                        // that ends first leaves it for the agent's next stream or poll.
                        await store.MarkDeliveredAsync(handed.Id, time.GetUtcNow(), ct);
                    }
                }

                if (inbox.TakeLookInStore())
                {
                    while (await store.DeliverNextAsync(agentId, skip, time.GetUtcNow(), ct) is { } command)
                    {
                        skip.Add(command.Id);
                        writing = command;
                        await WriteLineAsync(body, command, ct);
                        writing = null;
                    }

                    continue;
                }

                var remaining = end - time.GetUtcNow();
                if (remaining <= TimeSpan.FromMilliseconds(1))
                {
                    return;
                }

                var last = remaining < options.CommandStreamHeartbeat;
                try
                {
                    await inbox.Pending().WaitAsync(last ? remaining : options.CommandStreamHeartbeat, time, ct);
                }
                catch (TimeoutException) when (!last)
                {
                    await body.WriteAsync(Heartbeat, ct);
                    await body.FlushAsync(ct);
                }
                catch (TimeoutException)
                {
                    // The lifetime is over: the next turn ends the stream.
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ended by the agent, by a newer stream or poll of the same agent, or by the manager stopping.
        }
        finally
        {
            broker.CloseStream(agentId, inbox, lost: writing is not null);
            broker.EndPoll(agentId, replaced);
        }
    }

    private static async Task WriteLineAsync(PipeWriter body, CommandRecord command, CancellationToken ct)
    {
        var delivery = new CommandDelivery
        {
            Id = command.Id,
            Name = command.Name,
            Arguments = command.Arguments,
            TimeoutSeconds = command.TimeoutSeconds,
        };
        await body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(delivery, MonitoringJsonContext.Default.CommandDelivery), ct);
        await body.WriteAsync(Heartbeat, ct);
        await body.FlushAsync(ct);
    }
}
