using System.Net;
using System.Net.Http.Json;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Apis;

/// <summary>The dashboard's session: a key exchanged for a cookie, CSRF on every change, and an end when signed out or revoked.</summary>
public sealed class SessionApiTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private async Task<(string Cookie, SessionInfo Session, string SetCookie)> SignInAsync(string key)
    {
        using var http = _manager.Http(null);
        using var response = await http.PostAsJsonAsync(ApiRoutes.Session, new SignInRequest { Key = key }, MonitoringJsonContext.Default.SignInRequest);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        var cookie = setCookie.Split(';')[0];
        return (cookie, (await response.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.SessionInfo))!, setCookie);
    }

    private HttpRequestMessage WithCookie(HttpMethod method, string path, string cookie, string? csrf = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", cookie);
        if (csrf is not null)
        {
            request.Headers.Add("X-CSRF-Token", csrf);
        }

        return request;
    }

    [Fact]
    public async Task AReaderKey_SignsIn_ForASecureHttpOnlyStrictCookie_ThatReadsButCannotChangeWithoutItsCsrfToken()
    {
        using var admin = _manager.AdminClient();
        var reader = await admin.CreateApiKeyAsync("viewer", KeyRole.Reader);
        var op = await admin.CreateApiKeyAsync("oncall", KeyRole.Operator);
        await _manager.EnrollAsync("s1");

        var (cookie, session, setCookie) = await SignInAsync(reader.Token!);

        Assert.Equal(("viewer", KeyRole.Reader), (session.Name, session.Role));
        foreach (var flag in new[] { "secure", "httponly", "samesite=strict", "path=/", "expires=" })
        {
            Assert.Contains(flag, setCookie, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain(reader.Token!, setCookie, StringComparison.Ordinal);
        Assert.InRange(session.ExpiresAt, DateTimeOffset.UtcNow.AddHours(11), DateTimeOffset.UtcNow.AddHours(13));
        using var http = _manager.Http(null);
        using (var fleet = await http.SendAsync(WithCookie(HttpMethod.Get, ApiRoutes.Fleet, cookie)))
        {
            Assert.Equal(HttpStatusCode.OK, fleet.StatusCode);
            Assert.Equal("s1", Assert.Single((await fleet.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.ListAgentSummary))!).Id);
        }

        // An operator's session may acknowledge, but only with its token.
        var (opCookie, opSession, _) = await SignInAsync(op.Token!);
        using (var noToken = await http.SendAsync(WithCookie(HttpMethod.Post, ApiRoutes.Alerts + "/1/acknowledge", opCookie)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
            Assert.Contains("X-CSRF-Token", await noToken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var wrongToken = await http.SendAsync(WithCookie(HttpMethod.Post, ApiRoutes.Alerts + "/1/acknowledge", opCookie, session.CsrfToken)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, wrongToken.StatusCode);
        }

        using (var withToken = await http.SendAsync(WithCookie(HttpMethod.Post, ApiRoutes.Alerts + "/1/acknowledge", opCookie, opSession.CsrfToken)))
        {
            Assert.Equal(HttpStatusCode.NotFound, withToken.StatusCode);
        }

        // The reader's session is a reader: its token does not make it an operator.
        using (var readerChange = await http.SendAsync(WithCookie(HttpMethod.Post, ApiRoutes.Alerts + "/1/acknowledge", cookie, session.CsrfToken)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, readerChange.StatusCode);
        }
    }

    [Fact]
    public async Task SigningOut_OrRevokingTheKey_EndsTheSession()
    {
        using var admin = _manager.AdminClient();
        var key = await admin.CreateApiKeyAsync("laptop", KeyRole.Reader);
        using var http = _manager.Http(null);

        var (cookie, session, _) = await SignInAsync(key.Token!);
        using (var signOut = await http.SendAsync(WithCookie(HttpMethod.Delete, ApiRoutes.Session, cookie, session.CsrfToken)))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
            Assert.Contains("mon_session=;", Assert.Single(signOut.Headers.GetValues("Set-Cookie")), StringComparison.Ordinal);
        }

        using (var after = await http.SendAsync(WithCookie(HttpMethod.Get, ApiRoutes.Fleet, cookie)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        var (second, _, _) = await SignInAsync(key.Token!);
        await admin.RevokeApiKeyAsync(key.Id);
        using (var revoked = await http.SendAsync(WithCookie(HttpMethod.Get, ApiRoutes.Session, second)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        }
    }

    [Fact]
    public async Task OnlyAdminKeys_SignIn()
    {
        var (_, agentToken) = await _manager.EnrollAsync("s2");
        using var http = _manager.Http(null);
        foreach (var (key, expected) in new[]
        {
            (agentToken, HttpStatusCode.Unauthorized), (_manager.EnrollmentToken, HttpStatusCode.Unauthorized),
            ("mon_adm_not-a-key", HttpStatusCode.Unauthorized), ("", HttpStatusCode.BadRequest),
        })
        {
            using var response = await http.PostAsJsonAsync(ApiRoutes.Session, new SignInRequest { Key = key }, MonitoringJsonContext.Default.SignInRequest);
            Assert.Equal(expected, response.StatusCode);
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }
    }

    [Fact]
    public async Task TheDashboard_IsServedWithAStrictContentSecurityPolicy()
    {
        using var http = _manager.Http(null);
        using var page = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<script src=\"app.js\" type=\"module\"></script>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var csp = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/vendor/uPlot.iife.min.js")).StatusCode);
    }
}
