using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Storage;

public sealed class RollupTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-rollups-").FullName;
    private SqliteDatabase _database = null!;
    private SqliteHistoryStore _history = null!;
    private readonly DateTimeOffset _start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(_dir);
        await SqliteMigrations.ApplyAsync(_database, default);
        _history = new SqliteHistoryStore(_database);
    }

    public Task DisposeAsync()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Three hours at 10 s; CPU climbs 0, 1, 2, … so every bucket's min, average and max are known.</summary>
    private async Task ThreeHoursAsync(bool seal = true)
    {
        for (var i = 0; i < 1080; i++)
        {
            var s = TestManager.Snapshot(i + 1, _start.AddSeconds(10 * i)) with { Cpu = new CpuMetrics { Percent = i % 100, PerCore = [] } };
            await _history.AppendSnapshotsAsync("r1", [s], null, _start.AddSeconds(10 * i), null, default);
            if (seal && i % 60 == 59)
            {
                await _history.SealAsync(_start.AddSeconds(10 * i).AddMinutes(-10), default);
            }
        }

        if (seal)
        {
            await _history.SealAsync(_start.AddHours(4), default);
        }
    }

    [Fact]
    public async Task MinuteAndHourTiers_HoldMinAvgMaxOfEveryBucket()
    {
        await ThreeHoursAsync();

        var minutes = await _history.GetSeriesAsync("r1", _start, _start.AddHours(3).AddSeconds(-1), 60, default);
        var hours = await _history.GetSeriesAsync("r1", _start, _start.AddHours(3).AddSeconds(-1), 3600, default);

        Assert.Equal("1m", minutes.Tier);
        Assert.Equal(180, minutes.Points.Count);
        Assert.All(minutes.Points, p => Assert.Equal(6, p.Count));
        var second = minutes.Points[1].Metrics["cpu.percent"];
        Assert.Equal((6.0, 8.5, 11.0), (second.Min, second.Avg, second.Max));
        Assert.Equal("1h", hours.Tier);
        Assert.Equal([360, 360, 360], hours.Points.Select(p => p.Count));
        Assert.Equal(0, hours.Points[0].Metrics["cpu.percent"].Min);
        Assert.Equal(99, hours.Points[0].Metrics["cpu.percent"].Max);
        Assert.Equal(10, hours.Points[0].Metrics["disk.percent:/"].Avg);
        Assert.Equal(_start.AddHours(1), hours.Points[1].Timestamp);
    }

    [Fact]
    public async Task UnsealedRows_AreFoldedIntoTheTiers_SoTheNewestMinutesShow()
    {
        await ThreeHoursAsync(seal: false);

        var hours = await _history.GetSeriesAsync("r1", _start, _start.AddHours(3), 3600, default);

        Assert.Equal(1080, hours.Points.Sum(p => p.Count));
    }

    [Fact]
    public async Task AMonthOfHourlyRollups_ReadsAboutThirtyRows()
    {
        for (var day = 0; day < 30; day++)
        {
            var at = _start.AddDays(day);
            var batch = Enumerable.Range(0, 24).Select(h => TestManager.Snapshot((day * 24) + h + 1, at.AddHours(h))).ToList();
            await _history.AppendSnapshotsAsync("r1", batch, null, at.AddDays(1), null, default);
            await _history.SealAsync(at.AddDays(2), default);
        }

        var month = await _history.GetSeriesAsync("r1", _start, _start.AddDays(30), 3600, default);
        await using var conn = await _database.OpenReaderAsync(default);
        using var count = conn.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM rollups WHERE agent_id = 'r1' AND tier = 3600";

        Assert.Equal(720, month.Points.Count);
        Assert.True((long)(await count.ExecuteScalarAsync())! <= 31);
    }

    [Fact]
    public async Task TheApi_ChoosesTheTierFromTheRange_AndSaysWhichItUsed()
    {
        await using var manager = await TestManager.StartAsync("--history:sealAfter", "1s");
        var (agent, _) = await manager.EnrollAsync("api1");
        var now = DateTimeOffset.UtcNow;
        await agent.ReportAsync("api1", [.. Enumerable.Range(1, 100).Select(i => TestManager.Snapshot(i, now.AddMinutes(-100 + i)))]);
        using var admin = manager.AdminClient();

        var day = await admin.GetSeriesAsync("api1", now.AddDays(-1), now);
        var hour = await admin.GetSeriesAsync("api1", now.AddHours(-1), now);
        var minutes = await admin.GetSeriesAsync("api1", now.AddHours(-2), now, "1m");

        Assert.Equal("1h", day.Tier);
        Assert.Equal(100, day.Points.Sum(p => p.Count));
        Assert.Equal("raw", hour.Tier);
        Assert.Equal("1m", minutes.Tier);
        using var http = manager.Http(manager.Admin.Token);
        var response = await http.GetAsync(ApiRoutes.ForAgentStatus("api1") + $"?step=1h&from={Uri.EscapeDataString(now.AddDays(-1).ToString("O"))}");
        Assert.Equal("1h", response.Headers.GetValues("X-Monitoring-Tier").Single());
        var averaged = await response.Content.ReadFromJsonAsync(MonitoringJsonContext.Default.ListMetricSnapshot);
        Assert.InRange(averaged!.Sum(s => s.Processes.Count), 42, 42 * 3);
        Assert.Equal(400, (int)(await http.GetAsync(ApiRoutes.ForAgentSeries("api1") + "?step=5m")).StatusCode);
    }
}
