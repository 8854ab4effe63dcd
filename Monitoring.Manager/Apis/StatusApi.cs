using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Monitoring.Manager.Fleet;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>Metric reports from agents and their history for admins.</summary>
internal static class StatusApi
{
    public const int MaxBatch = 1000;
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ApiRoutes.AgentStatus, PostStatusAsync)
            .RequireAuthorization(Roles.AgentPolicy)
            .Accepts<List<MetricSnapshot>>("application/json")
            .WithName("PostStatus")
            .WithSummary("Report one snapshot or a batch; answered once durable. Replayed sequence numbers are ignored.");
        app.MapGet(ApiRoutes.AgentSeries, GetSeriesAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("GetSeries")
            .WithSummary("An agent's metrics (min, avg, max per metric) over a range from the tier that fits it: raw, 1m or 1h; the answer names the tier.");
        app.MapGet(ApiRoutes.AgentStatus, GetHistoryAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("GetStatusHistory")
            .WithSummary("An agent's stored snapshots, newest first, within an optional time range.");
        return app;
    }

    internal static async Task<Results<Ok<StatusAck>, ProblemHttpResult>> PostStatusAsync(
        string id,
        HttpContext http,
        ClaimsPrincipal user,
        FleetRegistry fleet,
        IHistoryStore store,
        TimeProvider time,
        Alerts.CentralThresholds thresholds,
        ManagerOptions options,
        Observability.ManagerMetrics metrics,
        FleetEvents events,
        CancellationToken ct)
    {
        if (user.AgentId() != id)
        {
            return Problems.AgentMismatch(user.Who(), id);
        }

        var parsed = await ReadSnapshotsAsync(http.Request, time, options, ct);
        if (parsed.Error is { } error)
        {
            return error;
        }

        var snapshots = parsed.Snapshots!;
        // Serialized here, on the request's thread, so the single writer only binds bytes.
        var json = new byte[snapshots.Count][];
        for (var i = 0; i < json.Length; i++)
        {
            json[i] = JsonSerializer.SerializeToUtf8Bytes(snapshots[i], MonitoringJsonContext.Default.MetricSnapshot);
        }

        var address = http.Connection.RemoteIpAddress?.ToString();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await store.AppendSnapshotsAsync(id, snapshots, json, time.GetUtcNow(), address, ct);
        metrics.Reported(result, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        fleet.Reported(id, snapshots, json, result.LastSeq, address);
        events.Changed(id);
        return TypedResults.Ok(new StatusAck
        {
            Accepted = result.Accepted,
            Duplicates = result.Duplicates,
            LastSeq = result.LastSeq,
            ThresholdsVersion = thresholds.Document.Version,
        });
    }

    /// <summary>The most a series may span.</summary>
    public static readonly TimeSpan MaxSeriesRange = TimeSpan.FromDays(732);

    internal static async Task<Results<Ok<MetricSeries>, ProblemHttpResult>> GetSeriesAsync(
        string id, DateTimeOffset? from, DateTimeOffset? to, string? step, FleetRegistry fleet, IHistoryStore store, TimeProvider time, CancellationToken ct)
    {
        var end = to ?? time.GetUtcNow();
        var start = from ?? end.AddHours(-1);
        if (Tier(step, start, end) is not { } tier || start > end || end - start > MaxSeriesRange)
        {
            return Problems.BadRequest($"step is raw, 1m, 1h or auto (the default); from must be before to, at most {MaxSeriesRange.TotalDays:0} days apart.");
        }

        if (fleet.Find(id) is null && await store.GetLastSeqAsync(id, ct) == 0)
        {
            return Problems.AgentNotFound(id);
        }

        return TypedResults.Ok(await store.GetSeriesAsync(id, start, end, tier, ct));
    }

    /// <summary>
    /// The tier for a step: raw, 1m (60) or 1h (3600); auto picks the finest that keeps a range to about a thousand
    /// points (raw up to 2 h at a 10 s interval, 1m up to 16 h, 1h beyond). Null for an unknown step.
    /// </summary>
    internal static int? Tier(string? step, DateTimeOffset from, DateTimeOffset to) => step switch
    {
        "raw" => 0,
        "1m" => 60,
        "1h" => 3600,
        null or "" or "auto" => (to - from) <= TimeSpan.FromHours(2) ? 0 : (to - from) <= TimeSpan.FromHours(16) ? 60 : 3600,
        _ => null,
    };

    internal static async Task<Results<SnapshotStreamResult, Ok<IReadOnlyList<MetricSnapshot>>, ProblemHttpResult>> GetHistoryAsync(
        string id,
        int? limit,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string? step,
        HttpContext http,
        FleetRegistry fleet,
        IHistoryStore store,
        CancellationToken ct)
    {
        if (step is not null and not "raw")
        {
            // A rollup tier, in the same shape: one snapshot of averages per bucket, oldest first; the tier is named in a header.
            var end = to ?? DateTimeOffset.UtcNow;
            var start = from ?? end.AddDays(-1);
            if (Tier(step, start, end) is not { } tier || start > end || end - start > MaxSeriesRange)
            {
                return Problems.BadRequest($"step is raw, 1m, 1h or auto; from must be before to, at most {MaxSeriesRange.TotalDays:0} days apart.");
            }

            var series = await store.GetSeriesAsync(id, start, end, tier, ct);
            http.Response.Headers["X-Monitoring-Tier"] = series.Tier;
            return TypedResults.Ok<IReadOnlyList<MetricSnapshot>>([.. series.Points.Select(SeriesSnapshots.From).TakeLast(limit ?? MaxLimit)]);
        }

        http.Response.Headers["X-Monitoring-Tier"] = "raw";
        if (fleet.Find(id) is null && await store.GetLastSeqAsync(id, ct) == 0)
        {
            return Problems.AgentNotFound(id);
        }

        if (limit is < 1 or > MaxLimit)
        {
            return Problems.BadRequest($"limit must be from 1 to {MaxLimit}; got {limit}.");
        }

        if (from is { } f && to is { } t && f > t)
        {
            return Problems.BadRequest($"from ({f:O}) is after to ({t:O}).");
        }

        return new SnapshotStreamResult(store.ReadSnapshotJsonAsync(id, from, to, limit ?? DefaultLimit, ct));
    }

    /// <summary>Reads a JSON array of snapshots or a single snapshot object.</summary>
    private static async Task<(List<MetricSnapshot>? Snapshots, ProblemHttpResult? Error)> ReadSnapshotsAsync(
        HttpRequest request, TimeProvider time, ManagerOptions options, CancellationToken ct)
    {
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.InvalidRequest, "Send the snapshots as 'Content-Type: application/json'."));
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Create(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"The body is larger than the manager accepts; send at most {MaxBatch} snapshots per request and smaller batches if this persists."));
        }

        List<MetricSnapshot>? snapshots;
        try
        {
            var first = body.AsSpan().TrimStart(" \t\r\n"u8);
            snapshots = first.Length > 0 && first[0] == (byte)'['
                ? JsonSerializer.Deserialize(body, MonitoringJsonContext.Default.ListMetricSnapshot)
                : JsonSerializer.Deserialize(body, MonitoringJsonContext.Default.MetricSnapshot) is { } one ? [one] : null;
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest($"The body is not a snapshot or a JSON array of snapshots: {ex.Message}"));
        }

        if (snapshots is null || snapshots.Count == 0)
        {
            return (null, Problems.BadRequest("The body holds no snapshot; send one snapshot object or a non-empty array."));
        }

        if (snapshots.Count > MaxBatch)
        {
            return (null, Problems.BadRequest($"A batch holds at most {MaxBatch} snapshots; this one has {snapshots.Count}. Split it."));
        }

        var now = time.GetUtcNow();
        foreach (var s in snapshots)
        {
            if (SnapshotValidation.Check(s, now, options.MaxClockSkew) is { } invalid)
            {
                return (null, Problems.BadRequest(invalid));
            }
        }

        return (snapshots, null);
    }
}
