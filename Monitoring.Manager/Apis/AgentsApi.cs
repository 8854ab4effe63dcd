using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Agent;
using Monitoring.Manager.Fleet;
using Monitoring.Manager.Security;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Enrollment and the fleet: register, list, get, approve, reset and remove agents.</summary>
internal static class AgentsApi
{
    public const int MaxCommands = 256;
    public const int MaxArguments = 32;

    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ApiRoutes.Register, RegisterAsync)
            .RequireAuthorization(Roles.RegisterPolicy)
            .WithName("RegisterAgent")
            .WithSummary("Enroll an agent with an enrollment token (refused for an id that holds an active token), or refresh a registration with the agent's own token.");

        var agents = app.MapGroup(ApiRoutes.Agents);
        agents.MapGet("", ListAgents).RequireAuthorization(Roles.ReaderPolicy).WithName("ListAgents").WithSummary("Every agent with its status and latest snapshot.");
        agents.MapGet("/{id}", GetAgent).RequireAuthorization(Roles.ReaderPolicy).WithName("GetAgent").WithSummary("One agent with its latest snapshot.");
        agents.MapDelete("/{id}", RemoveAgentAsync).RequireAuthorization(Roles.AdminPolicy).WithName("RemoveAgent").WithSummary("Remove an agent and revoke its token; its history stays.");
        app.MapPost(ApiRoutes.AgentReset, ResetAgentAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("ResetAgent")
            .WithSummary("Revoke an agent's token and let its id enroll once more (a re-installed machine).");
        app.MapPost(ApiRoutes.AgentApprove, ApproveAgentAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("ApproveAgent")
            .WithSummary("Let an agent that enrolled with a token needing approval report and take commands.");
        return app;
    }

    internal static async Task<Results<Ok<RegisterResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, ClaimsPrincipal user, HttpContext http, EnrollmentService enrollment, CancellationToken ct)
    {
        if (Validate(request) is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }

        var (response, problem) = await enrollment.RegisterAsync(request, user, http.Connection.RemoteIpAddress?.ToString(), ct);
        return response is not null ? TypedResults.Ok(response) : problem!;
    }

    internal static string? Validate(RegisterRequest request)
    {
        if (!AgentIds.IsValid(request.AgentId))
        {
            return $"'{request.AgentId}' is not a valid agent id: use 1 to {AgentIds.MaxLength} letters, digits, '.', '_' or '-', starting with a letter or digit.";
        }

        if (request.IntervalSeconds is <= 0 or > 86_400 || double.IsNaN(request.IntervalSeconds))
        {
            return $"intervalSeconds must be more than 0 and at most 86400; got {request.IntervalSeconds}.";
        }

        if (request.Commands is { Count: > MaxCommands }
            || request.Commands?.Any(c => c is null || !IsCommandName(c.Name) || c.Arguments is null || c.Arguments.Count > MaxArguments
                || c.Arguments.Any(a => a is null || a.Name is not { Length: > 0 and <= 64 } || a.AllowedValues?.Any(v => v is null) == true)) == true)
        {
            return $"At most {MaxCommands} commands, each named in snake_case (up to 64 characters) with at most {MaxArguments} named arguments; no null entries.";
        }

        return RequestLimits.CheckLabels(request.Labels)
            ?? RequestLimits.CheckLength(request.Hostname, RequestLimits.MaxName, "hostname")
            ?? RequestLimits.CheckLength(request.Os, 32, "os")
            ?? RequestLimits.CheckLength(request.OsVersion, RequestLimits.MaxName, "osVersion")
            ?? RequestLimits.CheckLength(request.AgentVersion, 64, "agentVersion")
            ?? RequestLimits.CheckLength(request.InstanceKey, 128, "instanceKey")
            ?? (request.Commands?.Any(c => (c.Description?.Length ?? 0) > RequestLimits.MaxText || c.Arguments.Any(a => (a.Description?.Length ?? 0) > RequestLimits.MaxText)) == true
                ? $"Command and argument descriptions hold at most {RequestLimits.MaxText} characters."
                : null);
    }

    internal static Ok<IReadOnlyList<AgentInfo>> ListAgents(FleetRegistry fleet) => TypedResults.Ok(fleet.List());

    internal static Results<Ok<AgentInfo>, ProblemHttpResult> GetAgent(string id, FleetRegistry fleet) =>
        fleet.Get(id) is { } agent ? TypedResults.Ok(agent) : Problems.AgentNotFound(id);

    internal static async Task<Results<NoContent, ProblemHttpResult>> RemoveAgentAsync(
        string id, ClaimsPrincipal user, EnrollmentService enrollment, CancellationToken ct) =>
        await enrollment.RemoveAsync(id, user.Who(), ct) ? TypedResults.NoContent() : Problems.AgentNotFound(id);

    internal static async Task<Results<Ok<AgentInfo>, ProblemHttpResult>> ResetAgentAsync(
        string id, ClaimsPrincipal user, EnrollmentService enrollment, CancellationToken ct)
    {
        var (agent, problem) = await enrollment.ResetAsync(id, user.Who(), ct);
        return agent is not null ? TypedResults.Ok(agent) : problem!;
    }

    internal static async Task<Results<Ok<AgentInfo>, ProblemHttpResult>> ApproveAgentAsync(
        string id, ClaimsPrincipal user, EnrollmentService enrollment, CancellationToken ct)
    {
        var (agent, problem) = await enrollment.ApproveAsync(id, user.Who(), ct);
        return agent is not null ? TypedResults.Ok(agent) : problem!;
    }

    private static bool IsCommandName(string? name) =>
        name is { Length: > 0 and <= 64 } && name[0] is >= 'a' and <= 'z' && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');
}
