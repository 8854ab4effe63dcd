using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Monitoring.Manager.Fleet;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Security;

/// <summary>Authenticates <c>Authorization: Bearer</c> tokens by hash: an admin key, an enrollment token or one agent's token.</summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    CredentialService credentials,
    FleetRegistry fleet,
    DashboardSessions sessions,
    AuthFailureLog failures,
    IServiceProvider services) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    /// <summary>Marks a principal that came from a dashboard session cookie; its value is the session's CSRF token.</summary>
    public const string SessionCsrfClaim = "mon:csrf";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Request.Cookies.TryGetValue(DashboardSessions.CookieName, out var cookie) && !string.IsNullOrEmpty(cookie)
                ? FromSession(cookie)
                : Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("Use 'Authorization: Bearer <token>'.");
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 512)
        {
            return Fail("The bearer token is empty or too long.");
        }

        var hash = Tokens.Hash(token);
        ClaimsPrincipal principal;
        if (credentials.Find(hash) is { } credential)
        {
            principal = new ClaimsPrincipal(new ClaimsIdentity(CredentialClaims(credential), SchemeName));
        }
        else if (fleet.AgentPrincipal(hash, AgentPrincipal) is { } agent)
        {
            principal = agent;
        }
        else if (services.GetService<Cluster.ClusterSync>() is { } cluster)
        {
            return LearnAgentAsync(cluster, hash);
        }
        else
        {
            return Fail("Unknown, expired or revoked token.");
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>
    /// A token none of this manager's agents holds, with other managers sharing the store: the agent may have
    /// enrolled on one of them a moment ago, before its signal arrived here, so the store is asked once.
    /// </summary>
    private async Task<AuthenticateResult> LearnAgentAsync(Cluster.ClusterSync cluster, string hash)
    {
        if (await cluster.LearnAgentAsync(hash, Context.RequestAborted) && fleet.AgentPrincipal(hash, AgentPrincipal) is { } agent)
        {
            return AuthenticateResult.Success(new AuthenticationTicket(agent, SchemeName));
        }

        return await Fail("Unknown, expired or revoked token.");
    }

    /// <summary>
    /// A dashboard session's cookie: the principal of the key it signed in with, while that key stays usable, marked
    /// with the session's CSRF token (checked on every change by <see cref="CsrfProtection"/>).
    /// </summary>
    private Task<AuthenticateResult> FromSession(string cookie)
    {
        if (sessions.Find(cookie) is not { } session)
        {
            return Fail("The dashboard session has ended (signed out, expired, or the manager restarted): sign in again.");
        }

        if (credentials.Get(session.CredentialId) is not { } key || credentials.Find(key.TokenHash) is null)
        {
            sessions.Remove(cookie);
            return Fail("The key this dashboard session signed in with was revoked or has expired: sign in with another key.");
        }

        var claims = CredentialClaims(key);
        claims.Add(new Claim(SessionCsrfClaim, session.CsrfToken));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    private static List<Claim> CredentialClaims(StoredCredential credential)
    {
        List<Claim> claims = [new Claim(ClaimTypes.Name, credential.Name)];
        if (credential.Kind == CredentialKind.Enrollment)
        {
            claims.Add(new Claim(ClaimTypes.Role, Roles.Enrollment));
            claims.Add(new Claim(Roles.CredentialIdClaim, "enrollment:" + credential.Id));
            return claims;
        }

        claims.Add(new Claim(Roles.CredentialIdClaim, "key:" + credential.Id));
        claims.Add(new Claim(ClaimTypes.Role, Roles.Reader));
        if (credential.Role >= KeyRole.Operator)
        {
            claims.Add(new Claim(ClaimTypes.Role, Roles.Operator));
        }

        if (credential.Role >= KeyRole.Admin)
        {
            claims.Add(new Claim(ClaimTypes.Role, Roles.Admin));
        }

        return claims;
    }

    /// <summary>An agent's principal: built once per change of its record and shared by its requests (nothing changes a principal once built).</summary>
    private static ClaimsPrincipal AgentPrincipal(StoredAgent agent)
    {
        List<Claim> claims = [new Claim(ClaimTypes.Role, Roles.Agent), new Claim(ClaimTypes.Name, agent.Id), new Claim(Roles.CredentialIdClaim, "agent:" + agent.Id)];
        if (agent.Enrollment == AgentEnrollment.Pending)
        {
            claims.Add(new Claim(Roles.PendingClaim, "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
    }

    private Task<AuthenticateResult> Fail(string reason)
    {
        failures.Record(Context.Connection.RemoteIpAddress?.ToString());
        return Task.FromResult(AuthenticateResult.Fail(reason));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var hasHeader = !string.IsNullOrEmpty(Request.Headers.Authorization);
        return Problems.WriteAsync(
            Context,
            StatusCodes.Status401Unauthorized,
            ErrorCodes.Unauthorized,
            hasHeader
                ? "The bearer token is not valid: it is wrong, expired or has been revoked. Admins find the first key in admin.json in the manager's data directory; an agent whose token was revoked rejoins after an admin runs Reset-MonAgent."
                : "This endpoint needs 'Authorization: Bearer <token>'. Admins find the first key in admin.json in the manager's data directory.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var user = Context.User;
        var (code, detail) = true switch
        {
            _ when user.IsPendingAgent() => (ErrorCodes.AgentPending,
                $"Agent '{user.Who()}' is waiting for approval: an admin runs 'Approve-MonAgent -Agent {user.Who()}' (POST {ApiRoutes.ForAgentApprove(user.Who())}). It may register meanwhile; its reports wait in its spool."),
            _ when user.IsInRole(Roles.Agent) || user.IsInRole(Roles.Enrollment) => (ErrorCodes.Forbidden,
                "This endpoint is for admin keys; agent and enrollment tokens cannot call it. Use a key from admin.json or New-MonApiKey."),
            _ when user.IsInRole(Roles.Reader) => (ErrorCodes.Forbidden,
                $"Key '{user.Who()}' ({RoleOf(user)}) may not call this endpoint: reading needs reader, commands, file pushes and acknowledgements need operator, and credentials, agents, thresholds and silences need admin; agent routes take agent tokens only."),
            _ => (ErrorCodes.Forbidden, "This credential is not allowed to call this endpoint."),
        };
        return Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, code, detail);
    }

    private static string RoleOf(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Admin) ? Roles.Admin : user.IsInRole(Roles.Operator) ? Roles.Operator : Roles.Reader;
}
