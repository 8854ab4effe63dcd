using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Manager.Notifications;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>Receivers, notification groups and the outbox on SQLite.</summary>
internal sealed class SqliteNotificationStore(SqliteDatabase database) : SqliteStore(database), INotificationStore
{
        public Task InitializeAsync(CancellationToken ct) => SqliteMigrations.ApplyAsync(Database, ct);

    public Task<IReadOnlyList<Receiver>> ListReceiversAsync(CancellationToken ct) => ReadAsync<IReadOnlyList<Receiver>>(async conn =>
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT data FROM receivers ORDER BY name";
        var result = new List<Receiver>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(JsonSerializer.Deserialize(reader.GetString(0), MonitoringJsonContext.Default.Receiver)!);
        }

        return result;
    }, ct);

    public Task PutReceiverAsync(Receiver receiver, DateTimeOffset at, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO receivers (name, data, updated_at) VALUES ($n, $d, $at) ON CONFLICT (name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at";
        cmd.Parameters.AddWithValue("$n", receiver.Name);
        cmd.Parameters.AddWithValue("$d", JsonSerializer.Serialize(receiver, MonitoringJsonContext.Default.Receiver));
        cmd.Parameters.AddWithValue("$at", ToMs(at));
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public Task<bool> DeleteReceiverAsync(string name, DateTimeOffset at, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            DELETE FROM receivers WHERE name = $n;
            SELECT changes();
            DELETE FROM notify_events WHERE receiver = $n;
            DELETE FROM notify_groups WHERE receiver = $n;
            UPDATE notifications SET status = 'failed', next_attempt_at = NULL, finished_at = $at WHERE receiver = $n AND status = 'pending';
            """;
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$at", ToMs(at));
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }, ct);

    public Task<IReadOnlyList<NotificationGroup>> ListGroupsAsync(CancellationToken ct) => ReadAsync<IReadOnlyList<NotificationGroup>>(async conn =>
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = StoreRows.GroupsSql;
        var result = new List<NotificationGroup>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(StoreRows.Group(reader));
        }

        return result;
    }, ct);

    public Task<IReadOnlyList<AlertRecord>> PendingTransitionsAsync(string receiver, string groupKey, long upToEventId, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<AlertRecord>>(async conn =>
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"""
                SELECT {StoreRows.AlertColumns} FROM notify_events e JOIN alerts a ON a.id = e.alert_id
                WHERE e.receiver = $r AND e.group_key = $g AND e.id <= $upTo ORDER BY e.id
                """;
            cmd.Parameters.AddWithValue("$r", receiver);
            cmd.Parameters.AddWithValue("$g", groupKey);
            cmd.Parameters.AddWithValue("$upTo", upToEventId);
            return await StoreRows.AlertsAsync(cmd, ct);
        }, ct);

    public Task<IReadOnlyDictionary<long, AlertRecord>> GetAlertsAsync(IReadOnlyCollection<long> ids, CancellationToken ct) =>
        ReadAsync<IReadOnlyDictionary<long, AlertRecord>>(async conn =>
        {
            if (ids.Count == 0)
            {
                return new Dictionary<long, AlertRecord>();
            }

            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT {StoreRows.AlertColumns} FROM alerts a WHERE a.id IN (SELECT value FROM json_each($ids))";
            cmd.Parameters.AddWithValue("$ids", "[" + string.Join(",", ids) + "]");
            return (await StoreRows.AlertsAsync(cmd, ct)).ToDictionary(a => a.Id);
        }, ct);

    public Task SaveGroupAsync(string receiver, string groupKey, NotificationPlan plan, long upToEventId, DateTimeOffset now, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.Parameters.AddWithValue("$r", receiver);
        cmd.Parameters.AddWithValue("$g", groupKey);
        cmd.Parameters.AddWithValue("$upTo", upToEventId);
        cmd.Parameters.AddWithValue("$members", JsonSerializer.Serialize(plan.Members.ToList(), ManagerJsonContext.Default.ListGroupMember));
        cmd.Parameters.AddWithValue("$sent", plan.LastSentAt is { } sent ? ToMs(sent) : DBNull.Value);
        cmd.Parameters.AddWithValue("$check", plan.NextCheckAt is { } check ? ToMs(check) : DBNull.Value);
        cmd.Parameters.AddWithValue("$now", ToMs(now));
        var sql = "DELETE FROM notify_events WHERE receiver = $r AND group_key = $g AND id <= $upTo;";
        sql += plan.Members.Count == 0
            ? "DELETE FROM notify_groups WHERE receiver = $r AND group_key = $g;"
            : """
              INSERT INTO notify_groups (receiver, group_key, members, last_sent_at, next_check_at) VALUES ($r, $g, $members, $sent, $check)
              ON CONFLICT (receiver, group_key) DO UPDATE SET members = excluded.members, last_sent_at = excluded.last_sent_at, next_check_at = excluded.next_check_at;
              """;
        if (plan.Message is { } message)
        {
            sql += """
                INSERT INTO notifications (receiver, group_key, state, repeat, message, status, created_at, next_attempt_at)
                VALUES ($r, $g, $state, $repeat, $message, 'pending', $now, $now);
                """;
            cmd.Parameters.AddWithValue("$state", WireNames.Of(message.State, MonitoringJsonContext.Default.AlertState));
            cmd.Parameters.AddWithValue("$repeat", message.Repeat ? 1 : 0);
            cmd.Parameters.AddWithValue("$message", JsonSerializer.Serialize(message, ManagerJsonContext.Default.NotificationMessage));
        }

        cmd.CommandText = sql;
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public Task<IReadOnlyList<PendingNotification>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct) => ReadAsync<IReadOnlyList<PendingNotification>>(async conn =>
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT n.id, n.receiver, n.message, n.created_at, (SELECT COUNT(*) FROM notification_attempts t WHERE t.notification_id = n.id)
            FROM notifications n WHERE n.status = 'pending' AND n.next_attempt_at <= $now
              AND NOT EXISTS (SELECT 1 FROM notifications o WHERE o.receiver = n.receiver AND o.status = 'pending' AND o.id < n.id AND o.next_attempt_at > $now)
            ORDER BY n.id LIMIT $limit
            """;
        cmd.Parameters.AddWithValue("$now", ToMs(now));
        cmd.Parameters.AddWithValue("$limit", limit);
        var result = new List<PendingNotification>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(StoreRows.Pending(reader));
        }

        return result;
    }, ct);

    public Task RetryPendingNowAsync(DateTimeOffset now, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE notifications SET next_attempt_at = $now WHERE status = 'pending' AND next_attempt_at > $now";
        cmd.Parameters.AddWithValue("$now", ToMs(now));
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public Task RecordAttemptsAsync(
        PendingNotification notification, IReadOnlyList<NotificationAttempt> attempts, NotificationStatus status, DateTimeOffset? nextAttemptAt, DateTimeOffset now, CancellationToken ct) =>
        WriteAsync(async (conn, tx) =>
        {
            using var insert = conn.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO notification_attempts (notification_id, receiver, at, succeeded, detail, duration_ms) VALUES ($id, $r, $at, $ok, $detail, $ms)";
            insert.Parameters.AddWithValue("$id", notification.Id);
            insert.Parameters.AddWithValue("$r", notification.Receiver);
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            var ok = insert.Parameters.Add("$ok", SqliteType.Integer);
            var detail = insert.Parameters.Add("$detail", SqliteType.Text);
            var ms = insert.Parameters.Add("$ms", SqliteType.Real);
            foreach (var attempt in attempts)
            {
                at.Value = ToMs(attempt.At);
                ok.Value = attempt.Succeeded ? 1 : 0;
                detail.Value = attempt.Detail;
                ms.Value = attempt.DurationMs;
                await insert.ExecuteNonQueryAsync(ct);
            }

            using var update = conn.CreateCommand();
            update.Transaction = tx;
            update.CommandText = "UPDATE notifications SET status = $s, next_attempt_at = $next, finished_at = $finished WHERE id = $id";
            update.Parameters.AddWithValue("$id", notification.Id);
            update.Parameters.AddWithValue("$s", WireNames.Of(status, MonitoringJsonContext.Default.NotificationStatus));
            update.Parameters.AddWithValue("$next", nextAttemptAt is { } next ? ToMs(next) : DBNull.Value);
            update.Parameters.AddWithValue("$finished", status == NotificationStatus.Pending ? DBNull.Value : ToMs(now));
            return await update.ExecuteNonQueryAsync(ct);
        }, ct);

    public Task<IReadOnlyList<NotificationRecord>> ListNotificationsAsync(string? receiver, NotificationStatus? status, int limit, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<NotificationRecord>>(async conn =>
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = """
                SELECT id, receiver, group_key, state, repeat, message, status, created_at, next_attempt_at FROM notifications
                WHERE ($r IS NULL OR receiver = $r) AND ($s IS NULL OR status = $s) ORDER BY id DESC LIMIT $limit
                """;
            cmd.Parameters.AddWithValue("$r", (object?)receiver ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$s", status is { } s ? WireNames.Of(s, MonitoringJsonContext.Default.NotificationStatus) : DBNull.Value);
            cmd.Parameters.AddWithValue("$limit", limit);
            var result = new List<NotificationRecord>();
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

            using var attempts = conn.CreateCommand();
            attempts.CommandText = """
                SELECT notification_id, at, succeeded, detail, duration_ms FROM notification_attempts
                WHERE notification_id IN (SELECT value FROM json_each($ids)) ORDER BY id
                """;
            attempts.Parameters.AddWithValue("$ids", "[" + string.Join(",", result.Select(r => r.Id)) + "]");
            var byId = new Dictionary<long, List<NotificationAttempt>>();
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
        ReadAsync<IReadOnlyDictionary<string, ReceiverStatus>>(async conn =>
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = StoreRows.ReceiverStatesSql;
            return await StoreRows.ReceiverStatesAsync(cmd, ct);
        }, ct);

    public async Task<int> PurgeNotificationsAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        await Database.PurgeInBatchesAsync(
            "DELETE FROM notification_attempts WHERE id IN (SELECT t.id FROM notification_attempts t JOIN notifications n ON n.id = t.notification_id WHERE n.finished_at < $cutoff LIMIT 1000)", cutoff, ct)
        + await Database.PurgeInBatchesAsync(
            "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE finished_at < $cutoff LIMIT 1000)", cutoff, ct);
}
