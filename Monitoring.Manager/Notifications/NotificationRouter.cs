using System.Text.Json;
using Monitoring.Alerts;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// Chooses the receivers of an alert transition by each receiver's route (severity, agent id pattern, label
/// patterns) and names the group it joins there (the values of the route's group-by fields, as JSON).
/// </summary>
internal sealed class NotificationRouter(ReceiverRegistry receivers)
{
    public IReadOnlyList<NotificationTarget> Route(string agentId, AlertTransition transition)
    {
        List<NotificationTarget>? targets = null;
        foreach (var receiver in receivers.All)
        {
            if (Matches(receiver.Route, agentId, transition))
            {
                (targets ??= []).Add(new NotificationTarget(receiver.Name, GroupKey(receiver.Route, agentId, transition)));
            }
        }

        return targets ?? (IReadOnlyList<NotificationTarget>)[];
    }

    public static bool Matches(NotificationRoute? route, string agentId, AlertTransition transition)
    {
        if (route is null)
        {
            return true;
        }

        if (route.Severities is { Count: > 0 } severities && !severities.Contains(transition.Severity))
        {
            return false;
        }

        if (!MetricValues.Matches(agentId, route.Agents))
        {
            return false;
        }

        foreach (var (name, pattern) in route.Labels ?? new Dictionary<string, string>())
        {
            if (transition.Labels is null || !transition.Labels.TryGetValue(name, out var value) || !MetricValues.Matches(value, pattern))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The group's labels: each group-by field with the transition's value ("" when it has none).</summary>
    public static Dictionary<string, string> GroupLabels(NotificationRoute? route, string agentId, AlertTransition transition)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in route?.GroupBy is { Count: > 0 } groupBy ? groupBy : ["rule"])
        {
            labels[field] = field switch
            {
                "rule" => transition.Rule,
                "agent" => agentId,
                "severity" => WireNames.Of(transition.Severity, MonitoringJsonContext.Default.AlertSeverity),
                "metric" => transition.Metric ?? "",
                "target" => transition.Target ?? "",
                _ => transition.Labels is not null && transition.Labels.TryGetValue(field, out var v) ? v : "",
            };
        }

        return labels;
    }

    public static string GroupKey(NotificationRoute? route, string agentId, AlertTransition transition) =>
        JsonSerializer.Serialize(GroupLabels(route, agentId, transition), ManagerJsonContext.Default.DictionaryStringString);
}
