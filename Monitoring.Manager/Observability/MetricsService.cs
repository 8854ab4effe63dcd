using System.IO.Compression;
using Microsoft.Net.Http.Headers;

namespace Monitoring.Manager.Observability;

/// <summary>
/// Answers a Prometheus scrape: the manager's own metrics (prometheus-net) followed by every agent's newest values
/// (<see cref="FleetExposition"/>), gzip-compressed when the scraper accepts it (Prometheus does).
/// </summary>
internal sealed class MetricsService(ManagerMetrics metrics, FleetExposition fleet)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public async Task WriteAsync(HttpContext http, CancellationToken ct)
    {
        http.Response.ContentType = ContentType;
        var gzip = http.Request.Headers.AcceptEncoding.Any(v => v?.Contains("gzip", StringComparison.OrdinalIgnoreCase) == true);
        if (!gzip)
        {
            await WriteAsync(http.Response.Body, ct);
            return;
        }

        http.Response.Headers[HeaderNames.ContentEncoding] = "gzip";
        await using var compressed = new GZipStream(http.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
        await WriteAsync(compressed, ct);
    }

    private async Task WriteAsync(Stream target, CancellationToken ct)
    {
        await metrics.Registry.CollectAndExportAsTextAsync(target, ct);
        await fleet.WriteAsync(target, ct);
    }
}
