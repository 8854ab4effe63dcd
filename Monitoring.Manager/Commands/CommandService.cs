using Monitoring.Commands;
using Monitoring.Manager.Fleet;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Commands;

/// <summary>
/// Commands as the manager runs them: checks and queues an admin's command (handing it to the agent's open stream
/// from memory), waits for its outcome, and records an agent's result. The store is the source of truth; the broker
/// only wakes what waits.
/// </summary>
internal sealed partial class CommandService(
    FleetRegistry fleet,
    ICommandStore store,
    IFileRecordStore fileRecords,
    CommandBroker broker,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<CommandService> logger)
{
    public const int DefaultTimeoutSeconds = 30;
    public const int MaxTimeoutSeconds = 3600;
    public const int DefaultTtlSeconds = 900;
    public const int MaxTtlSeconds = 7 * 24 * 3600;

    /// <summary>The longest error an agent may record; longer ones are cut.</summary>
    public const int MaxErrorLength = 4096;

    /// <summary>What an agent that advertised no commands (an older SDK) is taken to have.</summary>
    private static readonly IReadOnlyList<CommandDefinition> BuiltInDefinitions =
        [.. BuiltInCommands.Create(new CommandHandlerOptions()).Select(h => h.Definition)];

    /// <summary>
    /// Checks the command against what the agent advertised and stores it. Returns the stored record and a task that
    /// completes with its final record, or why it was refused.
    /// </summary>
    public async Task<(CommandRecord? Record, Task<CommandRecord>? Outcome, CommandProblem? Problem)> SubmitAsync(
        string agentId, CommandRequest request, string? requestedBy, CancellationToken ct)
    {
        if (fleet.Find(agentId) is not { } agent)
        {
            return Refused(StatusCodes.Status404NotFound, ErrorCodes.AgentNotFound, $"No agent '{agentId}' is enrolled. List agents with GET {ApiRoutes.Agents}.");
        }

        var known = agent.Commands is { Count: > 0 } advertised ? advertised : BuiltInDefinitions;
        if (known.FirstOrDefault(d => d.Name == request.Name) is not { } definition)
        {
            return Refused(
                StatusCodes.Status400BadRequest,
                ErrorCodes.UnknownCommand,
                $"Unknown command '{request.Name}'. Agent '{agentId}' knows: {string.Join(", ", known.Select(d => d.Name).OrderBy(n => n, StringComparer.Ordinal))}.");
        }

        if (definition.Validate(request.Arguments) is { } invalid)
        {
            return Refused(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, invalid);
        }

        if (request.Name == CommandNames.ReceiveFile
            && request.Arguments?.TryGetValue("fileId", out var fileId) == true
            && (await fileRecords.GetFileAsync(fileId.GetString()!, ct) is not { Status: FileStatus.Complete }))
        {
            return Refused(StatusCodes.Status400BadRequest, ErrorCodes.FileNotFound,
                $"receive_file needs a complete file from the store; '{fileId.GetString()}' is not one. Upload it first (POST {ApiRoutes.Files}).");
        }

        if (request.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            return Refused(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, $"timeoutSeconds must be from 1 to {MaxTimeoutSeconds}; got {request.TimeoutSeconds}.");
        }

        if (request.TtlSeconds is < 1 or > MaxTtlSeconds)
        {
            return Refused(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, $"ttlSeconds must be from 1 to {MaxTtlSeconds}; got {request.TtlSeconds}.");
        }

        var now = time.GetUtcNow();
        // An agent holding its command stream is handed the command from memory the moment it is committed (the stream
        // marks it delivered once written); if the stream ends first, it stays queued for the agent's next stream or poll.
        var streaming = broker.IsStreaming(agentId);
        var record = new CommandRecord
        {
            Id = Guid.CreateVersion7().ToString("N"),
            AgentId = agentId,
            Name = request.Name,
            Arguments = request.Arguments is { Count: > 0 } ? request.Arguments : null,
            Status = CommandStatus.Queued,
            RequestedBy = requestedBy,
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(request.TtlSeconds ?? DefaultTtlSeconds),
            TimeoutSeconds = request.TimeoutSeconds ?? DefaultTimeoutSeconds,
        };
        var outcome = broker.Outcome(record.Id);
        // The admin who waits for a read-only command's outcome waits for the commit, not the disk: a power cut may lose
        // the record of a command that changed nothing. Everything else is on disk before anyone hears of it.
        var durable = !(definition.ReadOnly && request.Wait != false);
        await store.InsertCommandAsync(record, ct, () => broker.Queued(record, streaming), durable);
        LogQueued(logger, record.Id, record.Name, agentId, record.RequestedBy);
        return (record, outcome, null);
    }

    /// <summary>
    /// Waits for a command's outcome up to its timeout (a command delivered late may still run for its whole timeout).
    /// Final is false when the command is still open: not yet delivered by then, or the manager is stopping (it is not
    /// lost; GET /commands/{id} follows it).
    /// </summary>
    public async Task<(CommandRecord Record, bool Final)> AwaitOutcomeAsync(CommandRecord record, Task<CommandRecord> outcome, CancellationToken ct)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        var deadline = record.CreatedAt.AddSeconds(record.TimeoutSeconds);
        while (true)
        {
            var remaining = deadline - time.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                try
                {
                    return (await outcome.WaitAsync(remaining, time, waiting.Token), true);
                }
                catch (TimeoutException)
                {
                }
                catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    return (await store.GetCommandAsync(record.Id, CancellationToken.None) ?? record, false);
                }
            }

            var current = await store.GetCommandAsync(record.Id, ct);
            if (current is null || current.Status == CommandStatus.Queued)
            {
                return (current ?? record, false);
            }

            if (current.Status != CommandStatus.Delivered)
            {
                return (current, true);
            }

            var runDeadline = current.DeliveredAt!.Value.AddSeconds(record.TimeoutSeconds) + CommandSweeper.Grace;
            if (runDeadline <= time.GetUtcNow())
            {
                var timedOut = await store.CompleteCommandAsync(
                    record.AgentId, record.Id, CommandStatus.TimedOut, null,
                    $"Agent '{record.AgentId}' received the command at {current.DeliveredAt:u} but sent no result within its timeout of {record.TimeoutSeconds} s.",
                    time.GetUtcNow(), ct);
                if (timedOut is not null)
                {
                    broker.Completed(timedOut);
                }

                return (timedOut ?? (await store.GetCommandAsync(record.Id, ct))!, true);
            }

            deadline = runDeadline;
        }
    }

    /// <summary>
    /// Records an agent's result: the admin waiting for it is answered at commit, the agent (this call) once the
    /// outcome is on disk. A command has one outcome; a second result is refused.
    /// </summary>
    public async Task<(CommandRecord? Record, CommandProblem? Problem)> RecordResultAsync(string agentId, string commandId, CommandResult result, CancellationToken ct)
    {
        if (!result.Success && string.IsNullOrWhiteSpace(result.Error))
        {
            return (null, new CommandProblem(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "A failed result needs an error that says why."));
        }

        var error = result.Error is { Length: > MaxErrorLength } long_ ? long_[..MaxErrorLength] : result.Error;
        var completed = await store.CompleteCommandAsync(
            agentId, commandId, result.Success ? CommandStatus.Succeeded : CommandStatus.Failed, result.Success ? result.Result : null, result.Success ? null : error,
            time.GetUtcNow(), ct, broker.Completed);
        if (completed is null)
        {
            // Why not: the command is not this agent's (or unknown), or it already has its outcome.
            if (await store.GetCommandAsync(commandId, ct) is not { } existing || existing.AgentId != agentId)
            {
                return (null, NotFound(commandId));
            }

            return (null, new CommandProblem(
                StatusCodes.Status409Conflict,
                ErrorCodes.CommandCompleted,
                $"Command {commandId} is already {CommandStatuses.ToWire(existing.Status)}; its outcome is final and this result was not recorded."));
        }

        var elapsed = (completed.CompletedAt - (completed.DeliveredAt ?? completed.CreatedAt))?.TotalMilliseconds;
        LogFinished(logger, commandId, completed.Name, agentId, CommandStatuses.ToWire(completed.Status), elapsed, completed.Error is null ? "" : ": " + completed.Error);
        return (completed, null);
    }

    public static CommandProblem NotFound(string commandId) =>
        new(StatusCodes.Status404NotFound, ErrorCodes.CommandNotFound, $"No command '{commandId}'. List an agent's commands with GET {ApiRoutes.AgentCommands}.");

    private static (CommandRecord?, Task<CommandRecord>?, CommandProblem?) Refused(int status, string code, string message) =>
        (null, null, new CommandProblem(status, code, message));

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} ({Name}) for agent {AgentId} queued by {RequestedBy}")]
    private static partial void LogQueued(ILogger logger, string commandId, string name, string agentId, string? requestedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} ({Name}) on agent {AgentId} {Status} in {Ms:0} ms{Error}")]
    private static partial void LogFinished(ILogger logger, string commandId, string name, string agentId, string status, double? ms, string error);
}
