using Monitoring.Manager.Fleet;
using Monitoring.Manager.Security;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>The dashboard's fleet: every agent in a line, and Server-Sent Events of agents as their reports arrive.</summary>
internal static class FleetApi
{
    public static IEndpointRouteBuilder MapFleetApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(ApiRoutes.Fleet, (FleetRegistry fleet) => TypedResults.Ok(fleet.Summaries()))
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("GetFleet")
            .WithSummary("Every agent in a line: status, CPU, memory, fullest disk, network rates, uptime, last contact.");
        app.MapGet(ApiRoutes.Events, (FleetEvents events, CancellationToken ct) => TypedResults.ServerSentEvents(events.StreamAsync(ct)))
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("StreamEvents")
            .WithSummary("Server-Sent Events: 'agents' events carry the summaries of agents that changed (a report, online or offline), at most four a second; an empty one every 15 s keeps the stream open.");
        return app;
    }
}
