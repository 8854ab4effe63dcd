using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Alert transitions posted by agents, and the list admins read.</summary>
internal static class AlertsApi
{
    public const int MaxBatch = 1000;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ApiRoutes.AgentAlerts, PostAlertsAsync)
            .RequireAuthorization(Roles.AgentPolicy)
            .WithName("PostAlerts")
            .WithSummary("Store alert transitions (firing, resolved) raised by the agent; replays are ignored.");
        app.MapGet(ApiRoutes.Alerts, ListAlertsAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("ListAlerts")
            .WithSummary("Alert transitions, newest first, optionally for one agent.");
        return app;
    }

    internal static async Task<Results<Ok<AlertsAck>, ProblemHttpResult>> PostAlertsAsync(
        string id,
        List<AlertTransition> transitions,
        ClaimsPrincipal user,
        IMonitoringStore store,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        if (user.Identity?.Name != id)
        {
            return Problems.AgentMismatch(user.Identity?.Name ?? "?", id);
        }

        if (transitions.Count is 0 or > MaxBatch)
        {
            return Problems.BadRequest($"Send from 1 to {MaxBatch} alert transitions; got {transitions.Count}.");
        }

        foreach (var t in transitions)
        {
            if (string.IsNullOrWhiteSpace(t.Fingerprint) || string.IsNullOrWhiteSpace(t.Rule) || t.Timestamp == default
                || t.Fingerprint.Length > 256 || t.Rule.Length > 256 || t.Message?.Length > 4096)
            {
                return Problems.BadRequest("Every alert transition needs a fingerprint and a rule (up to 256 characters each), a timestamp, and a message of at most 4096 characters.");
            }
        }

        var accepted = await store.AppendAlertsAsync(id, transitions, time.GetUtcNow(), ct);
        var logger = loggers.CreateLogger("Monitoring.Manager.Alerts");
        foreach (var t in accepted)
        {
            var level = t.State == AlertState.Resolved ? LogLevel.Information
                : t.Severity == AlertSeverity.Critical ? LogLevel.Error
                : t.Severity == AlertSeverity.Warning ? LogLevel.Warning
                : LogLevel.Information;
            logger.Log(
                level,
                "Alert {State} on {AgentId}: {Rule} [{Severity}] {Metric}{Target} value {Value} threshold {Threshold} {Message}",
                t.State.ToString().ToLowerInvariant(), id, t.Rule, t.Severity.ToString().ToLowerInvariant(), t.Metric,
                t.Target is null ? "" : "(" + t.Target + ")", t.Value, t.Threshold, t.Message);
        }

        return TypedResults.Ok(new AlertsAck { Accepted = accepted.Count, Duplicates = transitions.Count - accepted.Count });
    }

    internal static async Task<Results<Ok<IReadOnlyList<AlertRecord>>, ProblemHttpResult>> ListAlertsAsync(
        string? agent, int? limit, IMonitoringStore store, CancellationToken ct)
    {
        if (limit is < 1 or > StatusApi.MaxLimit)
        {
            return Problems.BadRequest($"limit must be from 1 to {StatusApi.MaxLimit}; got {limit}.");
        }

        return TypedResults.Ok(await store.GetAlertsAsync(agent, limit ?? StatusApi.DefaultLimit, ct));
    }
}
