using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Commands;
using Monitoring.Manager.Commands;
using Monitoring.Manager.Fleet;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Commands: admins queue them and read the audit trail; agents stream or long-poll for them and post results.</summary>
internal static partial class CommandsApi
{
    public const int DefaultTimeoutSeconds = 30;
    public const int MaxTimeoutSeconds = 3600;
    public const int DefaultTtlSeconds = 900;
    public const int MaxTtlSeconds = 7 * 24 * 3600;

    /// <summary>What an agent that advertised no commands (an older SDK) is taken to have.</summary>
    private static readonly IReadOnlyList<CommandDefinition> BuiltInDefinitions =
        [.. BuiltInCommands.Create(new CommandHandlerOptions()).Select(h => h.Definition)];

    public static IEndpointRouteBuilder MapCommandsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ApiRoutes.AgentCommands, SendAsync)
            .RequireAuthorization(Roles.OperatorPolicy)
            .WithName("SendCommand")
            .WithSummary("Queue a command for an agent and, unless wait is false, wait for its outcome up to its timeout.");
        app.MapGet(ApiRoutes.AgentCommands, ListAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("ListCommands")
            .WithSummary("An agent's command history (the audit trail), newest first.");
        app.MapGet(ApiRoutes.Command, GetAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("GetCommand")
            .WithSummary("One command's record and outcome.");
        app.MapGet(ApiRoutes.NextCommand, NextAsync)
            .RequireAuthorization(Roles.AgentPolicy)
            .WithName("NextCommand")
            .WithSummary("Long-poll: the agent's next command, at once if one is queued, else 204 after the wait.");
        app.MapGet(ApiRoutes.CommandStream, Stream)
            .RequireAuthorization(Roles.AgentPolicy)
            .WithName("StreamCommands")
            .WithSummary("The agent's command stream: NDJSON, one CommandDelivery per line as commands are queued, an empty line as a heartbeat; ends after the stream lifetime.");
        app.MapPost(ApiRoutes.CommandResult, PostResultAsync)
            .RequireAuthorization(Roles.AgentPolicy)
            .WithName("PostCommandResult")
            .WithSummary("The outcome of a command; accepted once, 409 after that.");
        return app;
    }

    internal static async Task<Results<Ok<CommandRecord>, Accepted<CommandRecord>, ProblemHttpResult>> SendAsync(
        string id,
        CommandRequest request,
        ClaimsPrincipal user,
        FleetRegistry fleet,
        ICommandStore store,
        IFileRecordStore fileRecords,
        CommandBroker broker,
        TimeProvider time,
        ILoggerFactory loggers,
        IHostApplicationLifetime lifetime,
        CancellationToken ct)
    {
        if (fleet.Find(id) is not { } agent)
        {
            return Problems.AgentNotFound(id);
        }

        var known = agent.Commands is { Count: > 0 } advertised ? advertised : BuiltInDefinitions;
        if (known.FirstOrDefault(d => d.Name == request.Name) is not { } definition)
        {
            return Problems.Create(
                StatusCodes.Status400BadRequest,
                ErrorCodes.UnknownCommand,
                $"Unknown command '{request.Name}'. Agent '{id}' knows: {string.Join(", ", known.Select(d => d.Name).OrderBy(n => n, StringComparer.Ordinal))}.");
        }

        if (definition.Validate(request.Arguments) is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }

        if (request.Name == CommandNames.ReceiveFile
            && request.Arguments?.TryGetValue("fileId", out var fileId) == true
            && (await fileRecords.GetFileAsync(fileId.GetString()!, ct) is not { Status: FileStatus.Complete }))
        {
            return Problems.Create(StatusCodes.Status400BadRequest, ErrorCodes.FileNotFound,
                $"receive_file needs a complete file from the store; '{fileId.GetString()}' is not one. Upload it first (POST {ApiRoutes.Files}).");
        }

        if (request.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            return Problems.BadRequest($"timeoutSeconds must be from 1 to {MaxTimeoutSeconds}; got {request.TimeoutSeconds}.");
        }

        if (request.TtlSeconds is < 1 or > MaxTtlSeconds)
        {
            return Problems.BadRequest($"ttlSeconds must be from 1 to {MaxTtlSeconds}; got {request.TtlSeconds}.");
        }

        var now = time.GetUtcNow();
        var timeout = request.TimeoutSeconds ?? DefaultTimeoutSeconds;
        // An agent holding its command stream is handed the command from memory the moment it is committed, so it is
        // stored as delivered at once; if the stream ends in between, the agent's next stream or poll reads it.
        var streaming = broker.IsStreaming(id);
        var record = new CommandRecord
        {
            Id = Guid.CreateVersion7().ToString("N"),
            AgentId = id,
            Name = request.Name,
            Arguments = request.Arguments is { Count: > 0 } ? request.Arguments : null,
            Status = streaming ? CommandStatus.Delivered : CommandStatus.Queued,
            RequestedBy = user.Who(),
            CreatedAt = now,
            DeliveredAt = streaming ? now : null,
            ExpiresAt = now.AddSeconds(request.TtlSeconds ?? DefaultTtlSeconds),
            TimeoutSeconds = timeout,
        };
        var outcome = broker.Outcome(record.Id);
        // The admin who waits for a read-only command's outcome waits for the commit, not the disk: a power cut may lose
        // the record of a command that changed nothing. Everything else is on disk before anyone hears of it.
        var durable = !(definition.ReadOnly && request.Wait != false);
        await store.InsertCommandAsync(record, ct, streaming ? () => broker.HandToStream(record) : () => broker.NotifyWork(id), durable);
        LogQueued(loggers.CreateLogger("Monitoring.Manager.Commands"), record.Id, record.Name, id, record.RequestedBy);

        var location = ApiRoutes.ForCommand(record.Id);
        if (request.Wait == false)
        {
            return TypedResults.Accepted(location, record);
        }

        // Wait for the outcome up to the timeout; a command delivered late may still run for its whole timeout. A manager
        // that stops answers at once with where the command is; it is not lost, and GET /commands/{id} follows it.
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(ct, lifetime.ApplicationStopping);
        var deadline = now.AddSeconds(timeout);
        while (true)
        {
            var remaining = deadline - time.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                try
                {
                    return TypedResults.Ok(await outcome.WaitAsync(remaining, time, waiting.Token));
                }
                catch (TimeoutException)
                {
                }
                catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    return TypedResults.Accepted(location, await store.GetCommandAsync(record.Id, CancellationToken.None) ?? record);
                }
            }

            var current = await store.GetCommandAsync(record.Id, ct);
            if (current is null || current.Status == CommandStatus.Queued)
            {
                return TypedResults.Accepted(location, current ?? record);
            }

            if (current.Status != CommandStatus.Delivered)
            {
                return TypedResults.Ok(current);
            }

            var runDeadline = current.DeliveredAt!.Value.AddSeconds(timeout) + CommandSweeper.Grace;
            if (runDeadline <= time.GetUtcNow())
            {
                var timedOut = await store.CompleteCommandAsync(
                    id, record.Id, CommandStatus.TimedOut, null,
                    $"Agent '{id}' received the command at {current.DeliveredAt:u} but sent no result within its timeout of {timeout} s.",
                    time.GetUtcNow(), ct);
                if (timedOut is not null)
                {
                    broker.Completed(timedOut);
                }

                return TypedResults.Ok(timedOut ?? (await store.GetCommandAsync(record.Id, ct))!);
            }

            deadline = runDeadline;
        }
    }

    internal static async Task<Results<Ok<IReadOnlyList<CommandRecord>>, ProblemHttpResult>> ListAsync(
        string id, int? limit, FleetRegistry fleet, ICommandStore store, CancellationToken ct)
    {
        if (limit is < 1 or > StatusApi.MaxLimit)
        {
            return Problems.BadRequest($"limit must be from 1 to {StatusApi.MaxLimit}; got {limit}.");
        }

        var commands = await store.ListCommandsAsync(id, limit ?? StatusApi.DefaultLimit, ct);
        return commands.Count == 0 && fleet.Find(id) is null ? Problems.AgentNotFound(id) : TypedResults.Ok(commands);
    }

    internal static async Task<Results<Ok<CommandRecord>, ProblemHttpResult>> GetAsync(string commandId, ICommandStore store, CancellationToken ct) =>
        await store.GetCommandAsync(commandId, ct) is { } record ? TypedResults.Ok(record) : CommandNotFound(commandId);

    internal static async Task<Results<Ok<CommandDelivery>, NoContent, ProblemHttpResult>> NextAsync(
        string id,
        int? wait,
        string? running,
        ClaimsPrincipal user,
        ICommandStore store,
        CommandBroker broker,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        CancellationToken ct)
    {
        if (user.AgentId() != id)
        {
            return Problems.AgentMismatch(user.Who(), id);
        }

        if (wait is < 0 or > ApiRoutes.MaxPollWaitSeconds)
        {
            return Problems.BadRequest($"wait must be from 0 to {ApiRoutes.MaxPollWaitSeconds} seconds; got {wait}.");
        }

        var skip = Running(running);
        var deadline = time.GetUtcNow().AddSeconds(wait ?? ApiRoutes.DefaultPollWaitSeconds);
        var poll = broker.BeginPoll(id);
        // The poll ends when the request does, when a newer poll of the agent replaces it, or when the manager stops
        // (the agent polls the restarted manager; a stop never waits for a poll's wait).
        using var replaced = CancellationTokenSource.CreateLinkedTokenSource(ct, poll.Token, lifetime.ApplicationStopping);
        try
        {
            return await PollAsync(id, skip, deadline, store, broker, time, replaced.Token, ct);
        }
        finally
        {
            broker.EndPoll(id, poll);
        }
    }

    internal static Results<CommandStreamResult, ProblemHttpResult> Stream(
        string id, string? running, ClaimsPrincipal user, CommandStream stream, IHostApplicationLifetime lifetime)
    {
        if (user.AgentId() != id)
        {
            return Problems.AgentMismatch(user.Who(), id);
        }

        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // A stream opened now would end at once: the agent backs off and finds the restarted manager.
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, "The manager is stopping; the agent reconnects when it is back.");
        }

        return new CommandStreamResult(stream, id, Running(running), lifetime.ApplicationStopping);
    }

    /// <summary>The ids an agent says it is running (at most a thousand): they are not handed out again.</summary>
    private static HashSet<string> Running(string? running) => string.IsNullOrEmpty(running)
        ? new HashSet<string>(StringComparer.Ordinal)
        : running.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(1000).ToHashSet(StringComparer.Ordinal);

    private static async Task<Results<Ok<CommandDelivery>, NoContent, ProblemHttpResult>> PollAsync(
        string id, IReadOnlyCollection<string> skip, DateTimeOffset deadline, ICommandStore store, CommandBroker broker, TimeProvider time,
        CancellationToken waitToken, CancellationToken ct)
    {
        while (true)
        {
            // Take the wake-up signal before looking, so a command queued in between is not missed.
            var queued = broker.WorkQueued(id);
            if (await store.DeliverNextAsync(id, skip, time.GetUtcNow(), ct) is { } command)
            {
                return TypedResults.Ok(new CommandDelivery
                {
                    Id = command.Id,
                    Name = command.Name,
                    Arguments = command.Arguments,
                    TimeoutSeconds = command.TimeoutSeconds,
                });
            }

            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return TypedResults.NoContent();
            }

            try
            {
                await queued.WaitAsync(remaining, time, waitToken);
            }
            catch (TimeoutException)
            {
                return TypedResults.NoContent();
            }
            catch (OperationCanceledException) when (waitToken.IsCancellationRequested)
            {
                // The request was aborted, or a newer poll of the same agent replaced this one.
                return TypedResults.NoContent();
            }
        }
    }

    internal static async Task<Results<Ok<CommandRecord>, ProblemHttpResult>> PostResultAsync(
        string id,
        string commandId,
        CommandResult result,
        ClaimsPrincipal user,
        ICommandStore store,
        CommandBroker broker,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        if (user.AgentId() != id)
        {
            return Problems.AgentMismatch(user.Who(), id);
        }

        if (!result.Success && string.IsNullOrWhiteSpace(result.Error))
        {
            return Problems.BadRequest("A failed result needs an error that says why.");
        }

        var error = result.Error is { Length: > 4096 } long_ ? long_[..4096] : result.Error;
        // The admin waiting for the outcome is answered at commit, the agent once the outcome is on disk.
        var completed = await store.CompleteCommandAsync(
            id, commandId, result.Success ? CommandStatus.Succeeded : CommandStatus.Failed, result.Success ? result.Result : null, result.Success ? null : error, time.GetUtcNow(), ct,
            broker.Completed);
        if (completed is null)
        {
            // Why not: the command is not this agent's (or unknown), or it already has its outcome.
            if (await store.GetCommandAsync(commandId, ct) is not { } existing || existing.AgentId != id)
            {
                return CommandNotFound(commandId);
            }

            return Problems.Create(
                StatusCodes.Status409Conflict,
                ErrorCodes.CommandCompleted,
                $"Command {commandId} is already {CommandStatuses.ToWire(existing.Status)}; its outcome is final and this result was not recorded.");
        }

        var elapsed = (completed.CompletedAt - (completed.DeliveredAt ?? completed.CreatedAt))?.TotalMilliseconds;
        LogFinished(
            loggers.CreateLogger("Monitoring.Manager.Commands"),
            commandId, completed.Name, id, CommandStatuses.ToWire(completed.Status), elapsed, completed.Error is null ? "" : ": " + completed.Error);
        return TypedResults.Ok(completed);
    }

    private static ProblemHttpResult CommandNotFound(string commandId) =>
        Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.CommandNotFound, $"No command '{commandId}'. List an agent's commands with GET {ApiRoutes.AgentCommands}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} ({Name}) for agent {AgentId} queued by {RequestedBy}")]
    private static partial void LogQueued(ILogger logger, string commandId, string name, string agentId, string? requestedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} ({Name}) on agent {AgentId} {Status} in {Ms:0} ms{Error}")]
    private static partial void LogFinished(ILogger logger, string commandId, string name, string agentId, string status, double? ms, string error);
}
