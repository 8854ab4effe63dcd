using System.Net;
using System.Text;
using Monitoring.Protocol;
using static Monitoring.Manager.Tests.Security.EndpointTable;

namespace Monitoring.Manager.Tests.Security;

/// <summary>
/// Every route of the running manager, called without credentials and with each kind of credential: only the
/// callers the endpoint table documents get past authorization, and a route missing from the table fails the test.
/// </summary>
public sealed class RouteAccessTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact]
    public void EveryMappedRoute_IsInTheEndpointTable()
    {
        var missing = Routes(_manager.Services).Select(r => r.Name).Where(n => !Expected.ContainsKey(n)).Distinct().ToList();

        Assert.True(missing.Count == 0, "Routes without a documented access rule: " + string.Join(", ", missing));
        Assert.Empty(Expected.Keys.Except(Routes(_manager.Services).Select(r => r.Name)));
    }

    [Fact]
    public async Task EachRoute_AnswersOnlyTheCallersItDocuments()
    {
        using var admin = _manager.AdminClient();
        var reader = await admin.CreateApiKeyAsync("matrix-reader", KeyRole.Reader);
        var op = await admin.CreateApiKeyAsync("matrix-operator", KeyRole.Operator);
        var (_, agentToken) = await _manager.EnrollAsync("a1");
        await _manager.EnrollAsync("b1");
        (Callers Caller, string? Token)[] callers =
        [
            (Callers.Anonymous, null), (Callers.Agent, agentToken), (Callers.Enrollment, _manager.EnrollmentToken),
            (Callers.Reader, reader.Token), (Callers.Operator, op.Token), (Callers.Admin, _manager.Admin.Token),
        ];
        var wrong = new List<string>();

        foreach (var (caller, token) in callers)
        {
            using var http = _manager.Http(token);
            foreach (var (name, method, template) in Routes(_manager.Services))
            {
                // Agents act on their own id; keys act on another agent, so destructive calls leave the agent token alone.
                var path = Fill(template, caller == Callers.Agent ? "a1" : "b1");
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                // Headers only: the command stream answers 200 at once and then stays open.
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                var status = response.StatusCode;
                var allowed = Expected[name].HasFlag(caller);
                var passed = status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
                if (allowed != passed || (int)status >= 500)
                {
                    wrong.Add($"{caller} {method} {path} ({name}): {(int)status}, expected {(allowed ? "past authorization" : "401/403")}");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task AnAgent_CannotActAsAnotherAgent_OnAnyAgentRoute()
    {
        var (_, token) = await _manager.EnrollAsync("a1");
        await _manager.EnrollAsync("b1");
        using var http = _manager.Http(token);
        var agentRoutes = Routes(_manager.Services).Where(r => Expected[r.Name] == Callers.Agent && r.Template.Contains("{id}", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(agentRoutes);

        foreach (var (name, method, template) in agentRoutes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), Fill(template, "b1"));
            if (method == "POST")
            {
                request.Content = new StringContent(name == "PostCommandResult" ? "{}" : "[]", Encoding.UTF8, "application/json");
            }

            var response = await http.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{name}: {(int)response.StatusCode}");
            Assert.Contains(ErrorCodes.AgentMismatch, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static string Fill(string template, string agentId) => (template.EndsWith("/next", StringComparison.Ordinal) ? template + "?wait=0" : template)
        .Replace("{id}", agentId, StringComparison.Ordinal)
        .Replace("{fileId}", new string('0', 32), StringComparison.Ordinal)
        .Replace("{commandId}", new string('1', 32), StringComparison.Ordinal)
        .Replace("{alertId}", "1", StringComparison.Ordinal)
        .Replace("{silenceId}", "none", StringComparison.Ordinal)
        .Replace("{keyId}", "none", StringComparison.Ordinal)
        .Replace("{tokenId}", "none", StringComparison.Ordinal)
        .Replace("{name}", "none", StringComparison.Ordinal);
}
