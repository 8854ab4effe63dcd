using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Internal;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;
using Monitoring.Protocol;

namespace Monitoring.Manager.Fleet;

/// <summary>
/// Who may join the fleet as which id: enrollment with a token (refused for an id that holds an active token),
/// re-registration with the agent's own token, approval, reset and removal. One change at a time, so two
/// enrollments of one id cannot both win.
/// </summary>
internal sealed partial class EnrollmentService(
    FleetRegistry fleet,
    IAgentStore store,
    IHistoryStore history,
    CredentialService credentials,
    ManagerOptions options,
    Cluster.IClusterSignals cluster,
    IServiceProvider services,
    TimeProvider time,
    ILogger<EnrollmentService> logger)
{
    /// <summary>Ids no agent may take: they name the manager's own credentials in logs and audit records.</summary>
    private static readonly string[] ReservedIds = ["admin", "manager", "enrollment", "system", "anonymous"];

    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<(RegisterResponse? Response, ProblemHttpResult? Problem)> RegisterAsync(
        RegisterRequest request, ClaimsPrincipal user, string? address, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return user.AgentId() is { } agentId
                ? await RefreshAsync(request, agentId, address, ct)
                : await EnrollAsync(request, user, address, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(RegisterResponse?, ProblemHttpResult?)> RefreshAsync(RegisterRequest request, string agentId, string? address, CancellationToken ct)
    {
        if (agentId != request.AgentId)
        {
            return (null, Problems.AgentMismatch(agentId, request.AgentId));
        }

        var existing = fleet.Find(agentId)!;
        var stamped = existing.EnrolledWith is { } tokenId ? credentials.Get(tokenId)?.Labels : null;
        var agent = Describe(existing, request, address) with { Labels = Stamp(request.Labels, stamped) };
        await SaveAsync(agent, ct);
        LogRegisteredAgain(logger, agent.Id, address);
        return (await ResponseAsync(agent, null, ct), null);
    }

    private async Task<(RegisterResponse?, ProblemHttpResult?)> EnrollAsync(RegisterRequest request, ClaimsPrincipal user, string? address, CancellationToken ct)
    {
        var tokenId = user.CredentialId() is { } cid && cid.StartsWith("enrollment:", StringComparison.Ordinal) ? cid["enrollment:".Length..] : null;
        var token = tokenId is null ? null : credentials.Get(tokenId);
        if (token is null || !token.IsUsable(time.GetUtcNow()))
        {
            return (null, Refused("The enrollment token was revoked or expired just now. Ask an admin for a new one (New-MonEnrollmentToken)."));
        }

        if (ReservedIds.Contains(request.AgentId, StringComparer.OrdinalIgnoreCase) || credentials.IsKeyName(request.AgentId))
        {
            return (null, Problems.BadRequest($"'{request.AgentId}' is reserved: it names one of the manager's own credentials. Give the agent another id (--agent-id)."));
        }

        if (!Wildcard.IsMatch(request.AgentId, token.AgentIdPattern))
        {
            return (null, Refused($"Enrollment token '{token.Name}' only enrolls agent ids matching '{token.AgentIdPattern}', and '{request.AgentId}' does not. Use a matching --agent-id or another token."));
        }

        if (fleet.Find(request.AgentId) is null && services.GetService<Cluster.ClusterSync>() is { } shared)
        {
            // Enrolled through another manager a moment ago? The store says, so a second enrollment cannot take it over.
            await shared.RefreshAgentAsync(request.AgentId, ct);
        }

        var existing = fleet.Find(request.AgentId);
        var keyHash = request.InstanceKey is { Length: > 0 } key ? Tokens.Hash(key) : null;
        var sameInstallation = existing is { InstanceKeyHash: { } known } && keyHash is not null && Tokens.HashEquals(known, keyHash);
        if (existing is not null && existing.Enrollment != AgentEnrollment.Reset && !sameInstallation)
        {
            LogTakeoverRefused(logger, request.AgentId, address);
            return (null, Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.AgentExists,
                $"Agent '{request.AgentId}' is already enrolled and holds an active token, so it cannot enroll again. If this is the same machine " +
                $"re-installed, an admin runs 'Reset-MonAgent -Agent {request.AgentId}' (POST {ApiRoutes.ForAgentReset(request.AgentId)}) to let it enroll once more; " +
                "otherwise give this agent another id."));
        }

        if (existing is null && fleet.Count >= options.MaxAgents)
        {
            return (null, Problems.Create(StatusCodes.Status507InsufficientStorage, ErrorCodes.QuotaExceeded,
                $"The manager holds its maximum of {options.MaxAgents} agents (maxAgents). Remove agents that are gone (Remove-MonAgent) or raise maxAgents."));
        }

        if (!await credentials.TryUseEnrollmentAsync(token, ct))
        {
            return (null, Refused($"Enrollment token '{token.Name}' has enrolled its maximum of {token.MaxUses} agent(s). Ask an admin for a new one (New-MonEnrollmentToken)."));
        }

        var agentToken = Tokens.Generate(Tokens.AgentPrefix);
        var now = time.GetUtcNow();
        var agent = Describe(existing, request, address) with
        {
            TokenHash = Tokens.Hash(agentToken),
            Labels = Stamp(request.Labels, token.Labels),
            RegisteredAt = existing?.RegisteredAt ?? now,
            // The same installation retrying keeps the standing it had; a new or reset one gets the token's.
            Enrollment = sameInstallation && existing!.Enrollment == AgentEnrollment.Active ? AgentEnrollment.Active
                : token.RequireApproval ? AgentEnrollment.Pending : AgentEnrollment.Active,
            EnrolledWith = token.Id,
            InstanceKeyHash = keyHash,
        };
        await SaveAsync(agent, ct);
        if (existing is null)
        {
            LogEnrolled(logger, agent.Id, address, agent.Os, agent.AgentVersion, token.Name);
        }
        else
        {
            LogEnrolledAfterReset(logger, agent.Id, address, token.Name);
        }

        if (agent.Enrollment == AgentEnrollment.Pending)
        {
            LogPending(logger, agent.Id);
        }

        return (await ResponseAsync(agent, agentToken, ct), null);
    }

    public async Task<(AgentInfo? Agent, ProblemHttpResult? Problem)> ApproveAsync(string id, string by, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (fleet.Find(id) is not { } agent)
            {
                return (null, Problems.AgentNotFound(id));
            }

            if (agent.Enrollment == AgentEnrollment.Reset)
            {
                return (null, Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.InvalidRequest,
                    $"Agent '{id}' was reset and holds no token; it must enroll again before it can be approved."));
            }

            if (agent.Enrollment == AgentEnrollment.Pending)
            {
                await SaveAsync(agent with { Enrollment = AgentEnrollment.Active }, ct);
                LogApproved(logger, id, by);
            }

            return (fleet.Get(id), null);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<(AgentInfo? Agent, ProblemHttpResult? Problem)> ResetAsync(string id, string by, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (fleet.Find(id) is not { } agent)
            {
                return (null, Problems.AgentNotFound(id));
            }

            // Nobody knows the token behind this hash: the old token stops working at once.
            await SaveAsync(agent with { Enrollment = AgentEnrollment.Reset, TokenHash = Tokens.Hash(Tokens.Generate("revoked_")) }, ct);
            LogReset(logger, id, by);
            return (fleet.Get(id), null);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<bool> RemoveAsync(string id, string by, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (fleet.Find(id) is null)
            {
                return false;
            }

            await store.DeleteAgentAsync(id, ct);
            fleet.Remove(id);
            cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.AgentRemoved, id));
            LogRemoved(logger, id, by);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private StoredAgent Describe(StoredAgent? existing, RegisterRequest request, string? address) => (existing ?? new StoredAgent()) with
    {
        Id = request.AgentId,
        Hostname = request.Hostname,
        Os = request.Os,
        OsVersion = request.OsVersion,
        AgentVersion = request.AgentVersion,
        IntervalSeconds = request.IntervalSeconds,
        Labels = request.Labels,
        LastSeen = time.GetUtcNow(),
        Address = address,
        Commands = request.Commands,
    };

    private async Task SaveAsync(StoredAgent agent, CancellationToken ct)
    {
        await store.SaveAgentAsync(agent, ct);
        fleet.Upsert(agent with { LastSeq = await history.GetLastSeqAsync(agent.Id, ct) });
        cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.AgentChanged, agent.Id));
    }

    private async Task<RegisterResponse> ResponseAsync(StoredAgent agent, string? token, CancellationToken ct) => new()
    {
        AgentId = agent.Id,
        AgentToken = token,
        LastSeq = await history.GetLastSeqAsync(agent.Id, ct),
        Enrollment = agent.Enrollment,
        ServerTime = time.GetUtcNow(),
    };

    /// <summary>The agent's labels with the enrollment token's stamped over them.</summary>
    private static IReadOnlyDictionary<string, string>? Stamp(IReadOnlyDictionary<string, string>? own, IReadOnlyDictionary<string, string>? stamped)
    {
        if (stamped is not { Count: > 0 })
        {
            return own;
        }

        var merged = new Dictionary<string, string>(own ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in stamped)
        {
            merged[key] = value;
        }

        return merged;
    }

    private static ProblemHttpResult Refused(string detail) => Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.EnrollmentRefused, detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} registered again from {Address}")]
    private static partial void LogRegisteredAgain(ILogger logger, string agentId, string? address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} enrolled from {Address} ({Os}, agent {Version}) with enrollment token {Token}")]
    private static partial void LogEnrolled(ILogger logger, string agentId, string? address, string? os, string? version, string token);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} enrolled again after a reset, from {Address} with enrollment token {Token}")]
    private static partial void LogEnrolledAfterReset(ILogger logger, string agentId, string? address, string token);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} waits for approval: run 'Approve-MonAgent -Agent {AgentId}' to let it report")]
    private static partial void LogPending(ILogger logger, string agentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused an enrollment as {AgentId} from {Address}: that id holds an active token (reset it to let it enroll again)")]
    private static partial void LogTakeoverRefused(ILogger logger, string agentId, string? address);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} approved by {By}")]
    private static partial void LogApproved(ILogger logger, string agentId, string by);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} reset by {By}: its token is revoked and it may enroll once more")]
    private static partial void LogReset(ILogger logger, string agentId, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} removed by {By}; its token is revoked")]
    private static partial void LogRemoved(ILogger logger, string agentId, string by);
}
