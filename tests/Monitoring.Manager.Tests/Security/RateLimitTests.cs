using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Security;

public sealed class RateLimitTests
{
    /// <summary>An HTTP client whose connections come from another loopback address, as another machine's would.</summary>
    private static HttpClient From(string address, Uri baseAddress, string? token)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var http = new HttpClient(handler) { BaseAddress = baseAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return http;
    }

    [Fact]
    public async Task AFloodOfBadTokens_Is429ForThatAddress_WhileValidAgentsKeepReporting()
    {
        await using var manager = await TestManager.StartAsync("--rateLimits:failedAuthPerMinutePerAddress", "20");
        var (agent, _) = await manager.EnrollAsync("a1");
        using var attacker = From("127.0.0.2", manager.Url, "mon_adm_guess");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            statuses.Add((await attacker.GetAsync(ApiRoutes.Agents)).StatusCode);
        }

        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        var limited = await attacker.GetAsync(ApiRoutes.Agents);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(ErrorCodes.RateLimited, JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        for (var seq = 1; seq <= 30; seq++)
        {
            Assert.Equal(1, (await agent.ReportAsync("a1", [TestManager.Snapshot(seq)])).Accepted);
        }
    }

    [Fact]
    public async Task EachCredential_HasItsOwnBudget()
    {
        await using var manager = await TestManager.StartAsync("--rateLimits:requestsPerSecondPerCredential", "1");
        using var admin = manager.AdminClient();
        var other = await admin.CreateApiKeyAsync("other", KeyRole.Reader);
        using var busy = manager.Http(manager.Admin.Token);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add((await busy.GetAsync(ApiRoutes.Agents)).StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        using var calm = manager.Http(other.Token);
        Assert.Equal(HttpStatusCode.OK, (await calm.GetAsync(ApiRoutes.Agents)).StatusCode);
    }

    [Fact]
    public async Task Enrollment_IsLimitedPerAddress()
    {
        await using var manager = await TestManager.StartAsync("--rateLimits:enrollmentsPerMinutePerAddress", "3");
        using var connection = manager.AgentConnection();

        for (var i = 0; i < 3; i++)
        {
            await connection.RegisterAsync(new RegisterRequest { AgentId = "e" + i, IntervalSeconds = 10 }, manager.EnrollmentToken);
        }

        var ex = await Assert.ThrowsAsync<MonitoringApiException>(() =>
            connection.RegisterAsync(new RegisterRequest { AgentId = "e9", IntervalSeconds = 10 }, manager.EnrollmentToken));
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(ErrorCodes.RateLimited, ex.Code);
        Assert.True(ex.RetryAfter > TimeSpan.Zero, "the SDK exposes the manager's Retry-After, which the agent honours");
    }
}
