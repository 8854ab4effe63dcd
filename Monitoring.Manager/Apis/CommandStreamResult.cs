using Microsoft.AspNetCore.Http.Metadata;
using Monitoring.Manager.Commands;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>
/// The command stream's response: NDJSON, never cached or buffered by a proxy, written by <see cref="CommandStream"/>
/// until it ends. The stream ends when a newer stream or poll of the agent replaces it or the manager stops.
/// </summary>
internal sealed class CommandStreamResult(CommandStream stream, string agentId, HashSet<string> skip, CancellationToken stopping)
    : IResult, IEndpointMetadataProvider
{
    public const string ContentType = "application/x-ndjson";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-cache";
        // nginx passes the lines on as they come instead of collecting them.
        response.Headers["X-Accel-Buffering"] = "no";
        await stream.WriteAsync(agentId, skip, response.BodyWriter, httpContext.RequestAborted, stopping);
    }

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(CommandDelivery), [ContentType]));
}
