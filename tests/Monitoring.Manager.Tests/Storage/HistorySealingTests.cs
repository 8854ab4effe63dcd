using Microsoft.Data.Sqlite;
using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;

namespace Monitoring.Manager.Tests.Storage;

public sealed class HistorySealingTests
{
    private static async Task<(long Rows, long Chunks)> CountAsync(string dataDir)
    {
        await using var conn = new SqliteConnection($"Data Source={Path.Combine(dataDir, "monitoring.db")};Mode=ReadOnly;Pooling=False");
        await conn.OpenAsync();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT (SELECT COUNT(*) FROM snapshots), (SELECT COUNT(*) FROM snapshot_chunks)";
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    [Fact]
    public async Task SealedSnapshots_ReadBackInOrder_ByTimeRange_RefuseReplays_AndSurviveARestart()
    {
        await using var manager = await TestManager.StartAsync("--history:sealAfter", "1s");
        var (agent, _) = await manager.EnrollAsync("h1");
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var sent = Enumerable.Range(1, 200).Select(i => TestManager.Snapshot(i, start.AddSeconds(10 * i))).ToList();
        await agent.ReportAsync("h1", sent);

        await TestNet.WaitUntilAsync(async () => (await CountAsync(manager.DataDir)) is { Rows: 0, Chunks: > 0 }, TimeSpan.FromSeconds(30), "the rows to be sealed");

        using var admin = manager.AdminClient();
        var all = await admin.GetStatusHistoryAsync("h1", limit: 1000);
        Assert.Equal(Enumerable.Range(1, 200).Reverse().Select(i => (long)i), all.Select(s => s.Seq));
        Assert.Equal(sent[^1].Timestamp, all[0].Timestamp);
        Assert.Equal(sent[41].Disks[0].Mount, all[158].Disks[0].Mount);
        var window = await admin.GetStatusHistoryAsync("h1", limit: 1000, from: start.AddSeconds(505), to: start.AddSeconds(1000));
        Assert.Equal(Enumerable.Range(51, 50).Reverse().Select(i => (long)i), window.Select(s => s.Seq));

        var replay = await agent.ReportAsync("h1", [sent[10], TestManager.Snapshot(201, start.AddSeconds(2010))]);
        Assert.Equal(1, replay.Accepted);
        Assert.Equal(1, replay.Duplicates);

        await manager.StartAgainAsync();
        await TestNet.WaitUntilAsync(async () => (await CountAsync(manager.DataDir)).Rows == 0, TimeSpan.FromSeconds(30), "the new row to be sealed");
        await manager.StartAgainAsync();
        Assert.Equal(201, (await admin.GetAgentAsync("h1")).Latest!.Seq);
        Assert.Equal(201, (await admin.GetStatusHistoryAsync("h1", limit: 1000)).Count);
    }

    [Fact]
    public async Task Purge_RemovesChunksByReceiveTime()
    {
        await using var manager = await TestManager.StartAsync("--history:sealAfter", "1s");
        var (agent, _) = await manager.EnrollAsync("h1");
        await agent.ReportAsync("h1", [.. Enumerable.Range(1, 20).Select(i => TestManager.Snapshot(i))]);
        await TestNet.WaitUntilAsync(async () => (await CountAsync(manager.DataDir)) is { Rows: 0, Chunks: > 0 }, TimeSpan.FromSeconds(30), "the rows to be sealed");
        await manager.StopAsync();

        using var database = new SqliteDatabase(manager.DataDir);
        var history = new SqliteHistoryStore(database);
        Assert.Equal(0, await history.PurgeSnapshotsAsync(DateTimeOffset.UtcNow.AddMinutes(-5), CancellationToken.None));
        Assert.True(await history.PurgeSnapshotsAsync(DateTimeOffset.UtcNow.AddMinutes(5), CancellationToken.None) > 0);
        Assert.Empty(await history.GetSnapshotsAsync("h1", null, null, 100, CancellationToken.None));
    }
}
