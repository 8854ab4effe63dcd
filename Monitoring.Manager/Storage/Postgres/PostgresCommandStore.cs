using System.Text.Json;
using Monitoring.Protocol;
using Npgsql;

namespace Monitoring.Manager.Storage.Postgres;

/// <summary>
/// Commands and their audit trail on PostgreSQL. A command is taken for delivery with <c>FOR UPDATE SKIP LOCKED</c>,
/// so two managers never hand the same command to one agent at once.
/// </summary>
internal sealed class PostgresCommandStore(PostgresDatabase database) : ICommandStore
{
    private const string CommandColumns =
        "id, agent_id, name, arguments, status, requested_by, created_at, delivered_at, completed_at, expires_at, timeout_seconds, result, error";

    public Task InitializeAsync(CancellationToken ct) => PostgresMigrations.ApplyAsync(database, ct);

    public async Task InsertCommandAsync(CommandRecord command, CancellationToken ct, Action? visible = null, bool durable = true)
    {
        await database.WriteAsync(async (conn, tx) =>
        {
            await using var insert = Sql.Command(conn, tx, """
                INSERT INTO commands (id, agent_id, name, arguments, status, requested_by, created_at, delivered_at, expires_at, timeout_seconds)
                VALUES (@id, @agent, @name, @args, @status, @by, @created, @delivered, @expires, @timeout)
                """,
                ("id", command.Id),
                ("agent", command.AgentId),
                ("name", command.Name),
                ("args", command.Arguments is null ? null : JsonSerializer.Serialize(command.Arguments, ManagerJsonContext.Default.DictionaryStringJsonElement)),
                ("status", CommandStatuses.ToWire(command.Status)),
                ("by", command.RequestedBy),
                ("created", PostgresDatabase.ToMs(command.CreatedAt)),
                ("delivered", Sql.Ms(command.DeliveredAt)),
                ("expires", PostgresDatabase.ToMs(command.ExpiresAt)),
                ("timeout", command.TimeoutSeconds));
            return await insert.ExecuteNonQueryAsync(ct);
        }, ct);
        visible?.Invoke();
    }

