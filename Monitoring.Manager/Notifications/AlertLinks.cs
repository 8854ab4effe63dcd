using System.Globalization;
using Monitoring.Protocol;

namespace Monitoring.Manager.Notifications;

/// <summary>What notifications say about an alert in words, and where the dashboard shows its agent.</summary>
internal sealed class AlertLinks(string externalUrl)
{
    public string ExternalUrl { get; } = externalUrl.TrimEnd('/');

    /// <summary>The dashboard's page of an agent.</summary>
    public string Agent(string agentId) => ExternalUrl + "/#/agent/" + Uri.EscapeDataString(agentId);

    /// <summary>The alert's message, or its metric, value and threshold.</summary>
    public static string Summary(AlertTransition t) =>
        t.Message is { Length: > 0 } message ? message
        : $"{t.Metric ?? t.Rule}{(t.Target is { Length: > 0 } target ? " (" + target + ")" : "")} is {Number(t.Value)} (threshold {Number(t.Threshold)})";

    public static string Number(double? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>How long the alert has fired (firing: until <paramref name="now"/>; resolved: until it resolved).</summary>
    public static TimeSpan? Duration(AlertTransition t, DateTimeOffset now) =>
        t.State == AlertState.Resolved && t.DurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds)
        : t.State == AlertState.Firing ? now - (t.Since ?? t.Timestamp)
        : null;

    public static string Words(TimeSpan? span)
    {
        if (span is not { } d || d < TimeSpan.Zero)
        {
            return "n/a";
        }

        return d.TotalDays >= 1 ? $"{(int)d.TotalDays}d {d.Hours}h"
            : d.TotalHours >= 1 ? $"{(int)d.TotalHours}h {d.Minutes}m"
            : d.TotalMinutes >= 1 ? $"{(int)d.TotalMinutes}m {d.Seconds}s"
            : $"{Math.Max(0, (int)d.TotalSeconds)}s";
    }
}
