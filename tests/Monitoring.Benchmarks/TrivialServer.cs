using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Benchmarks;

/// <summary>
/// The ingest baseline: a minimal ASP.NET Core endpoint on the same route that parses the same JSON with the same
/// source-generated metadata and answers a StatusAck, storing nothing. What the manager's ingest is compared to.
/// </summary>
internal static class TrivialServer
{
    public static async Task RunAsync(string url)
    {
        // As the manager: no configuration reload, so no file watcher on the working directory (which may hold the
        // manager's database when the benchmark runs from /tmp, and would then wake on each of its writes).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        app.MapPost(ApiRoutes.AgentStatus, async (string id, HttpRequest request) =>
        {
            var snapshots = await JsonSerializer.DeserializeAsync(request.Body, MonitoringJsonContext.Default.ListMetricSnapshot);
            var last = snapshots is { Count: > 0 } ? snapshots.Max(s => s.Seq) : 0;
            return Results.Json(new StatusAck { Accepted = snapshots?.Count ?? 0, LastSeq = last }, MonitoringJsonContext.Default.StatusAck);
        });
        Console.WriteLine("trivial server listening on " + url);
        await app.RunAsync();
    }
}
