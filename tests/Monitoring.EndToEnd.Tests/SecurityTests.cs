using System.Net;
using System.Text;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

/// <summary>What a hostile client can do to the manager's log, checked on the real process's output.</summary>
public sealed class SecurityTests : IDisposable
{
    private readonly Fleet _fleet = new();

    public void Dispose() => _fleet.Dispose();

    [Fact]
    public async Task ControlCharactersFromAnAgent_AreEscapedInTheLog_AndBadTokensAreSummarisedNotLoggedOneByOne()
    {
        var manager = await _fleet.StartManagerAsync();
        using (var enroll = _fleet.Http(File.ReadAllText(Path.Combine(_fleet.DataDir, "enrollment.token")).Trim()))
        {
            const string body = """{"agentId":"inj1","os":"linux","agentVersion":"1.0\r\nfail: Monitoring.Manager[0] forged line\u001b[2J","intervalSeconds":10}""";
            var response = await enroll.PostAsync(ApiRoutes.Register, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await manager.WaitForOutputAsync("Agent inj1 enrolled", TimeSpan.FromSeconds(10));
        var linesBefore = manager.Output.Split('\n').Length;
        using (var attacker = _fleet.Http("mon_adm_guessing"))
        {
            for (var i = 0; i < 100; i++)
            {
                var status = (await attacker.GetAsync(ApiRoutes.Agents)).StatusCode;
                Assert.True(status is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"got {status}");
            }
        }

        await manager.StopAsync(TimeSpan.FromSeconds(60));

        var output = manager.Output;
        Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("fail: Monitoring.Manager[0] forged", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains(@"1.0\r\nfail: Monitoring.Manager[0] forged line\u001b[2J", output, StringComparison.Ordinal);
        var summary = Assert.Single(output.Split('\n'), line => line.Contains("request(s) with a wrong, expired or revoked token", StringComparison.Ordinal));
        Assert.Contains("100 request(s)", summary, StringComparison.Ordinal);
        Assert.True(output.Split('\n').Length - linesBefore < 20, "bad tokens were logged one by one");
    }
}
