using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Manager.Security;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>
/// The dashboard's sign-in: a key (reader or higher) posted once is exchanged for a session cookie (Secure, HttpOnly,
/// SameSite=Strict, with an expiry); the key never travels again, and never in a URL.
/// </summary>
internal static class SessionApi
{
    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ApiRoutes.Session, SignIn)
            .AllowAnonymous()
            .WithName("SignIn")
            .WithSummary("Sign in to the dashboard with an admin key (reader or higher): answers the session and sets its cookie.");
        app.MapGet(ApiRoutes.Session, GetSession)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("GetSession")
            .WithSummary("The dashboard session of this cookie: who, which role, until when, and its CSRF token.");
        app.MapDelete(ApiRoutes.Session, SignOut)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("SignOut")
            .WithSummary("Sign out: ends the session of this cookie and clears it.");
        return app;
    }

    internal static Results<Ok<SessionInfo>, ProblemHttpResult> SignIn(
        SignInRequest request, HttpContext http, CredentialService credentials, DashboardSessions sessions, AuthFailureLog failures)
    {
        if (string.IsNullOrWhiteSpace(request.Key))
        {
            return Problems.BadRequest("Send the admin key to sign in with: {\"key\": \"mon_adm_…\"}.");
        }

        if (credentials.FindKey(request.Key.Trim()) is not { } key)
        {
            failures.Record(http.Connection.RemoteIpAddress?.ToString());
            return Problems.Create(
                StatusCodes.Status401Unauthorized,
                ErrorCodes.Unauthorized,
                "That is not a usable admin key: it is wrong, expired or revoked, or it is an agent or enrollment token. Sign in with a key from admin.json or one made with New-MonApiKey.");
        }

        // Signing in again replaces the session this browser had: the old cookie stops working.
        if (http.Request.Cookies.TryGetValue(DashboardSessions.CookieName, out var previous) && !string.IsNullOrEmpty(previous))
        {
            sessions.Remove(previous);
        }

        var (cookie, session) = sessions.Create(key);
        http.Response.Cookies.Append(DashboardSessions.CookieName, cookie, new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            Expires = session.ExpiresAt,
            IsEssential = true,
        });
        return TypedResults.Ok(Info(session));
    }

    internal static Results<Ok<SessionInfo>, ProblemHttpResult> GetSession(HttpContext http, DashboardSessions sessions) =>
        http.Request.Cookies.TryGetValue(DashboardSessions.CookieName, out var cookie) && sessions.Find(cookie ?? "") is { } session
            ? TypedResults.Ok(Info(session))
            : NoSession();

    internal static Results<NoContent, ProblemHttpResult> SignOut(HttpContext http, DashboardSessions sessions)
    {
        if (!http.Request.Cookies.TryGetValue(DashboardSessions.CookieName, out var cookie) || sessions.Find(cookie ?? "") is null)
        {
            return NoSession();
        }

        sessions.Remove(cookie!);
        http.Response.Cookies.Delete(DashboardSessions.CookieName, new CookieOptions { HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/" });
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NoSession() =>
        Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "This request carries no dashboard session (a bearer key has none): sign in with POST " + ApiRoutes.Session + ".");

    private static SessionInfo Info(DashboardSession session) =>
        new() { Name = session.Name, Role = session.Role, ExpiresAt = session.ExpiresAt, CsrfToken = session.CsrfToken };
}
