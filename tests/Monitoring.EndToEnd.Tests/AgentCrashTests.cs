namespace Monitoring.EndToEnd.Tests;

/// <summary>An agent killed (SIGKILL) while it replays its spool loses and repeats nothing once it runs again.</summary>
public sealed class AgentCrashTests : IDisposable
{
    private readonly Fleet _fleet = new();

    public void Dispose() => _fleet.Dispose();

    [Fact]
    public async Task AnAgentKilledWhileReplayingItsSpool_StoresEverySnapshotExactlyOnceAfterItRestarts()
    {
        var manager = await _fleet.StartManagerAsync();
        var agent = _fleet.StartAgent("k1", "1s");
        using (var admin = _fleet.AdminClient())
        {
            await TestNet.WaitUntilAsync(async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "k1" && a.LastSeq >= 2), TimeSpan.FromSeconds(60), "k1 to report");
        }

        await manager.StopAsync(TimeSpan.FromSeconds(30));
        var spool = Path.Combine(_fleet.StateDir("k1"), "spool");
        await TestNet.WaitUntilAsync(() => Task.FromResult(Directory.GetFiles(spool, "*.json").Length >= 6), TimeSpan.FromSeconds(60), "k1 to spool six snapshots");

        await _fleet.StartManagerAsync();
        // Killed as it replays (or just before): whatever it had sent and what it had not must each be stored once.
        await TestNet.WaitUntilAsync(() => Task.FromResult(Directory.GetFiles(spool, "*.json").Length < 6), TimeSpan.FromSeconds(60), "k1 to start replaying");
        await agent.KillAsync();
        var spooledAtKill = Directory.GetFiles(spool, "*.json").Length;
        _fleet.StartAgent("k1", "1s");

        using var reader = _fleet.AdminClient();
        long last = 0;
        await TestNet.WaitUntilAsync(
            async () => (last = (await reader.GetAgentAsync("k1")).LastSeq) > 0 && Directory.GetFiles(spool, "*.json").Length == 0 && (await reader.GetStatusHistoryAsync("k1", limit: 10_000)).Count == last,
            TimeSpan.FromSeconds(60), $"k1 to replay what it spooled ({spooledAtKill} file(s) left at the kill) with no gap");
        var seqs = (await reader.GetStatusHistoryAsync("k1", limit: 10_000)).Select(s => s.Seq).Order().ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
    }
}
