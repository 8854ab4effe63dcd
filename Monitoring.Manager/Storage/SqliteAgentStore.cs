using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>
/// Enrolled agents in SQLite. At start-up each agent's latest snapshot, highest sequence number and last report time
/// come from its history as well (a report does not rewrite its agent's row each time).
/// </summary>
internal sealed class SqliteAgentStore(SqliteDatabase database) : SqliteStore(database), IAgentStore
{
    public Task InitializeAsync(CancellationToken ct) => SqliteMigrations.ApplyAsync(Database, ct);

    public async Task<IReadOnlyList<(StoredAgent Agent, MetricSnapshot? Latest)>> LoadAgentsAsync(CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        // Unsealed snapshots have no index by agent: one pass over them finds each agent's newest row.
        cmd.CommandText = """
            WITH newest AS (SELECT agent_id, MAX(seq) AS seq, rowid AS row FROM snapshots GROUP BY agent_id)
            SELECT a.id, a.token_hash, a.hostname, a.os, a.os_version, a.agent_version, a.interval_seconds, a.labels,
                   a.registered_at,
                   NULLIF(MAX(COALESCE(a.last_seen, 0),
                              COALESCE((SELECT received_at FROM snapshots WHERE rowid = n.row), 0),
                              COALESCE((SELECT received_max FROM snapshot_chunks WHERE agent_id = a.id ORDER BY last_seq DESC LIMIT 1), 0)), 0),
                   a.address,
                   MAX(COALESCE(s.last_seq, 0),
                       COALESCE(n.seq, 0),
                       COALESCE((SELECT MAX(last_seq) FROM snapshot_chunks WHERE agent_id = a.id), 0)),
                   a.commands,
                   (SELECT data FROM snapshots WHERE rowid = n.row), a.enrollment, a.enrolled_with, a.instance_key_hash
            FROM agents a LEFT JOIN agent_seq s ON s.agent_id = a.id LEFT JOIN newest n ON n.agent_id = a.id
            """;
        var result = new List<(StoredAgent, MetricSnapshot?)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var agent = new StoredAgent
            {
                Id = reader.GetString(0),
                TokenHash = reader.GetString(1),
                Hostname = NullableString(reader, 2),
                Os = NullableString(reader, 3),
                OsVersion = NullableString(reader, 4),
                AgentVersion = NullableString(reader, 5),
                IntervalSeconds = reader.GetDouble(6),
                Labels = reader.IsDBNull(7) ? null : JsonSerializer.Deserialize(reader.GetString(7), MonitoringJsonContext.Default.DictionaryStringString),
                RegisteredAt = FromMs(reader.GetInt64(8)),
                LastSeen = reader.IsDBNull(9) ? null : FromMs(reader.GetInt64(9)),
                Address = NullableString(reader, 10),
                LastSeq = reader.GetInt64(11),
                Commands = reader.IsDBNull(12) ? null : JsonSerializer.Deserialize(reader.GetString(12), ManagerJsonContext.Default.ListCommandDefinition),
                Enrollment = WireNames.Parse(reader.GetString(14), MonitoringJsonContext.Default.AgentEnrollment) ?? AgentEnrollment.Active,
                EnrolledWith = NullableString(reader, 15),
                InstanceKeyHash = NullableString(reader, 16),
            };
            var latest = reader.IsDBNull(13) ? null : JsonSerializer.Deserialize(reader.GetString(13), MonitoringJsonContext.Default.MetricSnapshot);
            result.Add((agent, latest));
        }

        return result;
    }

    public Task SaveAgentAsync(StoredAgent agent, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO agents (id, token_hash, hostname, os, os_version, agent_version, interval_seconds, labels, registered_at, last_seen, address, commands, enrollment, enrolled_with, instance_key_hash)
            VALUES ($id, $hash, $host, $os, $osv, $ver, $interval, $labels, $reg, $seen, $addr, $commands, $enrollment, $with, $key)
            ON CONFLICT (id) DO UPDATE SET token_hash = $hash, hostname = $host, os = $os, os_version = $osv, agent_version = $ver,
                interval_seconds = $interval, labels = $labels, registered_at = $reg, last_seen = $seen, address = $addr, commands = $commands,
                enrollment = $enrollment, enrolled_with = $with, instance_key_hash = $key
            """;
        cmd.Parameters.AddWithValue("$id", agent.Id);
        cmd.Parameters.AddWithValue("$hash", agent.TokenHash);
        cmd.Parameters.AddWithValue("$host", (object?)agent.Hostname ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$os", (object?)agent.Os ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$osv", (object?)agent.OsVersion ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$ver", (object?)agent.AgentVersion ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$interval", agent.IntervalSeconds);
        cmd.Parameters.AddWithValue("$labels", agent.Labels is null ? DBNull.Value : JsonSerializer.Serialize(new Dictionary<string, string>(agent.Labels), MonitoringJsonContext.Default.DictionaryStringString));
        cmd.Parameters.AddWithValue("$reg", ToMs(agent.RegisteredAt));
        cmd.Parameters.AddWithValue("$seen", agent.LastSeen is { } seen ? ToMs(seen) : DBNull.Value);
        cmd.Parameters.AddWithValue("$addr", (object?)agent.Address ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$commands", agent.Commands is null ? DBNull.Value : JsonSerializer.Serialize([.. agent.Commands], ManagerJsonContext.Default.ListCommandDefinition));
        cmd.Parameters.AddWithValue("$enrollment", WireNames.Of(agent.Enrollment, MonitoringJsonContext.Default.AgentEnrollment));
        cmd.Parameters.AddWithValue("$with", (object?)agent.EnrolledWith ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$key", (object?)agent.InstanceKeyHash ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
        return 0;
    }, ct);

    public Task<bool> DeleteAgentAsync(string id, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM agents WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);
}
