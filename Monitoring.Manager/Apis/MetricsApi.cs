using Monitoring.Manager.Observability;
using Monitoring.Manager.Security;

namespace Monitoring.Manager.Apis;

/// <summary>The Prometheus scrape endpoint: reader keys, as a bearer token in the scrape config's <c>authorization</c>.</summary>
internal static class MetricsApi
{
    public const string Route = "/metrics";

    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Route, (HttpContext http, MetricsService metrics, CancellationToken ct) => metrics.WriteAsync(http, ct))
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("GetMetrics")
            .WithSummary("Every agent's newest values and the manager's own metrics in the Prometheus text format (gzip when accepted).")
            .Produces(StatusCodes.Status200OK, contentType: MetricsService.ContentType);
        return app;
    }
}
