using System.Text.Json;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage.Postgres;

/// <summary>Enrolled agents on PostgreSQL.</summary>
internal sealed class PostgresAgentStore(PostgresDatabase database) : IAgentStore
{
    public Task InitializeAsync(CancellationToken ct) => PostgresMigrations.ApplyAsync(database, ct);

    public Task<IReadOnlyList<(StoredAgent Agent, MetricSnapshot? Latest)>> LoadAgentsAsync(CancellationToken ct) =>
        LoadAsync(null, ct);

    /// <summary>The agents (all, or those named), each with its newest unsealed snapshot.</summary>
    public Task<IReadOnlyList<(StoredAgent Agent, MetricSnapshot? Latest)>> LoadAsync(IReadOnlyCollection<string>? ids, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<(StoredAgent, MetricSnapshot?)>>(async conn =>
        {
            await using var cmd = Sql.Command(conn, null, """
                SELECT a.id, a.token_hash, a.hostname, a.os, a.os_version, a.agent_version, a.interval_seconds, a.labels, a.registered_at,
                       NULLIF(GREATEST(COALESCE(a.last_seen, 0), COALESCE(n.received_at, 0),
                              COALESCE((SELECT MAX(received_max) FROM snapshot_chunks c WHERE c.agent_id = a.id), 0)), 0),
                       a.address,
                       GREATEST(COALESCE(s.last_seq, 0), COALESCE(n.seq, 0), COALESCE((SELECT MAX(last_seq) FROM snapshot_chunks c WHERE c.agent_id = a.id), 0)),
                       a.commands, n.data, a.enrollment, a.enrolled_with, a.instance_key_hash
                FROM agents a
                LEFT JOIN agent_seq s ON s.agent_id = a.id
                LEFT JOIN LATERAL (SELECT seq, received_at, data FROM snapshots WHERE agent_id = a.id ORDER BY seq DESC LIMIT 1) n ON TRUE
                WHERE @ids::text[] IS NULL OR a.id = ANY(@ids)
                """, ("ids", ids?.ToArray()));
            cmd.Parameters[0].NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text;
            var result = new List<(StoredAgent, MetricSnapshot?)>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var agent = new StoredAgent
                {
                    Id = reader.GetString(0),
                    TokenHash = reader.GetString(1),
                    Hostname = Sql.Text(reader, 2),
                    Os = Sql.Text(reader, 3),
                    OsVersion = Sql.Text(reader, 4),
                    AgentVersion = Sql.Text(reader, 5),
                    IntervalSeconds = reader.GetDouble(6),
                    Labels = reader.IsDBNull(7) ? null : JsonSerializer.Deserialize(reader.GetString(7), MonitoringJsonContext.Default.DictionaryStringString),
                    RegisteredAt = PostgresDatabase.FromMs(reader.GetInt64(8)),
                    LastSeen = Sql.Time(reader, 9),
                    Address = Sql.Text(reader, 10),
                    LastSeq = reader.GetInt64(11),
                    Commands = reader.IsDBNull(12) ? null : JsonSerializer.Deserialize(reader.GetString(12), ManagerJsonContext.Default.ListCommandDefinition),
                    Enrollment = WireNames.Parse(reader.GetString(14), MonitoringJsonContext.Default.AgentEnrollment) ?? AgentEnrollment.Active,
                    EnrolledWith = Sql.Text(reader, 15),
                    InstanceKeyHash = Sql.Text(reader, 16),
                };
                var latest = reader.IsDBNull(13) ? null : JsonSerializer.Deserialize((byte[])reader.GetValue(13), MonitoringJsonContext.Default.MetricSnapshot);
                result.Add((agent, latest));
            }

            return result;
        }, ct);

    public Task SaveAgentAsync(StoredAgent agent, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx, """
            INSERT INTO agents (id, token_hash, hostname, os, os_version, agent_version, interval_seconds, labels, registered_at, last_seen, address, commands, enrollment, enrolled_with, instance_key_hash)
            VALUES (@id, @hash, @host, @os, @osv, @ver, @interval, @labels, @reg, @seen, @addr, @commands, @enrollment, @with, @key)
            ON CONFLICT (id) DO UPDATE SET token_hash = @hash, hostname = @host, os = @os, os_version = @osv, agent_version = @ver,
                interval_seconds = @interval, labels = @labels, registered_at = @reg, last_seen = @seen, address = @addr, commands = @commands,
                enrollment = @enrollment, enrolled_with = @with, instance_key_hash = @key
            """,
            ("id", agent.Id),
            ("hash", agent.TokenHash),
            ("host", agent.Hostname),
            ("os", agent.Os),
            ("osv", agent.OsVersion),
            ("ver", agent.AgentVersion),
            ("interval", agent.IntervalSeconds),
            ("labels", agent.Labels is null ? null : JsonSerializer.Serialize(new Dictionary<string, string>(agent.Labels), MonitoringJsonContext.Default.DictionaryStringString)),
            ("reg", PostgresDatabase.ToMs(agent.RegisteredAt)),
            ("seen", Sql.Ms(agent.LastSeen)),
            ("addr", agent.Address),
            ("commands", agent.Commands is null ? null : JsonSerializer.Serialize([.. agent.Commands], ManagerJsonContext.Default.ListCommandDefinition)),
            ("enrollment", WireNames.Of(agent.Enrollment, MonitoringJsonContext.Default.AgentEnrollment)),
            ("with", agent.EnrolledWith),
            ("key", agent.InstanceKeyHash));
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public Task<bool> DeleteAgentAsync(string id, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx, "DELETE FROM agents WHERE id = @id", ("id", id));
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);
}
