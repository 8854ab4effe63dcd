using Monitoring.Protocol;

namespace Monitoring.Manager.Security;

/// <summary>
/// Every change made with a dashboard session (anything but GET, HEAD and OPTIONS) must carry the session's CSRF
/// token in <see cref="DashboardSessions.CsrfHeader"/>: a page elsewhere can make the browser send the cookie (were
/// SameSite ever bypassed) but cannot read the token. Bearer credentials are not cookies and need no token.
/// </summary>
internal static class CsrfProtection
{
    public static IApplicationBuilder UseDashboardCsrf(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var method = context.Request.Method;
        // Signing in again over a live session carries a key, which is what the token stands for.
        var signIn = HttpMethods.IsPost(method) && context.Request.Path.Equals(ApiRoutes.Session, StringComparison.OrdinalIgnoreCase);
        if (!signIn && !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method)
            && context.User.FindFirst(TokenAuthenticationHandler.SessionCsrfClaim) is { } expected
            && !(context.Request.Headers[DashboardSessions.CsrfHeader] is [{ } sent] && Tokens.HashEquals(sent, expected.Value)))
        {
            await Problems.WriteAsync(
                context,
                StatusCodes.Status403Forbidden,
                ErrorCodes.Forbidden,
                $"This change came with the dashboard's session cookie but without its CSRF token (the {DashboardSessions.CsrfHeader} header): reload the dashboard and try again.");
            return;
        }

        await next(context);
    });
}
