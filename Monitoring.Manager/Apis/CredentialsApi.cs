using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Manager.Security;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Admin keys and enrollment tokens: create (the token is shown once), list and revoke. Admin keys only.</summary>
internal static class CredentialsApi
{
    public static IEndpointRouteBuilder MapCredentialsApi(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup(ApiRoutes.Keys).RequireAuthorization(Roles.AdminPolicy);
        keys.MapGet("", (CredentialService credentials) => TypedResults.Ok(credentials.ListKeys()))
            .WithName("ListKeys").WithSummary("Every admin key with its role; tokens are never listed.");
        keys.MapPost("", CreateKeyAsync).WithName("CreateKey").WithSummary("Create a named admin key with a role; the answer holds its token, shown only once.");
        keys.MapDelete("/{keyId}", RevokeKeyAsync).WithName("RevokeKey").WithSummary("Revoke an admin key; it stops working at once.");

        var tokens = app.MapGroup(ApiRoutes.EnrollmentTokens).RequireAuthorization(Roles.AdminPolicy);
        tokens.MapGet("", (CredentialService credentials) => TypedResults.Ok(credentials.ListEnrollmentTokens()))
            .WithName("ListEnrollmentTokens").WithSummary("Every enrollment token with its limits and uses; tokens are never listed.");
        tokens.MapPost("", CreateEnrollmentTokenAsync)
            .WithName("CreateEnrollmentToken").WithSummary("Create an enrollment token with an optional expiry, maximum uses, id pattern, labels and approval; shown only once.");
        tokens.MapDelete("/{tokenId}", RevokeEnrollmentTokenAsync).WithName("RevokeEnrollmentToken").WithSummary("Revoke an enrollment token; agents enrolled with it keep their own tokens.");
        return app;
    }

    internal static async Task<Results<Created<ApiKeyInfo>, ProblemHttpResult>> CreateKeyAsync(
        CreateApiKeyRequest request, ClaimsPrincipal user, CredentialService credentials, TimeProvider time, CancellationToken ct)
    {
        if ((CheckName(request.Name) ?? CheckExpiry(request.ExpiresAt, time)) is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }

        if (!Enum.IsDefined(request.Role))
        {
            return Problems.BadRequest("role is reader, operator or admin.");
        }

        var created = await credentials.CreateKeyAsync(request, user.Who(), ct);
        return created is null
            ? Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.CredentialExists, $"A key named '{request.Name}' exists already (names stay taken after a key is revoked, so audit records stay unambiguous). Choose another name.")
            : TypedResults.Created(ApiRoutes.ForKey(created.Id), created);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(
        string keyId, ClaimsPrincipal user, CredentialService credentials, CancellationToken ct) =>
        await credentials.RevokeAsync(CredentialKind.Key, keyId, user.Who(), ct)
            ? TypedResults.NoContent()
            : Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.CredentialNotFound, $"No admin key '{keyId}'. List keys with GET {ApiRoutes.Keys} (Get-MonApiKey).");

    internal static async Task<Results<Created<EnrollmentTokenInfo>, ProblemHttpResult>> CreateEnrollmentTokenAsync(
        CreateEnrollmentTokenRequest request, ClaimsPrincipal user, CredentialService credentials, TimeProvider time, CancellationToken ct)
    {
        var invalid = CheckName(request.Name)
            ?? CheckExpiry(request.ExpiresAt, time)
            ?? (request.MaxUses is < 1 or > 1_000_000 ? $"maxUses must be from 1 to 1000000; got {request.MaxUses}." : null)
            ?? (request.AgentIdPattern is { } p && (p.Length is 0 or > 128 || p.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '*' or '?')))
                ? "agentIdPattern is 1 to 128 letters, digits, '.', '_', '-' and the wildcards '*' and '?'."
                : null)
            ?? RequestLimits.CheckLabels(request.Labels);
        if (invalid is not null)
        {
            return Problems.BadRequest(invalid);
        }

        var created = await credentials.CreateEnrollmentTokenAsync(request, user.Who(), ct);
        return TypedResults.Created(ApiRoutes.ForEnrollmentToken(created.Id), created);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeEnrollmentTokenAsync(
        string tokenId, ClaimsPrincipal user, CredentialService credentials, CancellationToken ct) =>
        await credentials.RevokeAsync(CredentialKind.Enrollment, tokenId, user.Who(), ct)
            ? TypedResults.NoContent()
            : Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.CredentialNotFound, $"No enrollment token '{tokenId}'. List them with GET {ApiRoutes.EnrollmentTokens} (Get-MonEnrollmentToken).");

    private static string? CheckName(string? name) =>
        name is { Length: > 0 and <= CredentialService.MaxNameLength } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            ? null
            : $"name is 1 to {CredentialService.MaxNameLength} letters, digits, '.', '_' or '-'.";

    private static string? CheckExpiry(DateTimeOffset? expiresAt, TimeProvider time) =>
        expiresAt is { } e && e <= time.GetUtcNow() ? $"expiresAt ({e:O}) is in the past; give a future time or none." : null;
}
