using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Benchmarks;

/// <summary>
/// Bytes on disk per stored snapshot for a day of one agent at a 10 s interval, through the real history store with
/// sealing every 10 minutes of simulated time, against the same day stored as one JSON row per snapshot with a time
/// index (the format before chunks) in the same run. Snapshots come from the real collector, with CPU, memory and
/// network moving between samples.
/// </summary>
internal static class StorageSize
{
    public static async Task ReportAsync(int snapshots, int runs)
    {
        var results = new List<(double Chunked, double Rows, double Ratio)>();
        for (var run = 0; run < runs; run++)
        {
            results.Add(await RunAsync(snapshots));
        }

        Console.WriteLine($"{runs} runs of {snapshots} snapshots (a day at 10 s) of one agent, sealed every 10 minutes of simulated time and merged by the hour, against the same day as one JSON row per snapshot with a time index; bytes of the database file after a WAL checkpoint, indexes and free pages included, divided by the snapshots stored.");
        MarkdownTable.Header();
        MarkdownTable.Row("one JSON row per snapshot (before), bytes/snapshot", results.Select(r => r.Rows), "0");
        MarkdownTable.Row("compact chunks, bytes/snapshot", results.Select(r => r.Chunked), "0.0");
        MarkdownTable.Row("chunks / rows", results.Select(r => r.Ratio), "0.000");
    }

    public static async Task<(double Chunked, double Rows, double Ratio)> RunAsync(int snapshots)
    {
        var root = Directory.CreateTempSubdirectory("monitoring-storage-").FullName;
        try
        {
            var day = await DayAsync(snapshots);
            var chunked = await ChunkedAsync(Path.Combine(root, "chunked"), day);
            var rows = await RowsAsync(Path.Combine(root, "rows"), day);
            return (chunked, rows, chunked / rows);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Environment.GetEnvironmentVariable("MONITORING_KEEP") is null) { Directory.Delete(root, recursive: true); } else { Console.WriteLine(root); }
        }
    }

    private static async Task<List<MetricSnapshot>> DayAsync(int count)
    {
        using var collector = MetricCollector.CreateDefault(TimeProvider.System);
        collector.Collect();
        await Task.Delay(300);
        var real = collector.Collect();
        var random = new Random(42);
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var list = new List<MetricSnapshot>(count);
        double cpu = real.Cpu.Percent;
        var network = real.Network.ToList();
        for (var i = 0; i < count; i++)
        {
            cpu = Math.Clamp(cpu + ((random.NextDouble() - 0.5) * 8), 0, 100);
            network = [.. network.Select(n => n with
            {
                RxBytes = n.RxBytes + random.Next(0, 500_000), TxBytes = n.TxBytes + random.Next(0, 200_000),
                RxPackets = n.RxPackets + random.Next(0, 500), TxPackets = n.TxPackets + random.Next(0, 300),
                RxBytesPerSec = random.Next(0, 50_000) / 1.3, TxBytesPerSec = random.Next(0, 20_000) / 1.7,
            })];
            list.Add(real with
            {
                Seq = i + 1,
                Timestamp = start.AddSeconds(10 * i).AddMilliseconds(random.Next(0, 30)),
                Cpu = real.Cpu with { Percent = cpu, UserPercent = cpu * 0.7, SystemPercent = cpu * 0.3, PerCore = [.. real.Cpu.PerCore.Select(_ => Math.Clamp(cpu + ((random.NextDouble() - 0.5) * 10), 0, 100))] },
                Memory = real.Memory with { UsedBytes = real.Memory.UsedBytes + random.Next(-5_000_000, 5_000_000), Percent = real.Memory.Percent + ((random.NextDouble() - 0.5) * 0.5) },
                Network = network,
                UptimeSeconds = real.UptimeSeconds + (10 * i),
                Processes = new ProcessMetrics { Count = real.Processes.Count + random.Next(-3, 4) },
            });
        }

        return list;
    }

    private static async Task<double> ChunkedAsync(string dir, List<MetricSnapshot> day)
    {
        Directory.CreateDirectory(dir);
        using (var database = new SqliteDatabase(dir))
        {
            var history = new SqliteHistoryStore(database);
            await history.InitializeAsync(default);
            var start = day[0].Timestamp;
            for (var i = 0; i < day.Count; i++)
            {
                var received = day[i].Timestamp;
                await history.AppendSnapshotsAsync("bench", [day[i]], null, received, "127.0.0.1", default);
                if (i % 60 == 59)
                {
                    await history.SealAsync(received.AddMinutes(-10), default);
                }
            }

            await Checkpoint(database);
        }

        return new FileInfo(Path.Combine(dir, SqliteDatabase.FileName)).Length / (double)day.Count;
    }

    private static async Task<double> RowsAsync(string dir, List<MetricSnapshot> day)
    {
        Directory.CreateDirectory(dir);
        using (var database = new SqliteDatabase(dir))
        {
            await database.WriteAsync(async (c, t) =>
            {
                await SqliteDatabase.ExecAsync(c, t, """
                    CREATE TABLE snapshots (agent_id TEXT NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL, received_at INTEGER NOT NULL,
                        data TEXT NOT NULL, PRIMARY KEY (agent_id, seq)) WITHOUT ROWID;
                    CREATE INDEX snapshots_by_time ON snapshots (agent_id, ts);
                    """, default);
                return 0;
            }, default);
            foreach (var s in day)
            {
                await database.WriteAsync(async (c, t) =>
                {
                    using var cmd = c.CreateCommand();
                    cmd.Transaction = t;
                    cmd.CommandText = "INSERT INTO snapshots VALUES ('bench', $s, $t, $t, $d)";
                    cmd.Parameters.AddWithValue("$s", s.Seq);
                    cmd.Parameters.AddWithValue("$t", s.Timestamp.ToUnixTimeMilliseconds());
                    cmd.Parameters.AddWithValue("$d", JsonSerializer.Serialize(s, MonitoringJsonContext.Default.MetricSnapshot));
                    return await cmd.ExecuteNonQueryAsync();
                }, default);
            }

            await Checkpoint(database);
        }

        return new FileInfo(Path.Combine(dir, SqliteDatabase.FileName)).Length / (double)day.Count;
    }

    private static Task Checkpoint(SqliteDatabase database) =>
        database.WriteAsync(async (c, _) => { await Task.CompletedTask; return 0; }, default)
            .ContinueWith(async _ =>
            {
                await using var conn = await database.OpenReaderAsync(default);
                using var cmd = conn.CreateCommand();
                cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                await cmd.ExecuteNonQueryAsync();
            }, TaskScheduler.Default).Unwrap();
}
