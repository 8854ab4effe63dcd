using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Manager.Commands;
using Monitoring.Manager.Fleet;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Commands: admins queue them and read the audit trail; agents stream or long-poll for them and post results.</summary>
internal static class CommandsApi
{
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
        app.MapGet(ApiRoutes.Commands, ListRecentAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("ListRecentCommands")
            .WithSummary("The newest commands of every agent together (the fleet's audit trail), newest first.");
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
        string id, CommandRequest request, ClaimsPrincipal user, CommandService commands, CancellationToken ct)
    {
        var (record, outcome, problem) = await commands.SubmitAsync(id, request, user.Who(), ct);
        if (problem is not null)
        {
            return Problem(problem);
        }

        var location = ApiRoutes.ForCommand(record!.Id);
        if (request.Wait == false)
        {
            return TypedResults.Accepted(location, record);
        }

        var (current, final) = await commands.AwaitOutcomeAsync(record, outcome!, ct);
        return final ? TypedResults.Ok(current) : TypedResults.Accepted(location, current);
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

    internal static async Task<Results<Ok<IReadOnlyList<CommandRecord>>, ProblemHttpResult>> ListRecentAsync(int? limit, ICommandStore store, CancellationToken ct) =>
        limit is < 1 or > StatusApi.MaxLimit
            ? Problems.BadRequest($"limit must be from 1 to {StatusApi.MaxLimit}; got {limit}.")
            : TypedResults.Ok(await store.ListRecentCommandsAsync(limit ?? StatusApi.DefaultLimit, ct));

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
        string id, string commandId, CommandResult result, ClaimsPrincipal user, CommandService commands, CancellationToken ct)
    {
        if (user.AgentId() != id)
        {
            return Problems.AgentMismatch(user.Who(), id);
        }

        var (completed, problem) = await commands.RecordResultAsync(id, commandId, result, ct);
        return problem is not null ? Problem(problem) : TypedResults.Ok(completed!);
    }

    private static ProblemHttpResult CommandNotFound(string commandId) => Problem(CommandService.NotFound(commandId));

    private static ProblemHttpResult Problem(CommandProblem problem) => Problems.Create(problem.Status, problem.Code, problem.Message);
}
