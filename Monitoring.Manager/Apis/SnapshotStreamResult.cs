using System.Text;
using Microsoft.AspNetCore.Http.Metadata;
using Monitoring.Metrics;

namespace Monitoring.Manager.Apis;

/// <summary>
/// Writes stored snapshots as a JSON array straight from the database rows, one at a time: a 10,000-row answer
/// costs one row of memory, not ten thousand parsed objects.
/// </summary>
internal sealed class SnapshotStreamResult(IAsyncEnumerable<string> rows) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        var body = httpContext.Response.BodyWriter;
        var first = true;
        await body.WriteAsync("["u8.ToArray(), httpContext.RequestAborted);
        await foreach (var row in rows.WithCancellation(httpContext.RequestAborted))
        {
            if (!first)
            {
                await body.WriteAsync(","u8.ToArray(), httpContext.RequestAborted);
            }

            first = false;
            await body.WriteAsync(Encoding.UTF8.GetBytes(row), httpContext.RequestAborted);
        }

        await body.WriteAsync("]"u8.ToArray(), httpContext.RequestAborted);
    }

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(List<MetricSnapshot>), ["application/json"]));
}
