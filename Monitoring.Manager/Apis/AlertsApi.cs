using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Configuration;
using Monitoring.Manager.Alerts;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Alerts: transitions posted by agents, the list admins read, acknowledgements, silences and central rules.</summary>
internal static partial class AlertsApi
{
    public const int MaxBatch = 1000;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ApiRoutes.AgentAlerts, PostAlertsAsync)
            .RequireAuthorization(Roles.AgentPolicy)
            .WithName("PostAlerts")
            .WithSummary("Store alert transitions (firing, resolved) raised by the agent; replays are ignored.");
        app.MapGet(ApiRoutes.Alerts, ListAlertsAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("ListAlerts")
            .WithSummary("Alert transitions, newest first, filtered by agent, state, severity and time.");
        app.MapPost(ApiRoutes.AcknowledgeAlert, AcknowledgeAsync)
            .RequireAuthorization(Roles.OperatorPolicy)
            .WithName("AcknowledgeAlert")
            .WithSummary("Record that an admin has seen an alert.");
        app.MapGet(ApiRoutes.Silences, (AlertService alerts) => TypedResults.Ok(alerts.Silences))
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("ListSilences")
            .WithSummary("Silences, newest first, ended ones included.");
        app.MapPost(ApiRoutes.Silences, AddSilenceAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("CreateSilence")
            .WithSummary("Silence alerts of matching agents and rules until a time (maintenance).");
        app.MapDelete(ApiRoutes.Silence, RemoveSilenceAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("DeleteSilence")
            .WithSummary("End a silence now; it stays listed as history.");
        app.MapGet(ApiRoutes.Thresholds, (CentralThresholds thresholds) => TypedResults.Ok(thresholds.Document))
            .RequireAuthorization(Roles.ThresholdsReaderPolicy)
            .WithName("GetThresholds")
            .WithSummary("The fleet-wide threshold rules as YAML, with their version.");
        app.MapPut(ApiRoutes.Thresholds, PutThresholdsAsync)
            .RequireAuthorization(Roles.AdminPolicy)
            .WithName("PutThresholds")
            .WithSummary("Replace the fleet-wide threshold rules (YAML body); refused with positions when invalid.");
        return app;
    }

    internal static async Task<Results<Ok<AlertsAck>, ProblemHttpResult>> PostAlertsAsync(
        string id, List<AlertTransition> transitions, ClaimsPrincipal user, AlertService alerts, CancellationToken ct)
    {
        if (user.AgentId() != id)
        {
            return Problems.AgentMismatch(user.Who(), id);
        }

        if (transitions is null || transitions.Count is 0 or > MaxBatch)
        {
            return Problems.BadRequest($"Send from 1 to {MaxBatch} alert transitions; got {transitions?.Count ?? 0}.");
        }

        foreach (var t in transitions)
        {
            if (t is null || string.IsNullOrWhiteSpace(t.Fingerprint) || string.IsNullOrWhiteSpace(t.Rule) || t.Timestamp == default
                || t.Fingerprint.Length > RequestLimits.MaxName || t.Rule.Length > RequestLimits.MaxName || t.Target?.Length > RequestLimits.MaxName
                || t.Metric?.Length > RequestLimits.MaxName || t.Message?.Length > RequestLimits.MaxText
                || !Enum.IsDefined(t.State) || !Enum.IsDefined(t.Severity))
            {
                return Problems.BadRequest(
                    $"Every alert transition needs a fingerprint and a rule (up to {RequestLimits.MaxName} characters each, as are metric and target), " +
                    $"a state, a severity, a timestamp, and a message of at most {RequestLimits.MaxText} characters; no null entries.");
            }

            if (RequestLimits.CheckLabels(t.Labels, "an alert's labels") is { } badLabels)
            {
                return Problems.BadRequest(badLabels);
            }
        }

        var stored = await alerts.RecordAsync(id, transitions, ct);
        return TypedResults.Ok(new AlertsAck { Accepted = stored.Count, Duplicates = transitions.Count - stored.Count });
    }

    internal static async Task<Results<Ok<IReadOnlyList<AlertRecord>>, ProblemHttpResult>> ListAlertsAsync(
        string? agent, string? state, string? severity, DateTimeOffset? since, int? limit, IAlertStore store, CancellationToken ct)
    {
        if (limit is < 1 or > StatusApi.MaxLimit)
        {
            return Problems.BadRequest($"limit must be from 1 to {StatusApi.MaxLimit}; got {limit}.");
        }

        var stateFilter = WireNames.Parse(state, MonitoringJsonContext.Default.AlertState);
        var severityFilter = WireNames.Parse(severity, MonitoringJsonContext.Default.AlertSeverity);
        if ((state is not null && stateFilter is null) || (severity is not null && severityFilter is null))
        {
            return Problems.BadRequest("state is firing or resolved; severity is info, warning or critical.");
        }

        return TypedResults.Ok(await store.GetAlertsAsync(new AlertQuery(agent, stateFilter, severityFilter, since, limit ?? StatusApi.DefaultLimit), ct));
    }

    internal static async Task<Results<Ok<AlertRecord>, ProblemHttpResult>> AcknowledgeAsync(
        long alertId, ClaimsPrincipal user, IAlertStore store, TimeProvider time, CancellationToken ct) =>
        await store.AcknowledgeAlertAsync(alertId, user.Who(), time.GetUtcNow(), ct) is { } record
            ? TypedResults.Ok(record)
            : Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"No alert {alertId}. List alerts with GET {ApiRoutes.Alerts}.");

    internal static async Task<Results<Created<Silence>, ProblemHttpResult>> AddSilenceAsync(
        Silence request, ClaimsPrincipal user, AlertService alerts, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (request.Until <= now || request.Until > now.AddDays(366))
        {
            return Problems.BadRequest("until must be in the future, at most a year ahead.");
        }

        if (request is null || request.Agent is { Length: > 256 } || request.Rule is { Length: > 256 } || request.Reason is { Length: > 1024 })
        {
            return Problems.BadRequest("agent and rule are patterns of at most 256 characters; reason at most 1024.");
        }

        var silence = request with { Id = Guid.CreateVersion7().ToString("N"), CreatedBy = user.Who(), CreatedAt = now };
        await alerts.AddSilenceAsync(silence, ct);
        return TypedResults.Created(ApiRoutes.Silences + "/" + silence.Id, silence);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RemoveSilenceAsync(string silenceId, AlertService alerts, CancellationToken ct) =>
        await alerts.RemoveSilenceAsync(silenceId, ct)
            ? TypedResults.NoContent()
            : Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"No active silence '{silenceId}'. List silences with GET {ApiRoutes.Silences}.");

    internal static async Task<Results<Ok<ThresholdsDocument>, ProblemHttpResult>> PutThresholdsAsync(
        HttpContext http, CentralThresholds thresholds, ILoggerFactory loggers, CancellationToken ct)
    {
        using var reader = new StreamReader(http.Request.Body);
        var yaml = await reader.ReadToEndAsync(ct);
        try
        {
            var document = thresholds.Replace(yaml);
            LogRulesReplaced(loggers.CreateLogger("Monitoring.Manager.Alerts"), document.Version);
            return TypedResults.Ok(document);
        }
        catch (ConfigurationException ex)
        {
            var problem = Problems.BadRequest($"The rules were not changed: {ex.Message}");
            problem.ProblemDetails.Extensions["line"] = ex.Line;
            problem.ProblemDetails.Extensions["column"] = ex.Column;
            problem.ProblemDetails.Extensions["key"] = ex.Key;
            return problem;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Central threshold rules replaced (version {Version})")]
    private static partial void LogRulesReplaced(ILogger logger, string? version);
}
