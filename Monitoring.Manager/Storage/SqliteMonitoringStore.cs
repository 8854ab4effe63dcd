using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>
/// SQLite in WAL mode with synchronous=FULL: a commit is on disk before the manager acknowledges. One writer
/// connection behind a lock (SQLite has one writer anyway); readers use pooled connections and never block it.
/// </summary>
internal sealed class SqliteMonitoringStore : IMonitoringStore
{
    public const string FileName = SqliteDatabase.FileName;

    private readonly SqliteDatabase _database;

    public SqliteMonitoringStore(SqliteDatabase database) => _database = database;

    public string DatabasePath => _database.DatabasePath;

    public Task InitializeAsync(CancellationToken ct) => SqliteMigrations.ApplyAsync(_database, ct);

    public async Task<IReadOnlyList<(StoredAgent Agent, MetricSnapshot? Latest)>> LoadAgentsAsync(CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT a.id, a.token_hash, a.hostname, a.os, a.os_version, a.agent_version, a.interval_seconds, a.labels,
                   a.registered_at, a.last_seen, a.address, COALESCE(s.last_seq, 0), a.commands,
                   (SELECT data FROM snapshots WHERE agent_id = a.id ORDER BY seq DESC LIMIT 1), a.enrollment, a.enrolled_with, a.instance_key_hash
            FROM agents a LEFT JOIN agent_seq s ON s.agent_id = a.id
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

    public Task<IReadOnlyList<AlertRecord>> AppendAlertsAsync(
        string agentId, IReadOnlyList<AlertTransition> transitions, DateTimeOffset receivedAt, Func<string, AlertTransition, bool> isSilenced, CancellationToken ct) =>
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
            result.Add(ReadAlert(reader));
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
        return await reader.ReadAsync(ct) ? ReadAlert(reader) : null;
    }, ct);

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

    private static AlertRecord ReadAlert(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(0),
        AgentId = r.GetString(1),
        ReceivedAt = FromMs(r.GetInt64(2)),
        Transition = JsonSerializer.Deserialize(r.GetString(3), MonitoringJsonContext.Default.AlertTransition)!,
        Silenced = r.GetInt64(4) != 0,
        AcknowledgedBy = NullableString(r, 5),
        AcknowledgedAt = r.IsDBNull(6) ? null : FromMs(r.GetInt64(6)),
    };
    public Task InsertCommandAsync(CommandRecord command, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO commands (id, agent_id, name, arguments, status, requested_by, created_at, expires_at, timeout_seconds)
            VALUES ($id, $agent, $name, $args, $status, $by, $created, $expires, $timeout)
            """;
        cmd.Parameters.AddWithValue("$id", command.Id);
        cmd.Parameters.AddWithValue("$agent", command.AgentId);
        cmd.Parameters.AddWithValue("$name", command.Name);
        cmd.Parameters.AddWithValue("$args", command.Arguments is null ? DBNull.Value : JsonSerializer.Serialize(command.Arguments, ManagerJsonContext.Default.DictionaryStringJsonElement));
        cmd.Parameters.AddWithValue("$status", CommandStatuses.ToWire(command.Status));
        cmd.Parameters.AddWithValue("$by", (object?)command.RequestedBy ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$created", ToMs(command.CreatedAt));
        cmd.Parameters.AddWithValue("$expires", ToMs(command.ExpiresAt));
        cmd.Parameters.AddWithValue("$timeout", command.TimeoutSeconds);
        await cmd.ExecuteNonQueryAsync(ct);
        return 0;
    }, ct);

    public async Task<CommandRecord?> GetCommandAsync(string id, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        return await ReadCommandAsync(conn, null, id, ct);
    }

    public async Task<IReadOnlyList<CommandRecord>> ListCommandsAsync(string agentId, int limit, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {CommandColumns} FROM commands WHERE agent_id = $a ORDER BY created_at DESC, id DESC LIMIT $n";
        cmd.Parameters.AddWithValue("$a", agentId);
        cmd.Parameters.AddWithValue("$n", limit);
        var result = new List<CommandRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(ReadCommand(reader));
        }

        return result;
    }

    public async Task<CommandRecord?> DeliverNextAsync(string agentId, IReadOnlyCollection<string> skip, DateTimeOffset now, CancellationToken ct)
    {
        // A read finds the command: most polls find none, and none of them waits behind everyone's reports.
        CommandRecord? next = null;
        await using (var conn = await OpenReaderAsync(ct))
        {
            using var open = conn.CreateCommand();
            open.CommandText = $"""
                SELECT {CommandColumns} FROM commands
                WHERE agent_id = $a AND (status = 'delivered' OR (status = 'queued' AND expires_at > $now))
                ORDER BY created_at, id LIMIT $n
                """;
            open.Parameters.AddWithValue("$a", agentId);
            open.Parameters.AddWithValue("$now", ToMs(now));
            open.Parameters.AddWithValue("$n", skip.Count + 1);
            await using var reader = await open.ExecuteReaderAsync(ct);
            while (next is null && await reader.ReadAsync(ct))
            {
                var candidate = ReadCommand(reader);
                if (!skip.Contains(candidate.Id))
                {
                    next = candidate;
                }
            }
        }

        if (next is null)
        {
            return null;
        }

        // Marking it delivered is not waited for: if that write were lost the command would stay queued and be
        // handed out again, and the agent answers a repeated id from its own record without running it twice.
        _ = MarkDeliveredAsync(next.Id, now);
        return next with { Status = CommandStatus.Delivered, DeliveredAt = next.DeliveredAt ?? now };
    }

    private async Task MarkDeliveredAsync(string id, DateTimeOffset now)
    {
        try
        {
            await WriteAsync(async (conn, tx) =>
            {
                var update = _database.Prepared(conn, tx, """
                    UPDATE commands SET status = 'delivered', delivered_at = COALESCE(delivered_at, $now)
                    WHERE id = $id AND status IN ('queued', 'delivered')
                    """, out var created);
                if (created)
                {
                    update.Parameters.Add("$id", SqliteType.Text);
                    update.Parameters.Add("$now", SqliteType.Integer);
                }

                update.Parameters[0].Value = id;
                update.Parameters[1].Value = ToMs(now);
                return await update.ExecuteNonQueryAsync(CancellationToken.None);
            }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is SqliteException or ObjectDisposedException)
        {
            // The command stays queued and is delivered again; nothing is lost.
        }
    }

    public Task<CommandRecord?> CompleteCommandAsync(
        string id, CommandStatus status, JsonElement? result, string? error, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(async (conn, tx) =>
        {
            using (var update = conn.CreateCommand())
            {
                update.Transaction = tx;
                update.CommandText = """
                    UPDATE commands SET status = $status, result = $result, error = $error, completed_at = $now
                    WHERE id = $id AND status IN ('queued', 'delivered')
                    """;
                update.Parameters.AddWithValue("$id", id);
                update.Parameters.AddWithValue("$status", CommandStatuses.ToWire(status));
                update.Parameters.AddWithValue("$result", result is { } r ? r.GetRawText() : DBNull.Value);
                update.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
                update.Parameters.AddWithValue("$now", ToMs(now));
                if (await update.ExecuteNonQueryAsync(ct) == 0)
                {
                    return null;
                }
            }

            return await ReadCommandAsync(conn, tx, id, ct);
        }, ct);

    public Task<IReadOnlyList<CommandRecord>> ExpireCommandsAsync(DateTimeOffset now, TimeSpan grace, CancellationToken ct) =>
        WriteAsync<IReadOnlyList<CommandRecord>>(async (conn, tx) =>
        {
            var due = new List<CommandRecord>();
            using (var select = conn.CreateCommand())
            {
                select.Transaction = tx;
                select.CommandText = $"""
                    SELECT {CommandColumns} FROM commands
                    WHERE (status = 'queued' AND expires_at <= $now)
                       OR (status = 'delivered' AND delivered_at + timeout_seconds * 1000 + $grace <= $now)
                    """;
                select.Parameters.AddWithValue("$now", ToMs(now));
                select.Parameters.AddWithValue("$grace", (long)grace.TotalMilliseconds);
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    due.Add(ReadCommand(reader));
                }
            }

            var changed = new List<CommandRecord>(due.Count);
            foreach (var c in due)
            {
                var expired = c.Status == CommandStatus.Queued;
                var error = expired
                    ? $"Not delivered: agent '{c.AgentId}' did not fetch the command before it expired at {c.ExpiresAt:u}. Check the agent is running and connected, then send it again."
                    : $"Agent '{c.AgentId}' received the command at {c.DeliveredAt:u} but sent no result within its timeout of {c.TimeoutSeconds} s.";
                using var update = conn.CreateCommand();
                update.Transaction = tx;
                update.CommandText = "UPDATE commands SET status = $status, error = $error, completed_at = $now WHERE id = $id";
                update.Parameters.AddWithValue("$id", c.Id);
                update.Parameters.AddWithValue("$status", expired ? "expired" : "timed_out");
                update.Parameters.AddWithValue("$error", error);
                update.Parameters.AddWithValue("$now", ToMs(now));
                await update.ExecuteNonQueryAsync(ct);
                changed.Add(c with { Status = expired ? CommandStatus.Expired : CommandStatus.TimedOut, Error = error, CompletedAt = now });
            }

            return changed;
        }, ct);

    public Task InsertFileAsync(FileRecord file, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO files (id, name, agent_id, source_path, size, sha256, status, requested_by, created_at, completed_at)
            VALUES ($id, $name, $agent, $source, $size, $sha, $status, $by, $created, $completed)
            """;
        cmd.Parameters.AddWithValue("$id", file.Id);
        cmd.Parameters.AddWithValue("$name", file.Name);
        cmd.Parameters.AddWithValue("$agent", (object?)file.AgentId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$source", (object?)file.SourcePath ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$size", file.Size);
        cmd.Parameters.AddWithValue("$sha", file.Sha256);
        cmd.Parameters.AddWithValue("$status", file.Status == FileStatus.Complete ? "complete" : "uploading");
        cmd.Parameters.AddWithValue("$by", file.RequestedBy ?? "");
        cmd.Parameters.AddWithValue("$created", ToMs(file.CreatedAt));
        cmd.Parameters.AddWithValue("$completed", file.CompletedAt is { } c ? ToMs(c) : DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
        return 0;
    }, ct);

    public async Task<FileRecord?> GetFileAsync(string id, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {FileColumns} FROM files WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadFile(reader) : null;
    }

    public async Task<IReadOnlyList<FileRecord>> ListFilesAsync(int limit, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {FileColumns} FROM files ORDER BY created_at DESC, id DESC LIMIT $n";
        cmd.Parameters.AddWithValue("$n", limit);
        var result = new List<FileRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(ReadFile(reader));
        }

        return result;
    }

    public async Task<FileRecord?> FindFileAsync(string? agentId, string requestedBy, string origin, string sha256, long size, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"""
            SELECT {FileColumns} FROM files
            WHERE sha256 = $sha AND size = $size AND requested_by = $by AND agent_id IS $agent AND COALESCE(source_path, name) = $origin
            ORDER BY status = 'complete' DESC, created_at DESC LIMIT 1
            """;
        cmd.Parameters.AddWithValue("$sha", sha256);
        cmd.Parameters.AddWithValue("$size", size);
        cmd.Parameters.AddWithValue("$by", requestedBy);
        cmd.Parameters.AddWithValue("$agent", (object?)agentId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$origin", origin);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadFile(reader) : null;
    }

    public Task MarkFileCompleteAsync(string id, DateTimeOffset now, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE files SET status = 'complete', completed_at = $now WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$now", ToMs(now));
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public Task<bool> DeleteFileAsync(string id, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM files WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);

    public async Task<bool> IsFileOfferedToAsync(string fileId, string agentId, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT 1 FROM commands
            WHERE agent_id = $a AND name = 'receive_file' AND status IN ('queued', 'delivered')
              AND json_extract(arguments, '$.fileId') = $f
            LIMIT 1
            """;
        cmd.Parameters.AddWithValue("$a", agentId);
        cmd.Parameters.AddWithValue("$f", fileId);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public Task<(long AgentBytes, long TotalBytes)> GetFileUsageAsync(string? agentId, CancellationToken ct) => ReadAsync(async conn =>
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(SUM(CASE WHEN agent_id = $a THEN size END), 0), COALESCE(SUM(size), 0) FROM files";
        cmd.Parameters.AddWithValue("$a", (object?)agentId ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetInt64(1));
    }, ct);

    public Task<IReadOnlyList<string>> ListStaleUploadsAsync(DateTimeOffset cutoff, CancellationToken ct) => ReadAsync<IReadOnlyList<string>>(async conn =>
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT id FROM files WHERE status = 'uploading' AND created_at < $cutoff LIMIT 1000";
        cmd.Parameters.AddWithValue("$cutoff", ToMs(cutoff));
        var ids = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }, ct);

    public Task<int> PurgeAlertsAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        _database.PurgeInBatchesAsync("DELETE FROM alerts WHERE id IN (SELECT id FROM alerts WHERE received_at < $cutoff LIMIT 1000)", cutoff, ct);

    public Task<int> PurgeCommandsAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        _database.PurgeInBatchesAsync(
            "DELETE FROM commands WHERE id IN (SELECT id FROM commands WHERE status NOT IN ('queued', 'delivered') AND COALESCE(completed_at, created_at) < $cutoff LIMIT 1000)",
            cutoff, ct);

    public Task<int> PurgeSilencesAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        _database.PurgeInBatchesAsync("DELETE FROM silences WHERE id IN (SELECT id FROM silences WHERE until < $cutoff LIMIT 1000)", cutoff, ct);

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        return await work(conn);
    }

    public void Dispose()
    {
    }

    private Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct) => _database.WriteAsync(work, ct);

    private Task<SqliteConnection> OpenReaderAsync(CancellationToken ct) => _database.OpenReaderAsync(ct);

    private const string FileColumns = "id, name, agent_id, source_path, size, sha256, status, requested_by, created_at, completed_at";

    private static FileRecord ReadFile(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        AgentId = NullableString(r, 2),
        SourcePath = NullableString(r, 3),
        Size = r.GetInt64(4),
        Sha256 = r.GetString(5),
        Status = r.GetString(6) == "complete" ? FileStatus.Complete : FileStatus.Uploading,
        Received = r.GetString(6) == "complete" ? r.GetInt64(4) : 0,
        RequestedBy = r.GetString(7),
        CreatedAt = FromMs(r.GetInt64(8)),
        CompletedAt = r.IsDBNull(9) ? null : FromMs(r.GetInt64(9)),
    };

    private const string CommandColumns =
        "id, agent_id, name, arguments, status, requested_by, created_at, delivered_at, completed_at, expires_at, timeout_seconds, result, error";

    private static async Task<CommandRecord?> ReadCommandAsync(SqliteConnection conn, SqliteTransaction? tx, string id, CancellationToken ct)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT {CommandColumns} FROM commands WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadCommand(reader) : null;
    }

    private static CommandRecord ReadCommand(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        AgentId = r.GetString(1),
        Name = r.GetString(2),
        Arguments = r.IsDBNull(3) ? null : JsonSerializer.Deserialize(r.GetString(3), ManagerJsonContext.Default.DictionaryStringJsonElement),
        Status = CommandStatuses.Parse(r.GetString(4)),
        RequestedBy = NullableString(r, 5),
        CreatedAt = FromMs(r.GetInt64(6)),
        DeliveredAt = r.IsDBNull(7) ? null : FromMs(r.GetInt64(7)),
        CompletedAt = r.IsDBNull(8) ? null : FromMs(r.GetInt64(8)),
        ExpiresAt = FromMs(r.GetInt64(9)),
        TimeoutSeconds = r.GetInt32(10),
        Result = r.IsDBNull(11) ? null : JsonDocument.Parse(r.GetString(11)).RootElement.Clone(),
        Error = NullableString(r, 12),
    };

    private static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long ToMs(DateTimeOffset t) => SqliteDatabase.ToMs(t);

    private static DateTimeOffset FromMs(long ms) => SqliteDatabase.FromMs(ms);
}
