using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// A notification as the JSON body of Prometheus Alertmanager's webhook (version 4), so receivers built for
/// Alertmanager (chat bridges, incident tools) take it as is. Each alert's labels are <c>alertname</c> (the rule),
/// <c>agent</c>, <c>severity</c>, <c>metric</c> and <c>target</c> where set, and the rule's own labels.
/// </summary>
internal static class AlertmanagerPayload
{
    public static byte[] Build(string receiver, NotificationMessage message, AlertLinks links)
    {
        var alerts = message.Alerts.Select(a => (Record: a, Labels: Labels(a), Annotations: Annotations(a))).ToList();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", "4");
            json.WriteString("groupKey", receiver + ":" + message.GroupKey);
            json.WriteNumber("truncatedAlerts", 0);
            json.WriteString("status", message.State == AlertState.Firing ? "firing" : "resolved");
            json.WriteString("receiver", receiver);
            WriteMap(json, "groupLabels", message.GroupLabels);
            WriteMap(json, "commonLabels", Common(alerts.Select(a => a.Labels)));
            WriteMap(json, "commonAnnotations", Common(alerts.Select(a => a.Annotations)));
            json.WriteString("externalURL", links.ExternalUrl);
            json.WriteStartArray("alerts");
            foreach (var (record, labels, annotations) in alerts)
            {
                var t = record.Transition;
                json.WriteStartObject();
                json.WriteString("status", t.State == AlertState.Firing ? "firing" : "resolved");
                WriteMap(json, "labels", labels);
                WriteMap(json, "annotations", annotations);
                json.WriteString("startsAt", (t.Since ?? t.Timestamp).UtcDateTime);
                if (t.State == AlertState.Resolved)
                {
                    json.WriteString("endsAt", t.Timestamp.UtcDateTime);
                }
                else
                {
                    json.WriteString("endsAt", "0001-01-01T00:00:00Z");
                }

                json.WriteString("generatorURL", links.Agent(record.AgentId));
                json.WriteString("fingerprint", Fingerprint(record));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static Dictionary<string, string> Labels(AlertRecord record)
    {
        var t = record.Transition;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertname"] = t.Rule,
            ["agent"] = record.AgentId,
            ["severity"] = WireNames.Of(t.Severity, MonitoringJsonContext.Default.AlertSeverity),
        };
        if (t.Metric is { Length: > 0 } metric)
        {
            labels["metric"] = metric;
        }

        if (t.Target is { Length: > 0 } target)
        {
            labels["target"] = target;
        }

        foreach (var (name, value) in t.Labels ?? new Dictionary<string, string>())
        {
            labels.TryAdd(name, value);
        }

        return labels;
    }

    private static Dictionary<string, string> Annotations(AlertRecord record)
    {
        var t = record.Transition;
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["summary"] = AlertLinks.Summary(t) };
        if (t.Value is not null)
        {
            annotations["value"] = AlertLinks.Number(t.Value);
        }

        if (t.Threshold is not null)
        {
            annotations["threshold"] = AlertLinks.Number(t.Threshold);
        }

        if (t.DurationSeconds is { } seconds)
        {
            annotations["duration"] = AlertLinks.Words(TimeSpan.FromSeconds(seconds));
        }

        return annotations;
    }

    private static Dictionary<string, string> Common(IEnumerable<Dictionary<string, string>> maps)
    {
        Dictionary<string, string>? common = null;
        foreach (var map in maps)
        {
            if (common is null)
            {
                common = new Dictionary<string, string>(map, StringComparer.Ordinal);
                continue;
            }

            foreach (var key in common.Keys.ToList())
            {
                if (!map.TryGetValue(key, out var value) || value != common[key])
                {
                    common.Remove(key);
                }
            }
        }

        return common ?? [];
    }

    private static void WriteMap(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> map)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    private static string Fingerprint(AlertRecord record) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(record.AgentId + "\n" + record.Transition.Fingerprint)))[..16];
}
