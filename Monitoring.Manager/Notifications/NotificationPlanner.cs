using System.Text.Json;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// Decides, for one receiver's group, when to send and what (pure: no clock, no store). A new group waits its
/// group wait so that alerts arriving together share one message; later changes wait the group interval since the
/// last message; alerts that stay firing are sent again every repeat interval unless acknowledged; a silenced alert
/// is left out until its silence ends; a resolved alert is reported once, if the receiver was told it fired.
/// </summary>
internal static class NotificationPlanner
{
    /// <summary>True when the group needs planning now: pending transitions whose wait is over, or a scheduled look.</summary>
    public static bool IsDue(NotificationGroup group, RouteTiming timing, DateTimeOffset now) =>
        (group.FirstPendingAt is { } first && (group.LastSentAt is { } sent ? sent + timing.GroupInterval : first + timing.GroupWait) <= now)
        || (group.NextCheckAt is { } check && check <= now);

    /// <param name="group">The stored group.</param>
    /// <param name="events">Its pending transitions, oldest first.</param>
    /// <param name="alerts">The members' current records (for acknowledgements), by id.</param>
    /// <param name="silenced">Whether an active silence covers a record now.</param>
    /// <param name="timing">The receiver's route timings.</param>
    /// <param name="now">The time of the plan.</param>
    public static NotificationPlan Plan(
        NotificationGroup group, IReadOnlyList<AlertRecord> events, IReadOnlyDictionary<long, AlertRecord> alerts,
        Func<AlertRecord, bool> silenced, RouteTiming timing, DateTimeOffset now)
    {
        var members = new Dictionary<(string, string), GroupMember>();
        foreach (var m in group.Members)
        {
            members[(m.AgentId, m.Fingerprint)] = m;
        }

        var records = new Dictionary<long, AlertRecord>(alerts);
        foreach (var e in events)
        {
            records[e.Id] = e;
            var key = (e.AgentId, e.Transition.Fingerprint);
            var known = members.TryGetValue(key, out var member);
            if (e.Transition.State == AlertState.Firing)
            {
                members[key] = known && member!.Firing ? member with { AlertId = e.Id } : new GroupMember(e.AgentId, e.Transition.Fingerprint, e.Id, true, false);
            }
            else if (known)
            {
                members[key] = member! with { Firing = false, ResolvedAlertId = e.Id };
            }
        }

        bool Quiet(long id) => !records.TryGetValue(id, out var r) || silenced(r);
        var firing = members.Values.Where(m => m.Firing && !Quiet(m.AlertId)).ToList();
        var resolved = timing.SendResolved
            ? members.Values.Where(m => !m.Firing && m.Notified && m.ResolvedAlertId is { } id && !Quiet(id)).ToList()
            : [];

        List<AlertRecord>? report = null;
        var repeat = false;
        if (firing.Any(m => !m.Notified) || resolved.Count > 0)
        {
            report = [.. firing.Select(m => records[m.AlertId]), .. resolved.Select(m => records[m.ResolvedAlertId!.Value])];
        }
        else if (group.LastSentAt is { } sent && sent + timing.RepeatInterval <= now)
        {
            var again = firing.Where(m => records[m.AlertId].AcknowledgedAt is null).ToList();
            if (again.Count > 0)
            {
                report = [.. again.Select(m => records[m.AlertId])];
                repeat = true;
            }
        }

        var told = report is null ? [] : firing.ToHashSet();
        var kept = members.Values.Where(m => m.Firing).Select(m => told.Contains(m) ? m with { Notified = true } : m).ToList();
        var lastSent = report is null ? group.LastSentAt : now;
        DateTimeOffset? next = null;
        if (kept.Count > 0)
        {
            var repeatAt = (lastSent ?? now) + timing.RepeatInterval;
            next = repeatAt <= now ? now + timing.RepeatInterval : repeatAt;
            if (kept.Any(m => !m.Notified) && now + timing.GroupInterval < next)
            {
                // A silenced member: look again after the group interval, in case its silence has ended.
                next = now + timing.GroupInterval;
            }
        }

        var message = report is null ? null : new NotificationMessage
        {
            GroupKey = group.GroupKey,
            GroupLabels = JsonSerializer.Deserialize(group.GroupKey, ManagerJsonContext.Default.DictionaryStringString) ?? [],
            State = report.Any(r => r.Transition.State == AlertState.Firing) ? AlertState.Firing : AlertState.Resolved,
            Repeat = repeat,
            Alerts = report,
        };
        return new NotificationPlan(kept, message, lastSent, next);
    }
}
