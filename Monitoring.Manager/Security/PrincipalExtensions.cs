using System.Security.Claims;

namespace Monitoring.Manager.Security;

/// <summary>Reads who a request speaks for, by role and credential id rather than by display name.</summary>
internal static class PrincipalExtensions
{
    /// <summary>The agent id when the caller is an agent token; null for every other credential.</summary>
    public static string? AgentId(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Agent) ? user.Identity?.Name : null;

    /// <summary>The name recorded beside what the caller does: the key's name, the agent's id or the enrollment token's name.</summary>
    public static string Who(this ClaimsPrincipal user) => user.Identity?.Name ?? "?";

    /// <summary>The caller's credential id (<c>key:ID</c>, <c>agent:ID</c>, <c>enrollment:ID</c>).</summary>
    public static string? CredentialId(this ClaimsPrincipal user) => user.FindFirst(Roles.CredentialIdClaim)?.Value;

    /// <summary>True for an agent still waiting for an admin's approval.</summary>
    public static bool IsPendingAgent(this ClaimsPrincipal user) => user.HasClaim(c => c.Type == Roles.PendingClaim);
}