    public Task<CommandRecord?> GetCommandAsync(string id, CancellationToken ct) => database.ReadAsync(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, $"SELECT {CommandColumns} FROM commands WHERE id = @id", ("id", id));
        return (await ReadCommandsAsync(cmd, ct)).FirstOrDefault();
    }, ct);

    public Task<IReadOnlyList<CommandRecord>> ListCommandsAsync(string agentId, int limit, CancellationToken ct) => ListAsync(agentId, limit, ct);

    public Task<IReadOnlyList<CommandRecord>> ListRecentCommandsAsync(int limit, CancellationToken ct) => ListAsync(null, limit, ct);

    private Task<IReadOnlyList<CommandRecord>> ListAsync(string? agentId, int limit, CancellationToken ct) => database.ReadAsync(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, agentId is null
            ? $"SELECT {CommandColumns} FROM commands ORDER BY created_at DESC, id DESC LIMIT @n"
            : $"SELECT {CommandColumns} FROM commands WHERE agent_id = @a ORDER BY created_at DESC, id DESC LIMIT @n",
            ("a", agentId), ("n", limit));
        return await ReadCommandsAsync(cmd, ct);
    }, ct);

    public Task<CommandRecord?> DeliverNextAsync(string agentId, IReadOnlyCollection<string> skip, DateTimeOffset now, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            await using var take = Sql.Command(conn, tx, $"""
                UPDATE commands SET status = 'delivered', delivered_at = COALESCE(delivered_at, @now)
                WHERE id = (SELECT id FROM commands
                            WHERE agent_id = @a AND (status = 'delivered' OR (status = 'queued' AND expires_at > @now)) AND NOT (id = ANY(@skip))
                            ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING {CommandColumns}
                """, ("a", agentId), ("now", PostgresDatabase.ToMs(now)), ("skip", skip.ToArray()));
            return (await ReadCommandsAsync(take, ct)).FirstOrDefault();
        }, ct);

    public Task MarkDeliveredAsync(string id, DateTimeOffset now, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var update = Sql.Command(conn, tx, """
            UPDATE commands SET status = 'delivered', delivered_at = COALESCE(delivered_at, @now)
            WHERE id = @id AND status IN ('queued', 'delivered')
            """, ("id", id), ("now", PostgresDatabase.ToMs(now)));
        return await update.ExecuteNonQueryAsync(ct);
    }, ct);

    public async Task<CommandRecord?> CompleteCommandAsync(
        string agentId, string id, CommandStatus status, JsonElement? result, string? error, DateTimeOffset now, CancellationToken ct, Action<CommandRecord>? visible = null)
    {
        var completed = await database.WriteAsync(async (conn, tx) =>
        {
            await using var update = Sql.Command(conn, tx, $"""
                UPDATE commands SET status = @status, result = @result, error = @error, completed_at = @now
                WHERE id = @id AND agent_id = @agent AND status IN ('queued', 'delivered')
                RETURNING {CommandColumns}
                """,
                ("id", id), ("agent", agentId), ("status", CommandStatuses.ToWire(status)), ("result", result?.GetRawText()), ("error", error),
                ("now", PostgresDatabase.ToMs(now)));
            return (await ReadCommandsAsync(update, ct)).FirstOrDefault();
        }, ct);
        if (completed is not null)
        {
            visible?.Invoke(completed);
        }

        return completed;
    }

    public Task<IReadOnlyList<CommandRecord>> ExpireCommandsAsync(DateTimeOffset now, TimeSpan grace, CancellationToken ct) =>
        database.WriteAsync<IReadOnlyList<CommandRecord>>(async (conn, tx) =>
        {
            await using var select = Sql.Command(conn, tx, $"""
                SELECT {CommandColumns} FROM commands
                WHERE (status = 'queued' AND expires_at <= @now)
                   OR (status = 'delivered' AND delivered_at + timeout_seconds * 1000 + @grace <= @now)
                FOR UPDATE SKIP LOCKED
                """, ("now", PostgresDatabase.ToMs(now)), ("grace", (long)grace.TotalMilliseconds));
            var due = await ReadCommandsAsync(select, ct);
            var changed = new List<CommandRecord>(due.Count);
            foreach (var c in due)
            {
                var (status, error) = StoreRows.Expiry(c);
                await using var update = Sql.Command(conn, tx, "UPDATE commands SET status = @status, error = @error, completed_at = @now WHERE id = @id",
                    ("id", c.Id), ("status", CommandStatuses.ToWire(status)), ("error", error), ("now", PostgresDatabase.ToMs(now)));
                await update.ExecuteNonQueryAsync(ct);
                changed.Add(c with { Status = status, Error = error, CompletedAt = now });
            }

            return changed;
        }, ct);

    public Task<int> PurgeCommandsAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        database.PurgeInBatchesAsync(
            "DELETE FROM commands WHERE id IN (SELECT id FROM commands WHERE status NOT IN ('queued', 'delivered') AND COALESCE(completed_at, created_at) < @cutoff LIMIT 1000)",
            cutoff, ct);

    private static async Task<IReadOnlyList<CommandRecord>> ReadCommandsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var result = new List<CommandRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new CommandRecord
            {
                Id = r.GetString(0),
                AgentId = r.GetString(1),
                Name = r.GetString(2),
                Arguments = r.IsDBNull(3) ? null : JsonSerializer.Deserialize(r.GetString(3), ManagerJsonContext.Default.DictionaryStringJsonElement),
                Status = CommandStatuses.Parse(r.GetString(4)),
                RequestedBy = Sql.Text(r, 5),
                CreatedAt = PostgresDatabase.FromMs(r.GetInt64(6)),
                DeliveredAt = Sql.Time(r, 7),
                CompletedAt = Sql.Time(r, 8),
                ExpiresAt = PostgresDatabase.FromMs(r.GetInt64(9)),
                TimeoutSeconds = r.GetInt32(10),
                Result = r.IsDBNull(11) ? null : JsonDocument.Parse(r.GetString(11)).RootElement.Clone(),
                Error = Sql.Text(r, 12),
            });
        }

        return result;
    }
}
