using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>Commands: the durable queue, delivery, outcomes and the audit trail.</summary>
internal sealed class SqliteCommandStore(SqliteDatabase database) : SqliteStore(database), ICommandStore
{
    public Task InitializeAsync(CancellationToken ct) => SqliteMigrations.ApplyAsync(Database, ct);

    public Task InsertCommandAsync(CommandRecord command, CancellationToken ct, Action? visible = null, bool durable = true) => Database.WriteAsync(async (conn, tx) =>
    {
        var insert = Database.Prepared(conn, tx, """
            INSERT INTO commands (id, agent_id, name, arguments, status, requested_by, created_at, delivered_at, expires_at, timeout_seconds)
            VALUES ($id, $agent, $name, $args, $status, $by, $created, $delivered, $expires, $timeout)
            """, out var created);
        if (created)
        {
            foreach (var name in (string[])["$id", "$agent", "$name", "$args", "$status", "$by", "$created", "$delivered", "$expires", "$timeout"])
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
        }

        var p = insert.Parameters;
        p[0].Value = command.Id;
        p[1].Value = command.AgentId;
        p[2].Value = command.Name;
        p[3].Value = command.Arguments is null ? DBNull.Value : JsonSerializer.Serialize(command.Arguments, ManagerJsonContext.Default.DictionaryStringJsonElement);
        p[4].Value = CommandStatuses.ToWire(command.Status);
        p[5].Value = (object?)command.RequestedBy ?? DBNull.Value;
        p[6].Value = ToMs(command.CreatedAt);
        p[7].Value = command.DeliveredAt is { } delivered ? ToMs(delivered) : DBNull.Value;
        p[8].Value = ToMs(command.ExpiresAt);
        p[9].Value = command.TimeoutSeconds;
        await insert.ExecuteNonQueryAsync(ct);
        return 0;
    }, durable, ct, visible);

    public async Task<CommandRecord?> GetCommandAsync(string id, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        return await ReadCommandAsync(conn, null, id, ct);
    }

    public Task<IReadOnlyList<CommandRecord>> ListCommandsAsync(string agentId, int limit, CancellationToken ct) => ListAsync(agentId, limit, ct);

    public Task<IReadOnlyList<CommandRecord>> ListRecentCommandsAsync(int limit, CancellationToken ct) => ListAsync(null, limit, ct);

    /// <summary>Commands newest first: one agent's (by its index), or every agent's (by the creation index).</summary>
    private async Task<IReadOnlyList<CommandRecord>> ListAsync(string? agentId, int limit, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = agentId is null
            ? $"SELECT {CommandColumns} FROM commands ORDER BY created_at DESC, id DESC LIMIT $n"
            : $"SELECT {CommandColumns} FROM commands WHERE agent_id = $a ORDER BY created_at DESC, id DESC LIMIT $n";
        cmd.Parameters.AddWithValue("$a", (object?)agentId ?? DBNull.Value);
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

        // Committed before it is handed out, so whoever reads the command sees where it is. Not waited onto disk: lost
        // with a power cut, the command is delivered again and the agent answers the repeat from its own record.
        await MarkDeliveredAsync(next.Id, now, ct);
        return next with { Status = CommandStatus.Delivered, DeliveredAt = next.DeliveredAt ?? now };
    }

    public async Task MarkDeliveredAsync(string id, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await Database.WriteAsync(async (conn, tx) =>
            {
                var update = Database.Prepared(conn, tx, """
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
                return await update.ExecuteNonQueryAsync(ct);
            }, durable: false, ct);
        }
        catch (Exception ex) when (ex is SqliteException or ObjectDisposedException)
        {
            // The command stays queued and is delivered again: the agent answers a repeated id from its own record.
        }
    }

    public Task<CommandRecord?> CompleteCommandAsync(
        string agentId, string id, CommandStatus status, JsonElement? result, string? error, DateTimeOffset now, CancellationToken ct, Action<CommandRecord>? visible = null)
    {
        CommandRecord? completed = null;
        return Database.WriteAsync(async (conn, tx) =>
        {
            var update = Database.Prepared(conn, tx, $"""
                UPDATE commands SET status = $status, result = $result, error = $error, completed_at = $now
                WHERE id = $id AND agent_id = $agent AND status IN ('queued', 'delivered')
                RETURNING {CommandColumns}
                """, out var created);
            if (created)
            {
                foreach (var name in (string[])["$id", "$agent", "$status", "$result", "$error", "$now"])
                {
                    update.Parameters.Add(new SqliteParameter { ParameterName = name });
                }
            }

            var p = update.Parameters;
            p[0].Value = id;
            p[1].Value = agentId;
            p[2].Value = CommandStatuses.ToWire(status);
            p[3].Value = result is { } r ? r.GetRawText() : DBNull.Value;
            p[4].Value = (object?)error ?? DBNull.Value;
            p[5].Value = ToMs(now);
            await using var reader = await update.ExecuteReaderAsync(ct);
            completed = await reader.ReadAsync(ct) ? ReadCommand(reader) : null;
            return completed;
        }, durable: true, ct, () =>
        {
            if (completed is not null)
            {
                visible?.Invoke(completed);
            }
        });
    }

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
                var (status, error) = StoreRows.Expiry(c);
                using var update = conn.CreateCommand();
                update.Transaction = tx;
                update.CommandText = "UPDATE commands SET status = $status, error = $error, completed_at = $now WHERE id = $id";
                update.Parameters.AddWithValue("$id", c.Id);
                update.Parameters.AddWithValue("$status", CommandStatuses.ToWire(status));
                update.Parameters.AddWithValue("$error", error);
                update.Parameters.AddWithValue("$now", ToMs(now));
                await update.ExecuteNonQueryAsync(ct);
                changed.Add(c with { Status = status, Error = error, CompletedAt = now });
            }

            return changed;
        }, ct);

    public Task<int> PurgeCommandsAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        Database.PurgeInBatchesAsync(
            "DELETE FROM commands WHERE id IN (SELECT id FROM commands WHERE status NOT IN ('queued', 'delivered') AND COALESCE(completed_at, created_at) < $cutoff LIMIT 1000)",
            cutoff, ct);

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
}
