using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Monitoring.Tests;

namespace Monitoring.Manager.Tests.Apis;

/// <summary>The Prometheus endpoint, checked by Prometheus's own tools: promtool, and a real Prometheus server scraping it.</summary>
public sealed class MetricsApiTests : IAsyncLifetime
{
    private TestManager _manager = null!;
    private string _readerToken = null!;

    public async Task InitializeAsync()
    {
        _manager = await TestManager.StartAsync();
        using var admin = _manager.AdminClient();
        _readerToken = (await admin.CreateApiKeyAsync("prometheus", KeyRole.Reader)).Token!;
        var (agent, _) = await _manager.EnrollAsync("m1");
        var snapshot = TestManager.Snapshot(1) with
        {
            // Agent-supplied names with the characters the format escapes: they must stay inside their label.
            Disks = [new DiskMetrics { Mount = "/mnt/a\"b\\c\nd", TotalBytes = 100, UsedBytes = 10, FreeBytes = 90 }],
            Gpus =
            [
                new GpuMetrics
                {
                    Index = 0, Name = "NVIDIA H200", Uuid = "GPU-1", UtilizationPercent = 37, MemoryTotalBytes = 1000, MemoryUsedBytes = 250,
                    MemoryPercent = 25, TemperatureCelsius = 34, PowerWatts = 74.5, PowerLimitWatts = 700, GraphicsClockMHz = 1980,
                },
            ],
            Temperatures = [new TemperatureMetrics { Name = "coretemp/Package id 0", Celsius = 45.5, HighCelsius = 80 }],
            Application = new ApplicationMetrics
            {
                Name = "orders-api", ProcessId = 42, StartTime = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), CpuPercent = 12.5,
                WorkingSetBytes = 123_000_000, GcHeapBytes = 45_000_000, Values = new Dictionary<string, double> { ["orders.queued"] = 17 },
            },
        };
        await agent.ReportAsync("m1", [snapshot]);
        await agent.SendAlertsAsync("m1", [
            new AlertTransition { Fingerprint = "cpu", Rule = "cpu-high", State = AlertState.Firing, Severity = AlertSeverity.Critical, Timestamp = DateTimeOffset.UtcNow },
            new AlertTransition { Fingerprint = "load", Rule = "load-high", State = AlertState.Firing, Severity = AlertSeverity.Warning, Timestamp = DateTimeOffset.UtcNow },
            new AlertTransition { Fingerprint = "load", Rule = "load-high", State = AlertState.Resolved, Severity = AlertSeverity.Warning, Timestamp = DateTimeOffset.UtcNow },
        ]);
        await _manager.EnrollAsync("m2");
    }

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    private async Task<string> ScrapeAsync()
    {
        using var http = _manager.Http(_readerToken);
        return await http.GetStringAsync("/metrics");
    }

    [Fact]
    public async Task Metrics_NeedAReaderKey_AndPromtoolAcceptsThem()
    {
        using var anonymous = _manager.Http(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        var (agent, agentToken) = await _manager.EnrollAsync("m3");
        using var asAgent = _manager.Http(agentToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await asAgent.GetAsync("/metrics")).StatusCode);

        var text = await ScrapeAsync();

        Assert.Contains("monitoring_agent_up{agent=\"m1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_cpu_percent{agent=\"m1\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_cpu_core_percent{agent=\"m1\",cpu=\"1\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_disk_free_bytes{agent=\"m1\",mount=\"/mnt/a\\\"b\\\\c\\nd\",device=\"\",fstype=\"\"} 90\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_network_receive_bytes_total{agent=\"m1\",interface=\"eth0\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_snapshots_stored_total 1\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_gpu_utilization_percent{agent=\"m1\",gpu=\"0\",uuid=\"GPU-1\",name=\"NVIDIA H200\"} 37\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_gpu_memory_used_bytes{agent=\"m1\",gpu=\"0\",uuid=\"GPU-1\",name=\"NVIDIA H200\"} 250\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_gpu_power_watts{agent=\"m1\",gpu=\"0\",uuid=\"GPU-1\",name=\"NVIDIA H200\"} 74.5\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_gpu_clock_hertz{agent=\"m1\",gpu=\"0\",uuid=\"GPU-1\",domain=\"graphics\"} 1980000000\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("monitoring_agent_gpu_clock_hertz{agent=\"m1\",gpu=\"0\",uuid=\"GPU-1\",domain=\"sm\"}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("monitoring_agent_gpu_fan_percent{", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_temperature_celsius{agent=\"m1\",sensor=\"coretemp/Package id 0\"} 45.5\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_app_cpu_percent{agent=\"m1\",app=\"orders-api\"} 12.5\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_app_working_set_bytes{agent=\"m1\",app=\"orders-api\"} 123000000\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_app_gc_heap_bytes{agent=\"m1\",app=\"orders-api\"} 45000000\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_app_start_time_seconds{agent=\"m1\",app=\"orders-api\"} 1800000000\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_app_value{agent=\"m1\",app=\"orders-api\",name=\"orders.queued\"} 17\n", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_alerts_firing{agent=\"m1\",severity=\"critical\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("monitoring_agent_alerts_firing{agent=\"m1\",severity=\"warning\"}", text, StringComparison.Ordinal);
        Assert.Contains("monitoring_alerts_firing{severity=\"critical\"} 1\n", text, StringComparison.Ordinal);
        using var admin = _manager.AdminClient();
        var online = (await admin.GetAgentsAsync()).Count(a => a.Status == AgentState.Online);
        Assert.Contains($"monitoring_agents{{state=\"online\"}} {online}\n", text, StringComparison.Ordinal);
        Assert.Contains("http_request_duration_seconds_count{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("monitoring_agent_cpu_percent{agent=\"m2\"}", text, StringComparison.Ordinal);
        var (code, output) = await PromtoolAsync(text);
        Assert.True(code == 0, $"promtool check metrics exited {code}:\n{output}");
    }

    [Fact]
    public async Task Metrics_AreGzippedForAScraperThatAcceptsIt()
    {
        using var http = _manager.Http(_readerToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await http.SendAsync(request);

        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var unzipped = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(unzipped);
        Assert.Contains("monitoring_agent_up{agent=\"m1\"} 1\n", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APrometheusServer_ScrapesTheManagerWithABearerToken_AndFindsTheAgentsCpu()
    {
        var dir = Directory.CreateTempSubdirectory("monitoring-prometheus-").FullName;
        try
        {
            var port = TestNet.FreePort();
            var tokenFile = Path.Combine(dir, "token");
            await File.WriteAllTextAsync(tokenFile, _readerToken);
            var config = Path.Combine(dir, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: monitoring
                    metrics_path: /metrics
                    authorization:
                      credentials_file: {tokenFile}
                    static_configs:
                      - targets: ["127.0.0.1:{_manager.Port}"]
                """);
            using var prometheus = ServerProcess.StartProgram(
                "prometheus", $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}", $"--web.listen-address=127.0.0.1:{port}");
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var query = Uri.EscapeDataString("monitoring_agent_cpu_percent{agent=\"m1\"}");
            string? value = null;
            await TestNet.WaitUntilAsync(
                async () =>
                {
                    try
                    {
                        using var answer = JsonDocument.Parse(await http.GetStringAsync($"/api/v1/query?query={query}"));
                        var result = answer.RootElement.GetProperty("data").GetProperty("result");
                        value = result.GetArrayLength() == 1 ? result[0].GetProperty("value")[1].GetString() : null;
                    }
                    catch (HttpRequestException)
                    {
                        // Prometheus is still starting.
                    }

                    return value is not null;
                },
                TimeSpan.FromSeconds(60),
                $"Prometheus to scrape the manager. Its output:\n{prometheus.Output}");

            Assert.Equal("1", value);
            using var targets = JsonDocument.Parse(await http.GetStringAsync("/api/v1/targets"));
            Assert.Equal("up", targets.RootElement.GetProperty("data").GetProperty("activeTargets")[0].GetProperty("health").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> PromtoolAsync(string metrics)
    {
        var info = new ProcessStartInfo("promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var promtool = Process.Start(info)!;
        var output = promtool.StandardOutput.ReadToEndAsync();
        var errors = promtool.StandardError.ReadToEndAsync();
        await promtool.StandardInput.WriteAsync(metrics);
        promtool.StandardInput.Close();
        await promtool.WaitForExitAsync();
        return (promtool.ExitCode, await output + await errors);
    }
}
