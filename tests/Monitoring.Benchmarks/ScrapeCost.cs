using System.Diagnostics;
using System.Net;
using Monitoring.Client;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Monitoring.Tests;

namespace Monitoring.Benchmarks;

/// <summary>
/// What a Prometheus scrape of <c>/metrics</c> and the dashboard's fleet view cost with a large fleet: N agents
/// enrolled, each with a real snapshot of this machine reported, then scraped as Prometheus does (gzip) and
/// uncompressed, beside the same fleet listed as JSON (<c>GET /api/v1/agents</c>) in the same run; and the dashboard
/// in headless Chromium, from sign-in to the fleet table drawn, and a search narrowing it to one agent.
/// </summary>
internal static class ScrapeCost
{
    public static async Task RunAsync(int agents, int runs)
    {
        var root = Directory.CreateTempSubdirectory("monitoring-scrape-").FullName;
        try
        {
            // HTTPS, as the dashboard's Secure cookie needs; the benchmark trusts the manager's fresh certificate.
            var url = $"https://127.0.0.1:{TestNet.FreePort()}";
            var data = Path.Combine(root, "manager");
            using var manager = ServerProcess.Start("Monitoring.Manager", "--urls", url, "--data-dir", data,
                "--rateLimits:requestsPerSecondPerCredential", "1000000", "--rateLimits:enrollmentsPerMinutePerAddress", "1000000");
            await manager.WaitForOutputAsync("Monitoring manager started", TimeSpan.FromSeconds(60));
            var enrollment = File.ReadAllText(Path.Combine(data, "enrollment.token")).Trim();
            MetricSnapshot sample;
            using (var collector = MetricCollector.CreateDefault(TimeProvider.System))
            {
                collector.Collect();
                await Task.Delay(500);
                sample = collector.Collect();
            }

            using var shared = new SocketsHttpHandler { MaxConnectionsPerServer = 64, SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } };
            await Parallel.ForEachAsync(Enumerable.Range(0, agents), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
            {
                using var connection = new AgentConnection(new ManagerConnectionOptions { BaseAddress = new Uri(url), Handler = shared, MaxRetryAttempts = 0 });
                var id = $"scrape-{i:D5}";
                var answer = await connection.RegisterAsync(new RegisterRequest { AgentId = id, IntervalSeconds = 3600, Os = "linux" }, enrollment, ct);
                connection.Token = answer.AgentToken;
                await connection.ReportAsync(id, [sample with { Seq = 1, Timestamp = DateTimeOffset.UtcNow }], ct);
            });

            var token = ManagerClient.FromConnectionFile(Path.Combine(data, "admin.json")).Options.Token;
            using var http = new HttpClient(new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.None, SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            }) { BaseAddress = new Uri(url) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var rssBefore = TestFiles.PeakRss(manager.Id);
            await TimeAsync(http, "/metrics", gzip: true);
            var rows = new List<(double GzipMs, long GzipBytes, double PlainMs, long PlainBytes, long Lines, double JsonMs, long JsonBytes)>();
            for (var run = 0; run < runs; run++)
            {
                var (gzipMs, gzipBody) = await TimeAsync(http, "/metrics", gzip: true);
                var (plainMs, plainBody) = await TimeAsync(http, "/metrics", gzip: false);
                var (jsonMs, jsonBody) = await TimeAsync(http, ApiRoutes.Agents, gzip: false);
                rows.Add((gzipMs, gzipBody.Length, plainMs, plainBody.Length, plainBody.Count(b => b == (byte)'\n'), jsonMs, jsonBody.Length));
            }

            var dashboard = await DashboardAsync(url, token!, agents, runs);
            var rssAfter = TestFiles.PeakRss(manager.Id);
            Console.WriteLine($"{runs} runs against one manager holding {agents} agents, each with one real snapshot of this machine ({sample.Cpu.LogicalCores} cores, {sample.Disks.Count} file systems, {sample.Network.Count} interfaces); each run scrapes /metrics with gzip (as Prometheus does) and without, and lists the same agents as JSON (GET {ApiRoutes.Agents}).");
            MarkdownTable.Header();
            MarkdownTable.Row("scrape with gzip, ms", rows.Select(r => r.GzipMs));
            MarkdownTable.Row("scrape with gzip, KiB sent", rows.Select(r => r.GzipBytes / 1024.0));
            MarkdownTable.Row("scrape without gzip, ms", rows.Select(r => r.PlainMs));
            MarkdownTable.Row("scrape without gzip, KiB", rows.Select(r => r.PlainBytes / 1024.0));
            MarkdownTable.Row("lines (samples and their HELP/TYPE)", rows.Select(r => (double)r.Lines));
            MarkdownTable.Row("agent list as JSON (baseline), ms", rows.Select(r => r.JsonMs));
            MarkdownTable.Row("agent list as JSON, KiB", rows.Select(r => r.JsonBytes / 1024.0));
            MarkdownTable.Row("scrape with gzip / agent list, time", rows.Select(r => r.GzipMs / r.JsonMs), "0.00");
            MarkdownTable.Row("dashboard: sign-in to the fleet table drawn, ms", dashboard.Select(d => d.SignInMs));
            MarkdownTable.Row("dashboard: typing a search to one row drawn, ms", dashboard.Select(d => d.SearchMs));
            Console.WriteLine();
            Console.WriteLine($"Manager peak RSS: {rssBefore >> 20} MiB before the scrapes, {rssAfter >> 20} MiB after.");
            await manager.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Signs in to the dashboard in headless Chromium and times the fleet view, once per run.</summary>
    private static async Task<List<(double SignInMs, double SearchMs)>> DashboardAsync(string url, string token, int agents, int runs)
    {
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new Microsoft.Playwright.BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var result = new List<(double, double)>();
        for (var run = 0; run < runs; run++)
        {
            await using var context = await browser.NewContextAsync(new Microsoft.Playwright.BrowserNewContextOptions { IgnoreHTTPSErrors = true });
            var page = await context.NewPageAsync();
            await page.GotoAsync(url);
            await page.FillAsync("#key", token);
            var watch = Stopwatch.StartNew();
            await page.ClickAsync("#sign-in-form button[type=submit]");
            await page.Locator($"#fleet-count:has-text('({agents})')").WaitForAsync(new() { Timeout = 120_000 });
            await page.Locator("#fleet-table tbody tr >> nth=199").WaitForAsync(new() { Timeout = 120_000 });
            var signIn = watch.Elapsed.TotalMilliseconds;
            var last = $"scrape-{agents - 1:D5}";
            watch.Restart();
            await page.FillAsync("#search", last);
            await page.Locator($"#fleet-more:has-text('1 matching agents')").WaitForAsync(new() { Timeout = 60_000 });
            result.Add((signIn, watch.Elapsed.TotalMilliseconds));
        }

        return result;
    }

    private static async Task<(double Ms, byte[] Body)> TimeAsync(HttpClient http, string path, bool gzip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (gzip)
        {
            request.Headers.AcceptEncoding.Add(new("gzip"));
        }

        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        return (watch.Elapsed.TotalMilliseconds, body);
    }
}
