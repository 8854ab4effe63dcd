using System.Data.Common;
using System.Text.Json;
using Monitoring.Manager.Notifications;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>
/// Rows read the same way on both engines (times are milliseconds since the epoch, flags read as booleans, JSON as
/// text): alert records, notification groups, outbox messages and receivers' states.
/// </summary>
internal static class StoreRows
{
    /// <summary>The columns <see cref="Alert"/> reads, from <c>alerts a</c>.</summary>
    public const string AlertColumns = "a.id, a.agent_id, a.received_at, a.data, a.silenced, a.ack_by, a.ack_at";

    /// <summary>Every notification group with members or pending transitions (<see cref="Group"/> reads a row); the same SQL on both engines.</summary>
    public const string GroupsSql = """
        SELECT k.receiver, k.group_key, g.members, g.last_sent_at, g.next_check_at, e.first_at, e.last_id
        FROM (SELECT receiver, group_key FROM notify_groups UNION SELECT receiver, group_key FROM notify_events) k
        LEFT JOIN notify_groups g ON g.receiver = k.receiver AND g.group_key = k.group_key
        LEFT JOIN (SELECT receiver, group_key, MIN(enqueued_at) AS first_at, MAX(id) AS last_id FROM notify_events GROUP BY receiver, group_key) e
          ON e.receiver = k.receiver AND e.group_key = k.group_key
        """;

    /// <summary>Each receiver's delivery state from its attempts and pending messages (<see cref="ReceiverState"/> reads a row); the same SQL on both engines.</summary>
    public const string ReceiverStatesSql = """
        WITH receivers AS (SELECT DISTINCT receiver FROM notifications),
        last_ok AS (SELECT receiver, MAX(id) AS id, MAX(at) AS at FROM notification_attempts WHERE succeeded GROUP BY receiver),
        last AS (SELECT receiver, MAX(id) AS id FROM notification_attempts GROUP BY receiver)
        SELECT r.receiver,
            (SELECT COUNT(*) FROM notifications n WHERE n.receiver = r.receiver AND n.status = 'pending'),
            (SELECT COUNT(*) FROM notification_attempts t WHERE t.receiver = r.receiver AND t.id > COALESCE(o.id, 0)),
            a.at, a.succeeded, a.detail, o.at
        FROM receivers r
        LEFT JOIN last l ON l.receiver = r.receiver
        LEFT JOIN notification_attempts a ON a.id = l.id
        LEFT JOIN last_ok o ON o.receiver = r.receiver
        """;

    public static AlertRecord Alert(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        AgentId = r.GetString(1),
        ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
        Transition = JsonSerializer.Deserialize(r.GetString(3), MonitoringJsonContext.Default.AlertTransition)!,
        Silenced = r.GetBoolean(4),
        AcknowledgedBy = Text(r, 5),
        AcknowledgedAt = Time(r, 6),
    };

    public static async Task<IReadOnlyList<AlertRecord>> AlertsAsync(DbCommand cmd, CancellationToken ct)
    {
        var result = new List<AlertRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(Alert(reader));
        }

        return result;
    }

    /// <summary>receiver, group_key, members, last_sent_at, next_check_at, first pending, last event id.</summary>
    public static NotificationGroup Group(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.IsDBNull(2) ? [] : JsonSerializer.Deserialize(r.GetString(2), ManagerJsonContext.Default.ListGroupMember)!,
        Time(r, 3),
        Time(r, 4),
        Time(r, 5),
        r.IsDBNull(6) ? 0 : r.GetInt64(6));

    /// <summary>id, receiver, message, created_at, attempts so far.</summary>
    public static PendingNotification Pending(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), JsonSerializer.Deserialize(r.GetString(2), ManagerJsonContext.Default.NotificationMessage)!,
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), Convert.ToInt32(r.GetValue(4), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>id, receiver, group_key, state, repeat, message, status, created_at, next_attempt_at.</summary>
    public static NotificationRecord Notification(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Receiver = r.GetString(1),
        GroupKey = r.GetString(2),
        State = WireNames.Parse(r.GetString(3), MonitoringJsonContext.Default.AlertState) ?? AlertState.Firing,
        Repeat = r.GetBoolean(4),
        AlertIds = [.. JsonSerializer.Deserialize(r.GetString(5), ManagerJsonContext.Default.NotificationMessage)!.Alerts.Select(a => a.Id)],
        Status = WireNames.Parse(r.GetString(6), MonitoringJsonContext.Default.NotificationStatus) ?? NotificationStatus.Pending,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)),
        NextAttemptAt = Time(r, 8),
    };

    /// <summary>notification_id, at, succeeded, detail, duration_ms.</summary>
    public static (long NotificationId, NotificationAttempt Attempt) Attempt(DbDataReader r) => (r.GetInt64(0), new NotificationAttempt
    {
        At = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)), Succeeded = r.GetBoolean(2), Detail = r.GetString(3), DurationMs = r.GetDouble(4),
    });

    /// <summary>receiver, pending, failures since the last success, last attempt's time, success and detail, last success's time.</summary>
    public static ReceiverStatus ReceiverState(DbDataReader r)
    {
        var attempted = !r.IsDBNull(3);
        var failing = attempted && !r.GetBoolean(4);
        return new ReceiverStatus
        {
            State = !attempted ? Protocol.ReceiverState.Idle : failing ? Protocol.ReceiverState.Failing : Protocol.ReceiverState.Ok,
            Pending = Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
            ConsecutiveFailures = Convert.ToInt32(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
            LastAttemptAt = Time(r, 3),
            LastError = failing ? r.GetString(5) : null,
            LastSuccessAt = Time(r, 6),
        };
    }

    /// <summary>Every receiver's state, by name, from <see cref="ReceiverStatesSql"/>.</summary>
    public static async Task<IReadOnlyDictionary<string, ReceiverStatus>> ReceiverStatesAsync(DbCommand cmd, CancellationToken ct)
    {
        var result = new Dictionary<string, ReceiverStatus>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = ReceiverState(reader);
        }

        return result;
    }

    /// <summary>What happens to a command whose time ran out: expired (never delivered) or timed out (no result), and why.</summary>
    public static (CommandStatus Status, string Error) Expiry(CommandRecord c) => c.Status == CommandStatus.Queued
        ? (CommandStatus.Expired, $"Not delivered: agent '{c.AgentId}' did not fetch the command before it expired at {c.ExpiresAt:u}. Check the agent is running and connected, then send it again.")
        : (CommandStatus.TimedOut, $"Agent '{c.AgentId}' received the command at {c.DeliveredAt:u} but sent no result within its timeout of {c.TimeoutSeconds} s.");

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
}
