using System.Text.Json;
using Monitoring.Manager.Notifications;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage.Postgres;

/// <summary>Alert transitions, acknowledgements and silences on PostgreSQL.</summary>
internal sealed class PostgresAlertStore(PostgresDatabase database) : IAlertStore
{
    public Task InitializeAsync(CancellationToken ct) => PostgresMigrations.ApplyAsync(database, ct);

    public Task<IReadOnlyList<AlertRecord>> AppendAlertsAsync(
        string agentId, IReadOnlyList<AlertTransition> transitions, DateTimeOffset receivedAt, Func<string, AlertTransition, bool> isSilenced,
        Func<string, AlertTransition, IReadOnlyList<NotificationTarget>> route, CancellationToken ct) =>
        database.WriteAsync<IReadOnlyList<AlertRecord>>(async (conn, tx) =>
        {
            var accepted = new List<AlertRecord>();
            foreach (var a in transitions)
            {
                var silenced = isSilenced(agentId, a);
                await using var insert = Sql.Command(conn, tx, """
                    INSERT INTO alerts (agent_id, fingerprint, state, ts, received_at, data, severity, rule, silenced)
                    VALUES (@a, @f, @s, @t, @r, @d, @sev, @rule, @silenced)
                    ON CONFLICT DO NOTHING RETURNING id
                    """,
                    ("a", agentId),
                    ("f", a.Fingerprint),
                    ("s", WireNames.Of(a.State, MonitoringJsonContext.Default.AlertState)),
                    ("t", PostgresDatabase.ToMs(a.Timestamp)),
                    ("r", PostgresDatabase.ToMs(receivedAt)),
                    ("d", JsonSerializer.Serialize(a, MonitoringJsonContext.Default.AlertTransition)),
                    ("sev", WireNames.Of(a.Severity, MonitoringJsonContext.Default.AlertSeverity)),
                    ("rule", a.Rule),
                    ("silenced", silenced));
                if (await insert.ExecuteScalarAsync(ct) is not long id)
                {
                    continue;
                }

                accepted.Add(new AlertRecord { Id = id, AgentId = agentId, ReceivedAt = receivedAt, Transition = a, Silenced = silenced });
                foreach (var target in route(agentId, a))
                {
                    await using var queue = Sql.Command(conn, tx, "INSERT INTO notify_events (receiver, group_key, alert_id, enqueued_at) VALUES (@r, @g, @id, @at)",
                        ("r", target.Receiver), ("g", target.GroupKey), ("id", id), ("at", PostgresDatabase.ToMs(receivedAt)));
                    await queue.ExecuteNonQueryAsync(ct);
                }
            }

            return accepted;
        }, ct);

    public Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(AlertQuery query, CancellationToken ct) => database.ReadAsync<IReadOnlyList<AlertRecord>>(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, $"""
            SELECT {StoreRows.AlertColumns} FROM alerts a
            WHERE (@a::text IS NULL OR a.agent_id = @a) AND (@s::text IS NULL OR a.state = @s) AND (@since::bigint IS NULL OR a.ts >= @since)
              AND (@sev::text IS NULL OR a.severity = @sev)
            ORDER BY a.id DESC LIMIT @n
            """,
            ("a", query.AgentId),
            ("s", query.State is { } st ? WireNames.Of(st, MonitoringJsonContext.Default.AlertState) : null),
            ("since", Sql.Ms(query.Since)),
            ("sev", query.Severity is { } sev ? WireNames.Of(sev, MonitoringJsonContext.Default.AlertSeverity) : null),
            ("n", query.Limit));
        return await StoreRows.AlertsAsync(cmd, ct);
    }, ct);

    public Task<AlertRecord?> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx, $"""
            UPDATE alerts a SET ack_by = COALESCE(ack_by, @by), ack_at = COALESCE(ack_at, @at) WHERE id = @id
            RETURNING {StoreRows.AlertColumns}
            """, ("id", id), ("by", by), ("at", PostgresDatabase.ToMs(at)));
        return (await StoreRows.AlertsAsync(cmd, ct)).FirstOrDefault();
    }, ct);

    public Task<IReadOnlyList<(string AgentId, string Fingerprint, AlertSeverity Severity)>> ListFiringAsync(CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<(string, string, AlertSeverity)>>(async conn =>
        {
            await using var cmd = Sql.Command(conn, null, """
                SELECT agent_id, fingerprint, severity FROM (
                    SELECT DISTINCT ON (agent_id, fingerprint) agent_id, fingerprint, state, severity FROM alerts ORDER BY agent_id, fingerprint, id DESC) newest
                WHERE state = 'firing'
                """);
            var result = new List<(string, string, AlertSeverity)>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                result.Add((reader.GetString(0), reader.GetString(1), WireNames.Parse(Sql.Text(reader, 2), MonitoringJsonContext.Default.AlertSeverity) ?? AlertSeverity.Warning));
            }

            return result;
        }, ct);

    public Task<IReadOnlySet<string>> AgentsWithOpenAlertAsync(string rule, CancellationToken ct) => database.ReadAsync<IReadOnlySet<string>>(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, """
            SELECT agent_id FROM (
                SELECT DISTINCT ON (agent_id, fingerprint) agent_id, state FROM alerts WHERE rule = @rule ORDER BY agent_id, fingerprint, id DESC) newest
            WHERE state = 'firing'
            """, ("rule", rule));
        var open = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            open.Add(reader.GetString(0));
        }

        return open;
    }, ct);

    public Task InsertSilenceAsync(Silence silence, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx,
            "INSERT INTO silences (id, agent, rule, until, reason, created_by, created_at) VALUES (@id, @agent, @rule, @until, @reason, @by, @at)",
            ("id", silence.Id), ("agent", silence.Agent), ("rule", silence.Rule), ("until", PostgresDatabase.ToMs(silence.Until)),
            ("reason", silence.Reason), ("by", silence.CreatedBy), ("at", PostgresDatabase.ToMs(silence.CreatedAt)));
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public Task<IReadOnlyList<Silence>> ListSilencesAsync(CancellationToken ct) => database.ReadAsync<IReadOnlyList<Silence>>(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, "SELECT id, agent, rule, until, reason, created_by, created_at FROM silences ORDER BY created_at DESC");
        var result = new List<Silence>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new Silence
            {
                Id = reader.GetString(0),
                Agent = Sql.Text(reader, 1),
                Rule = Sql.Text(reader, 2),
                Until = PostgresDatabase.FromMs(reader.GetInt64(3)),
                Reason = Sql.Text(reader, 4),
                CreatedBy = Sql.Text(reader, 5),
                CreatedAt = PostgresDatabase.FromMs(reader.GetInt64(6)),
            });
        }

        return result;
    }, ct);

    public Task<bool> EndSilenceAsync(string id, DateTimeOffset now, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx, "UPDATE silences SET until = @now WHERE id = @id AND until > @now", ("id", id), ("now", PostgresDatabase.ToMs(now)));
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);

    public Task<int> PurgeAlertsAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        database.PurgeInBatchesAsync("DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE received_at < @cutoff LIMIT 1000)", cutoff, ct);

    public Task<int> PurgeSilencesAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        database.PurgeInBatchesAsync("DELETE FROM silences WHERE id IN (SELECT id FROM silences WHERE until < @cutoff LIMIT 1000)", cutoff, ct);
}
