namespace Monitoring.Manager.Apis;

/// <summary>The anonymous readiness probe.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Protocol.ApiRoutes.Health, () => TypedResults.Text("ok"))
            .AllowAnonymous()
            .WithName("Health")
            .WithSummary("200 once the manager is ready; needs no credential.");
        return app;
    }
}
