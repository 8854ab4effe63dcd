using System.Diagnostics;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

/// <summary>A planned restart is quick and harmless: long-polls end at once, and agents come back by themselves.</summary>
public sealed class ShutdownTests : IDisposable
{
    private readonly Fleet _fleet = new();

    public void Dispose() => _fleet.Dispose();

    [Fact]
    public async Task Sigterm_WithAnAgentHoldingItsCommandPoll_StopsWithinThreeSeconds_AndTheAgentReportsToTheRestartedManager()
    {
        var manager = await _fleet.StartManagerAsync();
        _fleet.StartAgent("s1", "1s");
        using (var admin = _fleet.AdminClient())
        {
            await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "s1" && a.LastSeen is not null), TimeSpan.FromSeconds(60), "agent s1 to report");
            // A command answered proves the agent's poll loop runs; it opens its next poll right after answering.
            Assert.Equal(CommandStatus.Succeeded, (await admin.InvokeCommandAsync("s1", CommandNames.GetProcessCount)).Status);
        }

        var watch = Stopwatch.StartNew();
        await manager.StopAsync(TimeSpan.FromSeconds(30));
        var stopped = watch.Elapsed;

        Assert.True(stopped < TimeSpan.FromSeconds(3), $"The manager took {stopped.TotalSeconds:0.0} s to stop; a stop must not wait for long-polls. Output:\n{manager.Output}");
        Assert.DoesNotContain("is offline", manager.Output, StringComparison.Ordinal);

        var restartedAt = DateTimeOffset.UtcNow;
        await _fleet.StartManagerAsync();
        using var again = _fleet.AdminClient();
        await TestNet.WaitUntilAsync(
            async () => (await again.GetAgentAsync("s1")).LastSeen > restartedAt, TimeSpan.FromSeconds(60), "agent s1 to report to the restarted manager");
    }

    [Fact]
    public async Task WithALogFile_TheAgentLogsThere_NotToItsOutput_FromStartToStop()
    {
        await _fleet.StartManagerAsync();
        var logFile = Path.Combine(_fleet.Root, "logs", "agent.log");
        var agent = _fleet.StartAgent("l1", "1s", environment: new Dictionary<string, string> { ["MONITORING_AGENT_LOGFILE"] = logFile });
        using var admin = _fleet.AdminClient();
        await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "l1" && a.LastSeq >= 2), TimeSpan.FromSeconds(60), "agent l1 to report twice");

        await agent.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, agent.ExitCode);
        var log = await File.ReadAllTextAsync(logFile);
        Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT[0-9:.]+Z info: Monitoring\.Agent\.AgentRuntime\[\d+\] Agent l1 reporting to https://127\.0\.0\.1:", log);
        Assert.Contains("Agent l1 stopped", log, StringComparison.Ordinal);
        Assert.DoesNotContain("reporting to", agent.Output, StringComparison.Ordinal);
    }
}
