using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Monitoring.Manager.Fleet;
using Monitoring.Protocol;

namespace Monitoring.Manager.Security;

/// <summary>Authenticates <c>Authorization: Bearer</c> tokens by hash: admin, enrollment or one agent's token.</summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ManagerSecrets secrets,
    FleetRegistry fleet) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail("Use 'Authorization: Bearer <token>'."));
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 512)
        {
            return Task.FromResult(AuthenticateResult.Fail("The bearer token is empty or too long."));
        }

        var hash = Tokens.Hash(token);
        Claim[] claims;
        if (Tokens.HashEquals(hash, secrets.AdminTokenHash))
        {
            claims = [new Claim(ClaimTypes.Role, Roles.Admin), new Claim(ClaimTypes.Name, "admin")];
        }
        else if (Tokens.HashEquals(hash, secrets.EnrollmentTokenHash))
        {
            claims = [new Claim(ClaimTypes.Role, Roles.Enrollment), new Claim(ClaimTypes.Name, "enrollment")];
        }
        else if (fleet.FindByTokenHash(hash) is { } agentId)
        {
            claims = [new Claim(ClaimTypes.Role, Roles.Agent), new Claim(ClaimTypes.Name, agentId)];
        }
        else
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown or revoked token."));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
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
                ? "The bearer token is not valid: it is wrong or has been revoked. Admins find theirs in admin.json in the manager's data directory."
                : "This endpoint needs 'Authorization: Bearer <token>'. Admins find their token in admin.json in the manager's data directory.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(
            Context,
            StatusCodes.Status403Forbidden,
            ErrorCodes.Forbidden,
            Context.User.IsInRole(Roles.Agent) || Context.User.IsInRole(Roles.Enrollment)
                ? "This endpoint is for admins; agent and enrollment tokens cannot call it. Use the admin token from admin.json."
                : "This credential is not allowed to call this endpoint.");
}
