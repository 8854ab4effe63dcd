using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Agent;
using Monitoring.Manager.Fleet;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Enrollment and the fleet: register, list, get and remove agents.</summary>
internal static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ApiRoutes.Register, RegisterAsync)
            .RequireAuthorization(Roles.RegisterPolicy)
            .WithName("RegisterAgent")
            .WithSummary("Enroll an agent with the enrollment token, or refresh a registration with the agent's own token.");

        var admin = app.MapGroup(ApiRoutes.Agents).RequireAuthorization(Roles.AdminPolicy);
        admin.MapGet("", ListAgents).WithName("ListAgents").WithSummary("Every agent with its status and latest snapshot.");
        admin.MapGet("/{id}", GetAgent).WithName("GetAgent").WithSummary("One agent with its latest snapshot.");
        admin.MapDelete("/{id}", RemoveAgentAsync).WithName("RemoveAgent").WithSummary("Remove an agent and revoke its token; its history stays.");
        return app;
    }

    internal static async Task<Results<Ok<RegisterResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request,
        ClaimsPrincipal user,
        HttpContext http,
        FleetRegistry fleet,
        IMonitoringStore store,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        if (!AgentIds.IsValid(request.AgentId))
        {
            return Problems.BadRequest(
                $"'{request.AgentId}' is not a valid agent id: use 1 to {AgentIds.MaxLength} letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (request.IntervalSeconds is <= 0 or > 86_400 || double.IsNaN(request.IntervalSeconds))
        {
            return Problems.BadRequest($"intervalSeconds must be more than 0 and at most 86400; got {request.IntervalSeconds}.");
        }

        if (request.Commands is { Count: > 256 } || request.Commands?.Any(c => !IsCommandName(c.Name) || c.Arguments.Count > 32) == true)
        {
            return Problems.BadRequest("At most 256 commands, each named in snake_case (up to 64 characters) with at most 32 arguments.");
        }

        if (request.Labels is { Count: > 64 } || request.Labels?.Any(kv => kv.Key.Length > 128 || kv.Value.Length > 1024) == true)
        {
            return Problems.BadRequest("At most 64 labels, with keys up to 128 and values up to 1024 characters.");
        }

        var logger = loggers.CreateLogger("Monitoring.Manager.Agents");
        var now = time.GetUtcNow();
        var existing = fleet.Find(request.AgentId);
        string? newToken = null;
        string tokenHash;
        if (user.IsInRole(Roles.Agent))
        {
            if (user.Identity!.Name != request.AgentId)
            {
                return Problems.AgentMismatch(user.Identity.Name!, request.AgentId);
            }

            tokenHash = existing!.TokenHash;
        }
        else
        {
            newToken = Tokens.Generate(Tokens.AgentPrefix);
            tokenHash = Tokens.Hash(newToken);
        }

        var agent = new StoredAgent
        {
            Id = request.AgentId,
            TokenHash = tokenHash,
            Hostname = Trim(request.Hostname, 255),
            Os = Trim(request.Os, 32),
            OsVersion = Trim(request.OsVersion, 255),
            AgentVersion = Trim(request.AgentVersion, 64),
            IntervalSeconds = request.IntervalSeconds,
            Labels = request.Labels,
            RegisteredAt = existing?.RegisteredAt ?? now,
            LastSeen = now,
            LastSeq = existing?.LastSeq ?? 0,
            Address = http.Connection.RemoteIpAddress?.ToString(),
            Commands = request.Commands,
        };
        await store.SaveAgentAsync(agent, ct);
        var lastSeq = await store.GetLastSeqAsync(agent.Id, ct);
        agent = agent with { LastSeq = lastSeq };
        fleet.Upsert(agent);

        if (newToken is null)
        {
            logger.LogInformation("Agent {AgentId} registered again from {Address}", agent.Id, agent.Address);
        }
        else if (existing is null)
        {
            logger.LogInformation("Agent {AgentId} registered from {Address} ({Os}, agent {Version})", agent.Id, agent.Address, agent.Os, agent.AgentVersion);
        }
        else
        {
            logger.LogWarning("Agent {AgentId} enrolled again from {Address}; its previous token is revoked", agent.Id, agent.Address);
        }

        return TypedResults.Ok(new RegisterResponse { AgentId = agent.Id, AgentToken = newToken, LastSeq = lastSeq, ServerTime = now });
    }

    internal static Ok<IReadOnlyList<AgentInfo>> ListAgents(FleetRegistry fleet) => TypedResults.Ok(fleet.List());

    internal static Results<Ok<AgentInfo>, ProblemHttpResult> GetAgent(string id, FleetRegistry fleet) =>
        fleet.Get(id) is { } agent ? TypedResults.Ok(agent) : Problems.AgentNotFound(id);

    internal static async Task<Results<NoContent, ProblemHttpResult>> RemoveAgentAsync(
        string id, FleetRegistry fleet, IMonitoringStore store, ILoggerFactory loggers, CancellationToken ct)
    {
        if (fleet.Find(id) is null)
        {
            return Problems.AgentNotFound(id);
        }

        await store.DeleteAgentAsync(id, ct);
        fleet.Remove(id);
        loggers.CreateLogger("Monitoring.Manager.Agents").LogInformation("Agent {AgentId} removed; its token is revoked", id);
        return TypedResults.NoContent();
    }

    private static bool IsCommandName(string name) =>
        name.Length is > 0 and <= 64 && name[0] is >= 'a' and <= 'z' && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');

    private static string? Trim(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
