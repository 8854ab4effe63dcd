using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Storage;

/// <summary>A database written by the first schema (the version before this one) upgrades in place with nothing lost.</summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task AVersion1Database_UpgradesInPlace_KeepingAgentsTokensHistoryAlertsAndCommands()
    {
        var dataDir = Directory.CreateTempSubdirectory("monitoring-manager-").FullName;
        const string agentToken = "mon_agt_from-version-one";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(agentToken)));
        var now = DateTimeOffset.UtcNow;
        await using (var conn = new SqliteConnection($"Data Source={Path.Combine(dataDir, "monitoring.db")};Pooling=False"))
        {
            await conn.OpenAsync();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);"
                + await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Storage", "Fixtures", "schema-v1.sql"))
                + $"""
                INSERT INTO agents (id, token_hash, hostname, os, interval_seconds, labels, registered_at, last_seen, address)
                    VALUES ('old1', '{hash}', 'old-host', 'linux', 10, '{"{"}"role":"web"{"}"}', {now.AddDays(-3).ToUnixTimeMilliseconds()}, {now.ToUnixTimeMilliseconds()}, '10.0.0.1');
                INSERT INTO agent_seq VALUES ('old1', 2);
                INSERT INTO alerts (agent_id, fingerprint, state, ts, received_at, data)
                    VALUES ('old1', 'cpu', 'firing', {now.ToUnixTimeMilliseconds()}, {now.ToUnixTimeMilliseconds()}, '{"{"}"fingerprint":"cpu","rule":"cpu-high","state":"firing","severity":"warning","timestamp":"{now:O}"{"}"}');
                INSERT INTO commands (id, agent_id, name, status, requested_by, created_at, expires_at, timeout_seconds)
                    VALUES ('{new string('c', 32)}', 'old1', 'get_status', 'queued', 'admin', {now.ToUnixTimeMilliseconds()}, {now.AddHours(1).ToUnixTimeMilliseconds()}, 30);
                """;
            await cmd.ExecuteNonQueryAsync();
            foreach (var seq in new[] { 1L, 2L })
            {
                using var insert = conn.CreateCommand();
                insert.CommandText = "INSERT INTO snapshots VALUES ('old1', $s, $t, $t, $d)";
                insert.Parameters.AddWithValue("$s", seq);
                insert.Parameters.AddWithValue("$t", now.AddSeconds(seq - 30).ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue("$d", System.Text.Json.JsonSerializer.Serialize(TestManager.Snapshot(seq, now.AddSeconds(seq - 30)), MonitoringJsonContext.Default.MetricSnapshot));
                await insert.ExecuteNonQueryAsync();
            }
        }

        await using var manager = await TestManager.StartInAsync(dataDir, https: false, "--history:sealAfter", "1s");

        using var admin = manager.AdminClient();
        var agent = await admin.GetAgentAsync("old1");
        Assert.Equal(AgentEnrollment.Active, agent.Enrollment);
        Assert.Equal("web", agent.Labels!["role"]);
        Assert.Equal(2, agent.Latest!.Seq);
        Assert.Equal([2L, 1L], (await admin.GetStatusHistoryAsync("old1")).Select(s => s.Seq));
        Assert.Single(await admin.GetAlertsAsync("old1"));
        using var old = manager.AgentConnection(agentToken);
        Assert.Equal(1, (await old.ReportAsync("old1", [TestManager.Snapshot(3)])).Accepted);
        Assert.NotNull(await old.NextCommandAsync("old1", [], TimeSpan.Zero));
        await TestNet.WaitUntilAsync(async () => (await admin.GetStatusHistoryAsync("old1")).Count == 3, TimeSpan.FromSeconds(10), "three snapshots");
        await manager.StopAsync();
        await using var check = new SqliteConnection($"Data Source={Path.Combine(dataDir, "monitoring.db")};Mode=ReadOnly;Pooling=False");
        await check.OpenAsync();
        using var version = check.CreateCommand();
        version.CommandText = "SELECT version FROM schema_version";
        Assert.Equal((long)SqliteMigrations.Latest, (long)(await version.ExecuteScalarAsync())!);
        using var indexes = check.CreateCommand();
        indexes.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'snapshots'";
        Assert.Equal(0L, (long)(await indexes.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task ADatabaseFromANewerManager_IsRefusedWithWhatToDo()
    {
        var dataDir = Directory.CreateTempSubdirectory("monitoring-manager-").FullName;
        try
        {
            using (var database = new SqliteDatabase(dataDir))
            {
                await SqliteMigrations.ApplyAsync(database, default);
                await database.WriteAsync(async (c, t) => { await SqliteDatabase.ExecAsync(c, t, "UPDATE schema_version SET version = 999", default); return 0; }, default);
            }

            using var again = new SqliteDatabase(dataDir);
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteMigrations.ApplyAsync(again, default));

            Assert.Contains("newer manager", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
