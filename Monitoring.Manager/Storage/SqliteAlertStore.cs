using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>Alert transitions, acknowledgements and silences.</summary>
internal sealed class SqliteAlertStore(SqliteDatabase database) : SqliteStore(database), IAlertStore
{
    public Task InitializeAsync(CancellationToken ct) => SqliteMigrations.ApplyAsync(Database, ct);

    public Task<IReadOnlyList<AlertRecord>> AppendAlertsAsync(
        string agentId, IReadOnlyList<AlertTransition> transitions, DateTimeOffset receivedAt, Func<string, AlertTransition, bool> isSilenced,
        Func<string, AlertTransition, IReadOnlyList<Notifications.NotificationTarget>> route, CancellationToken ct) =>
        WriteAsync<IReadOnlyList<AlertRecord>>(async (conn, tx) =>
        {
            var accepted = new List<AlertRecord>();
            using var insert = conn.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT OR IGNORE INTO alerts (agent_id, fingerprint, state, ts, received_at, data, silenced) VALUES ($a, $f, $s, $t, $r, $d, $silenced);
                SELECT CASE WHEN changes() > 0 THEN last_insert_rowid() ELSE 0 END;
                """;
            var pa = insert.Parameters.Add("$a", SqliteType.Text);
            var pf = insert.Parameters.Add("$f", SqliteType.Text);
            var ps = insert.Parameters.Add("$s", SqliteType.Text);
            var pt = insert.Parameters.Add("$t", SqliteType.Integer);
            var pr = insert.Parameters.Add("$r", SqliteType.Integer);
            var pd = insert.Parameters.Add("$d", SqliteType.Text);
            var psil = insert.Parameters.Add("$silenced", SqliteType.Integer);
            using var queue = conn.CreateCommand();
            queue.Transaction = tx;
            queue.CommandText = "INSERT INTO notify_events (receiver, group_key, alert_id, enqueued_at) VALUES ($r, $g, $id, $at)";
            var qr = queue.Parameters.Add("$r", SqliteType.Text);
            var qg = queue.Parameters.Add("$g", SqliteType.Text);
            var qid = queue.Parameters.Add("$id", SqliteType.Integer);
            queue.Parameters.AddWithValue("$at", ToMs(receivedAt));
            foreach (var a in transitions)
            {
                var silenced = isSilenced(agentId, a);
                pa.Value = agentId;
                pf.Value = a.Fingerprint;
                ps.Value = a.State == AlertState.Firing ? "firing" : "resolved";
                pt.Value = ToMs(a.Timestamp);
                pr.Value = ToMs(receivedAt);
                pd.Value = JsonSerializer.Serialize(a, MonitoringJsonContext.Default.AlertTransition);
                psil.Value = silenced ? 1 : 0;
                if (await insert.ExecuteScalarAsync(ct) is long id && id > 0)
                {
                    accepted.Add(new AlertRecord { Id = id, AgentId = agentId, ReceivedAt = receivedAt, Transition = a, Silenced = silenced });
                    foreach (var target in route(agentId, a))
                    {
                        qr.Value = target.Receiver;
                        qg.Value = target.GroupKey;
                        qid.Value = id;
                        await queue.ExecuteNonQueryAsync(ct);
                    }
                }
            }

            return accepted;
        }, ct);

    public async Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(AlertQuery query, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT id, agent_id, received_at, data, silenced, ack_by, ack_at FROM alerts
            WHERE ($a IS NULL OR agent_id = $a) AND ($s IS NULL OR state = $s) AND ($since IS NULL OR ts >= $since)
              AND ($sev IS NULL OR json_extract(data, '$.severity') = $sev)
            ORDER BY id DESC LIMIT $n
            """;
        cmd.Parameters.AddWithValue("$a", (object?)query.AgentId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$s", query.State is { } st ? (st == AlertState.Firing ? "firing" : "resolved") : DBNull.Value);
        cmd.Parameters.AddWithValue("$since", query.Since is { } since ? ToMs(since) : DBNull.Value);
        cmd.Parameters.AddWithValue("$sev", query.Severity is { } sev ? sev.ToString().ToLowerInvariant() : DBNull.Value);
        cmd.Parameters.AddWithValue("$n", query.Limit);
        var result = new List<AlertRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(StoreRows.Alert(reader));
        }

        return result;
    }

    public Task<AlertRecord?> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            UPDATE alerts SET ack_by = COALESCE(ack_by, $by), ack_at = COALESCE(ack_at, $at) WHERE id = $id;
            SELECT id, agent_id, received_at, data, silenced, ack_by, ack_at FROM alerts WHERE id = $id;
            """;
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$by", by);
        cmd.Parameters.AddWithValue("$at", ToMs(at));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? StoreRows.Alert(reader) : null;
    }, ct);

    public async Task<IReadOnlyList<(string AgentId, string Fingerprint, AlertSeverity Severity)>> ListFiringAsync(CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        // One pass: each fingerprint's newest transition decides whether it fires.
        cmd.CommandText = """
            SELECT agent_id, fingerprint, severity FROM (
                SELECT agent_id, fingerprint, state, json_extract(data, '$.severity') AS severity,
                       ROW_NUMBER() OVER (PARTITION BY agent_id, fingerprint ORDER BY id DESC) AS newest
                FROM alerts)
            WHERE newest = 1 AND state = 'firing'
            """;
        var result = new List<(string, string, AlertSeverity)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var severity = WireNames.Parse(reader.IsDBNull(2) ? null : reader.GetString(2), MonitoringJsonContext.Default.AlertSeverity) ?? AlertSeverity.Warning;
            result.Add((reader.GetString(0), reader.GetString(1), severity));
        }

        return result;
    }

    public async Task<IReadOnlySet<string>> AgentsWithOpenAlertAsync(string rule, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT agent_id, state FROM alerts a
            WHERE json_extract(data, '$.rule') = $rule
              AND id = (SELECT MAX(id) FROM alerts b WHERE b.agent_id = a.agent_id AND b.fingerprint = a.fingerprint)
            """;
        cmd.Parameters.AddWithValue("$rule", rule);
        var open = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetString(1) == "firing")
            {
                open.Add(reader.GetString(0));
            }
        }

        return open;
    }

    public Task InsertSilenceAsync(Silence silence, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO silences (id, agent, rule, until, reason, created_by, created_at) VALUES ($id, $agent, $rule, $until, $reason, $by, $at)";
        cmd.Parameters.AddWithValue("$id", silence.Id);
        cmd.Parameters.AddWithValue("$agent", (object?)silence.Agent ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$rule", (object?)silence.Rule ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$until", ToMs(silence.Until));
        cmd.Parameters.AddWithValue("$reason", (object?)silence.Reason ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$by", (object?)silence.CreatedBy ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$at", ToMs(silence.CreatedAt));
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public async Task<IReadOnlyList<Silence>> ListSilencesAsync(CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT id, agent, rule, until, reason, created_by, created_at FROM silences ORDER BY created_at DESC";
        var result = new List<Silence>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new Silence
            {
                Id = reader.GetString(0),
                Agent = NullableString(reader, 1),
                Rule = NullableString(reader, 2),
                Until = FromMs(reader.GetInt64(3)),
                Reason = NullableString(reader, 4),
                CreatedBy = NullableString(reader, 5),
                CreatedAt = FromMs(reader.GetInt64(6)),
            });
        }

        return result;
    }

    public Task<bool> EndSilenceAsync(string id, DateTimeOffset now, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE silences SET until = $now WHERE id = $id AND until > $now";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$now", ToMs(now));
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);

    public Task<int> PurgeAlertsAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        Database.PurgeInBatchesAsync("DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE received_at < $cutoff LIMIT 1000)", cutoff, ct);

    public Task<int> PurgeSilencesAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        Database.PurgeInBatchesAsync("DELETE FROM silences WHERE id IN (SELECT id FROM silences WHERE until < $cutoff LIMIT 1000)", cutoff, ct);
}
