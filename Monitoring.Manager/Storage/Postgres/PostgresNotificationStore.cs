using System.Text.Json;
using Monitoring.Manager.Notifications;
using Monitoring.Protocol;
using Npgsql;

namespace Monitoring.Manager.Storage.Postgres;

/// <summary>Receivers, notification groups and the outbox on PostgreSQL.</summary>
internal sealed class PostgresNotificationStore(PostgresDatabase database) : INotificationStore
{
    public Task InitializeAsync(CancellationToken ct) => PostgresMigrations.ApplyAsync(database, ct);

    public Task<IReadOnlyList<Receiver>> ListReceiversAsync(CancellationToken ct) => database.ReadAsync<IReadOnlyList<Receiver>>(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, "SELECT data FROM receivers ORDER BY name");
        var result = new List<Receiver>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(JsonSerializer.Deserialize(reader.GetString(0), MonitoringJsonContext.Default.Receiver)!);
        }

        return result;
    }, ct);

    public Task PutReceiverAsync(Receiver receiver, DateTimeOffset at, CancellationToken ct) => ExecuteAsync(
        "INSERT INTO receivers (name, data, updated_at) VALUES (@n, @d, @at) ON CONFLICT (name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
        ct, ("n", receiver.Name), ("d", JsonSerializer.Serialize(receiver, MonitoringJsonContext.Default.Receiver)), ("at", PostgresDatabase.ToMs(at)));

    public Task<bool> DeleteReceiverAsync(string name, DateTimeOffset at, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var delete = Sql.Command(conn, tx, "DELETE FROM receivers WHERE name = @n", ("n", name));
        if (await delete.ExecuteNonQueryAsync(ct) == 0)
        {
            return false;
        }

        await using var rest = Sql.Command(conn, tx, """
            DELETE FROM notify_events WHERE receiver = @n;
            DELETE FROM notify_groups WHERE receiver = @n;
            UPDATE notifications SET status = 'failed', next_attempt_at = NULL, finished_at = @at WHERE receiver = @n AND status = 'pending';
            """, ("n", name), ("at", PostgresDatabase.ToMs(at)));
        await rest.ExecuteNonQueryAsync(ct);
        return true;
    }, ct);

    public Task<IReadOnlyList<NotificationGroup>> ListGroupsAsync(CancellationToken ct) => database.ReadAsync<IReadOnlyList<NotificationGroup>>(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, """
            SELECT k.receiver, k.group_key, g.members, g.last_sent_at, g.next_check_at, e.first_at, e.last_id
            FROM (SELECT receiver, group_key FROM notify_groups UNION SELECT receiver, group_key FROM notify_events) k
            LEFT JOIN notify_groups g ON g.receiver = k.receiver AND g.group_key = k.group_key
            LEFT JOIN (SELECT receiver, group_key, MIN(enqueued_at) AS first_at, MAX(id) AS last_id FROM notify_events GROUP BY receiver, group_key) e
              ON e.receiver = k.receiver AND e.group_key = k.group_key
            """);
        var result = new List<NotificationGroup>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new NotificationGroup(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? [] : JsonSerializer.Deserialize(reader.GetString(2), ManagerJsonContext.Default.ListGroupMember)!,
                Sql.Time(reader, 3),
                Sql.Time(reader, 4),
                Sql.Time(reader, 5),
                reader.IsDBNull(6) ? 0 : reader.GetInt64(6)));
        }

        return result;
    }, ct);

    public Task<IReadOnlyList<AlertRecord>> PendingTransitionsAsync(string receiver, string groupKey, long upToEventId, CancellationToken ct) =>
        database.ReadAsync(async conn =>
        {
            await using var cmd = Sql.Command(conn, null, $"""
                SELECT {PostgresAlertStore.AlertColumns} FROM notify_events e JOIN alerts a ON a.id = e.alert_id
                WHERE e.receiver = @r AND e.group_key = @g AND e.id <= @upTo ORDER BY e.id
                """, ("r", receiver), ("g", groupKey), ("upTo", upToEventId));
            return await PostgresAlertStore.ReadAlertsAsync(cmd, ct);
        }, ct);

    public Task<IReadOnlyDictionary<long, AlertRecord>> GetAlertsAsync(IReadOnlyCollection<long> ids, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyDictionary<long, AlertRecord>>(async conn =>
        {
            if (ids.Count == 0)
            {
                return new Dictionary<long, AlertRecord>();
            }

            await using var cmd = Sql.Command(conn, null, $"SELECT {PostgresAlertStore.AlertColumns} FROM alerts a WHERE a.id = ANY(@ids)", ("ids", ids.ToArray()));
            return (await PostgresAlertStore.ReadAlertsAsync(cmd, ct)).ToDictionary(a => a.Id);
        }, ct);

    public Task SaveGroupAsync(string receiver, string groupKey, NotificationPlan plan, long upToEventId, DateTimeOffset now, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            await using (var consumed = Sql.Command(conn, tx, "DELETE FROM notify_events WHERE receiver = @r AND group_key = @g AND id <= @upTo",
                ("r", receiver), ("g", groupKey), ("upTo", upToEventId)))
            {
                await consumed.ExecuteNonQueryAsync(ct);
            }

            await using (var group = plan.Members.Count == 0
                ? Sql.Command(conn, tx, "DELETE FROM notify_groups WHERE receiver = @r AND group_key = @g", ("r", receiver), ("g", groupKey))
                : Sql.Command(conn, tx, """
                    INSERT INTO notify_groups (receiver, group_key, members, last_sent_at, next_check_at) VALUES (@r, @g, @members, @sent, @check)
                    ON CONFLICT (receiver, group_key) DO UPDATE SET members = excluded.members, last_sent_at = excluded.last_sent_at, next_check_at = excluded.next_check_at
                    """,
                    ("r", receiver), ("g", groupKey), ("members", JsonSerializer.Serialize(plan.Members.ToList(), ManagerJsonContext.Default.ListGroupMember)),
                    ("sent", Sql.Ms(plan.LastSentAt)), ("check", Sql.Ms(plan.NextCheckAt))))
            {
                await group.ExecuteNonQueryAsync(ct);
            }

            if (plan.Message is { } message)
            {
                await using var insert = Sql.Command(conn, tx, """
                    INSERT INTO notifications (receiver, group_key, state, repeat, message, status, created_at, next_attempt_at)
                    VALUES (@r, @g, @state, @repeat, @message, 'pending', @now, @now)
                    """,
                    ("r", receiver), ("g", groupKey), ("state", WireNames.Of(message.State, MonitoringJsonContext.Default.AlertState)), ("repeat", message.Repeat),
                    ("message", JsonSerializer.Serialize(message, ManagerJsonContext.Default.NotificationMessage)), ("now", PostgresDatabase.ToMs(now)));
                await insert.ExecuteNonQueryAsync(ct);
            }

            return 0;
        }, ct);

    public Task<IReadOnlyList<PendingNotification>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct) => database.ReadAsync<IReadOnlyList<PendingNotification>>(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, """
            SELECT n.id, n.receiver, n.message, n.created_at, (SELECT COUNT(*) FROM notification_attempts t WHERE t.notification_id = n.id)::int
            FROM notifications n WHERE n.status = 'pending' AND n.next_attempt_at <= @now
              AND NOT EXISTS (SELECT 1 FROM notifications o WHERE o.receiver = n.receiver AND o.status = 'pending' AND o.id < n.id AND o.next_attempt_at > @now)
            ORDER BY n.id LIMIT @limit
            """, ("now", PostgresDatabase.ToMs(now)), ("limit", limit));
        var result = new List<PendingNotification>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new PendingNotification(
                reader.GetInt64(0), reader.GetString(1), JsonSerializer.Deserialize(reader.GetString(2), ManagerJsonContext.Default.NotificationMessage)!,
                PostgresDatabase.FromMs(reader.GetInt64(3)), reader.GetInt32(4)));
        }

        return result;
    }, ct);

    public Task RetryPendingNowAsync(DateTimeOffset now, CancellationToken ct) => ExecuteAsync(
        "UPDATE notifications SET next_attempt_at = @now WHERE status = 'pending' AND next_attempt_at > @now", ct, ("now", PostgresDatabase.ToMs(now)));

    public Task RecordAttemptsAsync(
        PendingNotification notification, IReadOnlyList<NotificationAttempt> attempts, NotificationStatus status, DateTimeOffset? nextAttemptAt, DateTimeOffset now, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            foreach (var attempt in attempts)
            {
                await using var insert = Sql.Command(conn, tx, """
                    INSERT INTO notification_attempts (notification_id, receiver, at, succeeded, detail, duration_ms) VALUES (@id, @r, @at, @ok, @detail, @ms)
                    """,
                    ("id", notification.Id), ("r", notification.Receiver), ("at", PostgresDatabase.ToMs(attempt.At)), ("ok", attempt.Succeeded),
                    ("detail", attempt.Detail), ("ms", attempt.DurationMs));
                await insert.ExecuteNonQueryAsync(ct);
            }

            await using var update = Sql.Command(conn, tx, "UPDATE notifications SET status = @s, next_attempt_at = @next, finished_at = @finished WHERE id = @id",
                ("id", notification.Id), ("s", WireNames.Of(status, MonitoringJsonContext.Default.NotificationStatus)), ("next", Sql.Ms(nextAttemptAt)),
                ("finished", status == NotificationStatus.Pending ? null : PostgresDatabase.ToMs(now)));
            return await update.ExecuteNonQueryAsync(ct);
        }, ct);

    public Task<IReadOnlyList<NotificationRecord>> ListNotificationsAsync(string? receiver, NotificationStatus? status, int limit, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<NotificationRecord>>(async conn =>
        {
            var result = new List<NotificationRecord>();
            await using (var cmd = Sql.Command(conn, null, """
                SELECT id, receiver, group_key, state, repeat, message, status, created_at, next_attempt_at FROM notifications
                WHERE (@r::text IS NULL OR receiver = @r) AND (@s::text IS NULL OR status = @s) ORDER BY id DESC LIMIT @limit
                """,
                ("r", receiver), ("s", status is { } s ? WireNames.Of(s, MonitoringJsonContext.Default.NotificationStatus) : null), ("limit", limit)))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var message = JsonSerializer.Deserialize(reader.GetString(5), ManagerJsonContext.Default.NotificationMessage)!;
                    result.Add(new NotificationRecord
                    {
                        Id = reader.GetInt64(0),
                        Receiver = reader.GetString(1),
                        GroupKey = reader.GetString(2),
                        State = WireNames.Parse(reader.GetString(3), MonitoringJsonContext.Default.AlertState) ?? AlertState.Firing,
                        Repeat = reader.GetBoolean(4),
                        AlertIds = [.. message.Alerts.Select(a => a.Id)],
                        Status = WireNames.Parse(reader.GetString(6), MonitoringJsonContext.Default.NotificationStatus) ?? NotificationStatus.Pending,
                        CreatedAt = PostgresDatabase.FromMs(reader.GetInt64(7)),
                        NextAttemptAt = Sql.Time(reader, 8),
                    });
                }
            }

            if (result.Count == 0)
            {
                return result;
            }

            var byId = new Dictionary<long, List<NotificationAttempt>>();
            await using (var attempts = Sql.Command(conn, null,
                "SELECT notification_id, at, succeeded, detail, duration_ms FROM notification_attempts WHERE notification_id = ANY(@ids) ORDER BY id",
                ("ids", result.Select(r => r.Id).ToArray())))
            await using (var reader = await attempts.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var list = byId.TryGetValue(reader.GetInt64(0), out var l) ? l : byId[reader.GetInt64(0)] = [];
                    list.Add(new NotificationAttempt
                    {
                        At = PostgresDatabase.FromMs(reader.GetInt64(1)), Succeeded = reader.GetBoolean(2), Detail = reader.GetString(3), DurationMs = reader.GetDouble(4),
                    });
                }
            }

            return [.. result.Select(r => byId.TryGetValue(r.Id, out var list) ? r with { Attempts = list } : r)];
        }, ct);

    public Task<IReadOnlyDictionary<string, ReceiverStatus>> ReceiverStatusesAsync(CancellationToken ct) =>
        database.ReadAsync<IReadOnlyDictionary<string, ReceiverStatus>>(async conn =>
        {
            await using var cmd = Sql.Command(conn, null, """
                WITH receivers AS (SELECT DISTINCT receiver FROM notifications),
                last_ok AS (SELECT receiver, MAX(id) AS id, MAX(at) AS at FROM notification_attempts WHERE succeeded GROUP BY receiver),
                last AS (SELECT receiver, MAX(id) AS id FROM notification_attempts GROUP BY receiver)
                SELECT r.receiver,
                    (SELECT COUNT(*) FROM notifications n WHERE n.receiver = r.receiver AND n.status = 'pending')::int,
                    (SELECT COUNT(*) FROM notification_attempts t WHERE t.receiver = r.receiver AND t.id > COALESCE(o.id, 0))::int,
                    a.at, a.succeeded, a.detail, o.at
                FROM receivers r
                LEFT JOIN last l ON l.receiver = r.receiver
                LEFT JOIN notification_attempts a ON a.id = l.id
                LEFT JOIN last_ok o ON o.receiver = r.receiver
                """);
            var result = new Dictionary<string, ReceiverStatus>(StringComparer.Ordinal);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var attempted = !reader.IsDBNull(3);
                var failing = attempted && !reader.GetBoolean(4);
                result[reader.GetString(0)] = new ReceiverStatus
                {
                    State = !attempted ? ReceiverState.Idle : failing ? ReceiverState.Failing : ReceiverState.Ok,
                    Pending = reader.GetInt32(1),
                    ConsecutiveFailures = reader.GetInt32(2),
                    LastAttemptAt = Sql.Time(reader, 3),
                    LastError = failing ? reader.GetString(5) : null,
                    LastSuccessAt = Sql.Time(reader, 6),
                };
            }

            return result;
        }, ct);

    public async Task<int> PurgeNotificationsAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        await database.PurgeInBatchesAsync(
            "DELETE FROM notification_attempts WHERE id IN (SELECT t.id FROM notification_attempts t JOIN notifications n ON n.id = t.notification_id WHERE n.finished_at < @cutoff LIMIT 1000)", cutoff, ct)
        + await database.PurgeInBatchesAsync(
            "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE finished_at < @cutoff LIMIT 1000)", cutoff, ct);

    private Task<bool> ExecuteAsync(string sql, CancellationToken ct, params (string, object?)[] parameters) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);
}
