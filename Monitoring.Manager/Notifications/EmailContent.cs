using System.Net;
using System.Text;
using Monitoring.Protocol;
using MimeKit;

namespace Monitoring.Manager.Notifications;

/// <summary>
/// A notification as an email: a subject that counts the alerts and names the group, and plain-text and HTML bodies
/// that give, for each alert, its agent, rule, severity, value, threshold, how long it has fired and a link to the
/// agent's page of the dashboard.
/// </summary>
internal static class EmailContent
{
    public static MimeMessage Build(EmailReceiver email, NotificationMessage message, long deliveryId, AlertLinks links, DateTimeOffset now)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(email.From));
        foreach (var to in email.To)
        {
            mime.To.Add(MailboxAddress.Parse(to));
        }

        mime.Subject = Subject(message);
        mime.Date = now;
        mime.Headers.Add("X-Monitoring-Delivery", deliveryId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var body = new BodyBuilder { TextBody = Text(message, links, now), HtmlBody = Html(message, links, now) };
        mime.Body = body.ToMessageBody();
        return mime;
    }

    public static string Subject(NotificationMessage message)
    {
        var firing = message.Alerts.Count(a => a.Transition.State == AlertState.Firing);
        var agents = message.Alerts.Select(a => a.AgentId).Distinct(StringComparer.Ordinal).ToList();
        var rules = message.Alerts.Select(a => a.Transition.Rule).Distinct(StringComparer.Ordinal).ToList();
        var state = firing > 0 ? $"[FIRING:{firing}{(message.Repeat ? ", repeated" : "")}]" : $"[RESOLVED:{message.Alerts.Count}]";
        var on = agents.Count <= 3 ? string.Join(", ", agents) : $"{string.Join(", ", agents.Take(3))} and {agents.Count - 3} more";
        return $"{state} {string.Join(", ", rules.Take(3))}{(rules.Count > 3 ? ", …" : "")} on {on}";
    }

    private static string Text(NotificationMessage message, AlertLinks links, DateTimeOffset now)
    {
        var text = new StringBuilder();
        text.Append(Heading(message)).Append("\n\n");
        foreach (var a in message.Alerts)
        {
            var t = a.Transition;
            text.Append(Word(t.State)).Append("  ").Append(Word(t.Severity)).Append("  ").Append(a.AgentId).Append("  ").Append(t.Rule).Append('\n');
            text.Append("  ").Append(AlertLinks.Summary(t)).Append('\n');
            text.Append("  value ").Append(AlertLinks.Number(t.Value)).Append(", threshold ").Append(AlertLinks.Number(t.Threshold))
                .Append(", ").Append(t.State == AlertState.Firing ? "firing for " : "fired for ").Append(AlertLinks.Words(AlertLinks.Duration(t, now)))
                .Append(", since ").Append((t.Since ?? t.Timestamp).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            text.Append("  ").Append(links.Agent(a.AgentId)).Append("\n\n");
        }

        text.Append("Sent by the Monitoring manager at ").Append(links.ExternalUrl).Append(". Acknowledge an alert to stop its reminders; silence it for maintenance.\n");
        return text.ToString();
    }

    private static string Html(NotificationMessage message, AlertLinks links, DateTimeOffset now)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append("<p>").Append(E(Heading(message))).Append("</p>");
        html.Append("<table cellpadding=\"6\" style=\"border-collapse:collapse\"><tr style=\"text-align:left\"><th>State</th><th>Severity</th><th>Agent</th><th>Rule</th><th>Value</th><th>Threshold</th><th>Duration</th><th>What</th></tr>");
        foreach (var a in message.Alerts)
        {
            var t = a.Transition;
            var color = t.State == AlertState.Resolved ? "#2e7d32" : t.Severity == AlertSeverity.Critical ? "#c62828" : t.Severity == AlertSeverity.Warning ? "#ef6c00" : "#1565c0";
            html.Append("<tr style=\"border-top:1px solid #ddd\">")
                .Append("<td style=\"color:").Append(color).Append("\"><b>").Append(E(Word(t.State))).Append("</b></td>")
                .Append("<td>").Append(E(Word(t.Severity))).Append("</td>")
                .Append("<td><a href=\"").Append(E(links.Agent(a.AgentId))).Append("\">").Append(E(a.AgentId)).Append("</a></td>")
                .Append("<td>").Append(E(t.Rule)).Append("</td>")
                .Append("<td>").Append(E(AlertLinks.Number(t.Value))).Append("</td>")
                .Append("<td>").Append(E(AlertLinks.Number(t.Threshold))).Append("</td>")
                .Append("<td>").Append(E(AlertLinks.Words(AlertLinks.Duration(t, now)))).Append("</td>")
                .Append("<td>").Append(E(AlertLinks.Summary(t))).Append("</td></tr>");
        }

        html.Append("</table><p style=\"color:#666\">Sent by the Monitoring manager at <a href=\"").Append(E(links.ExternalUrl)).Append("\">")
            .Append(E(links.ExternalUrl)).Append("</a>. Acknowledge an alert to stop its reminders; silence it for maintenance.</p></body></html>");
        return html.ToString();
    }

    private static string Heading(NotificationMessage message)
    {
        var firing = message.Alerts.Count(a => a.Transition.State == AlertState.Firing);
        var resolved = message.Alerts.Count - firing;
        var group = string.Join(", ", message.GroupLabels.Select(kv => $"{kv.Key}={kv.Value}"));
        var parts = new List<string>();
        if (firing > 0)
        {
            parts.Add($"{firing} alert{(firing == 1 ? "" : "s")} {(message.Repeat ? "still " : "")}firing");
        }

        if (resolved > 0)
        {
            parts.Add($"{resolved} resolved");
        }

        return $"{string.Join(", ", parts)} for {group}.";
    }

    private static string Word(AlertState state) => state == AlertState.Firing ? "FIRING" : "RESOLVED";

    private static string Word(AlertSeverity severity) => WireNames.Of(severity, MonitoringJsonContext.Default.AlertSeverity);
}
