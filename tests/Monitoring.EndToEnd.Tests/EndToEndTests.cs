using System.Net;
using System.Text;
using System.Text.Json;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

public sealed class EndToEndTests : IDisposable
{
    private readonly Fleet _fleet = new();

    public void Dispose() => _fleet.Dispose();

    [Fact]
    public async Task ManagerAndAgent_ReportOnlineWithinTwoIntervals_GoOfflineWhenStopped_AndEnforceSecurity()
    {
        var manager = await _fleet.StartManagerAsync();
        var interval = TimeSpan.FromSeconds(2);
        var agent = _fleet.StartAgent("e2e-a", "2s");
        await agent.WaitForOutputAsync("Agent e2e-a reporting to", TimeSpan.FromSeconds(30));
        using var admin = _fleet.AdminClient();

        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "e2e-a" && a.Status == AgentState.Online && a.Latest is not null),
            2 * interval,
            "the agent to be listed online with a snapshot within two intervals");

        // The contract's shape, read as raw JSON the way an outside check would.
        using var adminHttp = _fleet.Http(_fleet.Admin.Token);
        var listed = JsonDocument.Parse(await adminHttp.GetStringAsync("/api/v1/agents")).RootElement.EnumerateArray().Single();
        Assert.Equal("online", listed.GetProperty("status").GetString());
        var latest = listed.GetProperty("latest");
        Assert.InRange(latest.GetProperty("cpu").GetProperty("percent").GetDouble(), 0, 100);
        Assert.True(latest.GetProperty("memory").GetProperty("totalBytes").GetInt64() > 0);
        Assert.Contains(latest.GetProperty("disks").EnumerateArray(), d => d.GetProperty("mount").GetString() == "/" && d.GetProperty("totalBytes").GetInt64() > 0);
        Assert.Contains(latest.GetProperty("network").EnumerateArray(), n => n.GetProperty("name").GetString() == "lo");
        Assert.True(latest.GetProperty("uptimeSeconds").GetDouble() > 0);
        Assert.True(latest.GetProperty("processes").GetProperty("count").GetInt32() > 0);
        var history = JsonDocument.Parse(await adminHttp.GetStringAsync("/api/v1/agents/e2e-a/status?limit=5")).RootElement;
        Assert.True(history[0].GetProperty("seq").GetInt64() >= 1);
        Assert.True(history[0].TryGetProperty("timestamp", out _));
        Assert.Contains("Agent e2e-a enrolled from 127.0.0.1", manager.Output, StringComparison.Ordinal);
        Assert.Contains($"Monitoring manager started on {_fleet.ManagerUrl}", manager.Output, StringComparison.Ordinal);

        // 401 without a token, 403 for an agent token on an admin endpoint, 403 for agent A posting as agent B.
        using var anonymous = _fleet.Http(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/agents")).StatusCode);
        var agentToken = _fleet.AgentToken("e2e-a");
        using var asAgent = _fleet.Http(agentToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await asAgent.GetAsync("/api/v1/agents")).StatusCode);
        var snapshot = history[0].GetRawText();
        var asB = await asAgent.PostAsync("/api/v1/agents/e2e-b/status", new StringContent(snapshot, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, asB.StatusCode);
        Assert.Contains("agent_mismatch", await asB.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Stopped cleanly (SIGTERM), the agent goes offline after three missed intervals, logged once.
        await agent.StopAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, agent.ExitCode);
        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAgentAsync("e2e-a")).Status == AgentState.Offline,
            TimeSpan.FromSeconds(20),
            "the stopped agent to be listed offline");
        await manager.WaitForOutputAsync("Agent e2e-a is offline", TimeSpan.FromSeconds(5));

        // No token in plain text anywhere in the database.
        await manager.StopAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, manager.ExitCode);
        var db = Encoding.UTF8.GetString(Directory.GetFiles(_fleet.DataDir, "monitoring.db*").SelectMany(File.ReadAllBytes).ToArray());
        Assert.Contains("e2e-a", db, StringComparison.Ordinal);
        Assert.DoesNotContain(agentToken, db, StringComparison.Ordinal);
        Assert.DoesNotContain(_fleet.Admin.Token, db, StringComparison.Ordinal);
        Assert.DoesNotContain(File.ReadAllText(Path.Combine(_fleet.DataDir, "enrollment.token")).Trim(), db, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentStartedBeforeTheManager_EnrollsWhenItComesUpAndLosesNothing()
    {
        // First start creates the data directory, tokens and certificate; then the manager goes away.
        var manager = await _fleet.StartManagerAsync();
        var thumbprint = _fleet.Admin.CertificateThumbprint;
        await manager.StopAsync(TimeSpan.FromSeconds(15));

        var agent = _fleet.StartAgent("early", "500ms", thumbprint);
        await agent.WaitForOutputAsync("Cannot report to the manager", TimeSpan.FromSeconds(30));
        var spooled = Path.Combine(_fleet.StateDir("early"), "spool");
        await TestNet.WaitUntilAsync(() => Task.FromResult(Directory.Exists(spooled) && Directory.GetFiles(spooled).Length >= 3), TimeSpan.FromSeconds(20), "three spooled snapshots");

        await _fleet.StartManagerAsync();
        using var admin = _fleet.AdminClient();
        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "early" && a.Status == AgentState.Online && a.LastSeq >= 3),
            TimeSpan.FromSeconds(20),
            "the agent to enroll once the manager is up and replay its spool");
        await agent.WaitForOutputAsync("Connected to the manager", TimeSpan.FromSeconds(10));

        var seqs = (await admin.GetStatusHistoryAsync("early", limit: 1000)).Select(s => s.Seq).Reverse().ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task Agent_BadSetting_ExitsWithAMessageThatNamesTheKey()
    {
        var agent = ServerProcess.Start("Monitoring.Agent", "--interval", "5x", "--state-dir", _fleet.StateDir("bad"));

        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Contains("key 'interval'", agent.Output, StringComparison.Ordinal);
        Assert.Contains("10s", agent.Output, StringComparison.Ordinal);
        agent.Dispose();
    }

    [Fact]
    public async Task Agent_YamlError_NamesFileLineAndKey()
    {
        var config = Path.Combine(_fleet.Root, "agent.yaml");
        File.WriteAllText(config, "manager: https://127.0.0.1:1\nintervall: 5s\n");
        var agent = ServerProcess.Start("Monitoring.Agent", "--config", config);

        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Contains($"{config}(2,", agent.Output, StringComparison.Ordinal);
        Assert.Contains("key 'intervall'", agent.Output, StringComparison.Ordinal);
        Assert.Contains("unknown key", agent.Output, StringComparison.Ordinal);
        agent.Dispose();
    }

    [Fact]
    public async Task Agent_WithoutAnyToken_ExitsAndSaysWhatToPass()
    {
        var agent = ServerProcess.Start("Monitoring.Agent", "--manager", "https://127.0.0.1:1", "--state-dir", _fleet.StateDir("none"), "--id", "none");

        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, code);
        Assert.Contains("--enrollment-token-file", agent.Output, StringComparison.Ordinal);
        agent.Dispose();
    }

    [Fact]
    public async Task Agent_ExampleYaml_IsUnderstood()
    {
        // Every key of the shipped example is known; the run stops only at the token file it names.
        var agent = ServerProcess.Start("Monitoring.Agent", "--config", Path.Combine(ServerProcess.RepoRoot, "docs", "agent.example.yaml"));

        var code = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Contains("cannot read '/etc/monitoring/enrollment.token'", agent.Output, StringComparison.Ordinal);
        Assert.Contains("enrollmentTokenFile", agent.Output, StringComparison.Ordinal);
        agent.Dispose();
    }
}
