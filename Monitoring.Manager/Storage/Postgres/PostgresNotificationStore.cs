using System.Text.Json;
using Monitoring.Manager.Notifications;
using Monitoring.Protocol;

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
        await using var cmd = Sql.Command(conn, null, StoreRows.GroupsSql);
        var result = new List<NotificationGroup>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(StoreRows.Group(reader));
        }

        return result;
    }, ct);

    public Task<IReadOnlyList<AlertRecord>> PendingTransitionsAsync(string receiver, string groupKey, long upToEventId, CancellationToken ct) =>
        database.ReadAsync(async conn =>
        {
            await using var cmd = Sql.Command(conn, null, $"""
                SELECT {StoreRows.AlertColumns} FROM notify_events e JOIN alerts a ON a.id = e.alert_id
                WHERE e.receiver = @r AND e.group_key = @g AND e.id <= @upTo ORDER BY e.id
                """, ("r", receiver), ("g", groupKey), ("upTo", upToEventId));
            return await StoreRows.AlertsAsync(cmd, ct);
        }, ct);

    public Task<IReadOnlyDictionary<long, AlertRecord>> GetAlertsAsync(IReadOnlyCollection<long> ids, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyDictionary<long, AlertRecord>>(async conn =>
        {
            if (ids.Count == 0)
            {
                return new Dictionary<long, AlertRecord>();
            }

            await using var cmd = Sql.Command(conn, null, $"SELECT {StoreRows.AlertColumns} FROM alerts a WHERE a.id = ANY(@ids)", ("ids", ids.ToArray()));
            return (await StoreRows.AlertsAsync(cmd, ct)).ToDictionary(a => a.Id);
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
            result.Add(StoreRows.Pending(reader));
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
                    result.Add(StoreRows.Notification(reader));
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
                    var (id, attempt) = StoreRows.Attempt(reader);
                    (byId.TryGetValue(id, out var list) ? list : byId[id] = []).Add(attempt);
                }
            }

            return [.. result.Select(r => byId.TryGetValue(r.Id, out var list) ? r with { Attempts = list } : r)];
        }, ct);

    public Task<IReadOnlyDictionary<string, ReceiverStatus>> ReceiverStatusesAsync(CancellationToken ct) =>
        database.ReadAsync<IReadOnlyDictionary<string, ReceiverStatus>>(async conn =>
        {
            await using var cmd = Sql.Command(conn, null, StoreRows.ReceiverStatesSql);
            return await StoreRows.ReceiverStatesAsync(cmd, ct);
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
