using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Monitoring.Client;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

/// <summary>
/// The manager's disk fills up (its data directory is a 48 MiB tmpfs): writes answer 503 with Retry-After and keep
/// nothing, reads keep working, and once space returns writes succeed again with every acknowledged report kept.
/// Mounting needs root, which the test machines and CI have.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly Fleet _fleet = new();
    private bool _mounted;

    public void Dispose()
    {
        if (_mounted)
        {
            // Detached at once; the manager's open files go with its process below.
            Run("umount", "-l", _fleet.DataDir);
        }

        _fleet.Dispose();
    }

    [Fact]
    public async Task AFullDisk_Answers503WithRetryAfter_KeepsReadsWorking_AndRecoversWhenSpaceReturns()
    {
        Assert.True(Environment.UserName == "root", "This test mounts a small tmpfs as the manager's data directory, which needs root (as on CI).");
        Directory.CreateDirectory(_fleet.DataDir);
        Run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", _fleet.DataDir);
        _mounted = true;
        await _fleet.StartManagerAsync();
        string token;
        using (var enroll = new AgentConnection(new ManagerConnectionOptions { BaseAddress = new Uri(_fleet.ManagerUrl), CertificateThumbprint = _fleet.Admin.CertificateThumbprint }))
        {
            token = (await enroll.RegisterAsync(new RegisterRequest { AgentId = "full", IntervalSeconds = 10 }, File.ReadAllText(Path.Combine(_fleet.DataDir, "enrollment.token")).Trim())).AgentToken!;
        }

        using var agent = _fleet.Http(token);
        using var admin = _fleet.Http(_fleet.Admin.Token);
        var acknowledged = new List<long>();
        long seq = 0;
        async Task<HttpResponseMessage> PostBatchAsync()
        {
            var batch = Enumerable.Range(0, 200).Select(_ => Snapshot(++seq)).ToList();
            var response = await agent.PostAsync(
                ApiRoutes.ForAgent("full") + "/status",
                new StringContent(JsonSerializer.Serialize(batch, MonitoringJsonContext.Default.ListMetricSnapshot), Encoding.UTF8, "application/json"));
            if (response.IsSuccessStatusCode)
            {
                acknowledged.AddRange(batch.Select(s => s.Seq));
            }

            return response;
        }

        Assert.Equal(HttpStatusCode.OK, (await PostBatchAsync()).StatusCode);
        var filler = Path.Combine(_fleet.DataDir, "filler");
        Fill(filler);

        HttpResponseMessage? refused = null;
        for (var i = 0; i < 500 && refused is null; i++)
        {
            var response = await PostBatchAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                refused = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        Assert.NotNull(refused);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        var problem = await refused.Content.ReadAsStringAsync();
        Assert.Contains("\"code\":\"unavailable\"", problem, StringComparison.Ordinal);
        Assert.Contains("full", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(ApiRoutes.Agents)).StatusCode);

        File.Delete(filler);
        await TestNet.WaitUntilAsync(async () => (await PostBatchAsync()).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "writes to succeed once space returned");

        var stored = new HashSet<long>();
        using var reader = _fleet.AdminClient();
        foreach (var s in await reader.GetStatusHistoryAsync("full", limit: 10_000))
        {
            stored.Add(s.Seq);
        }

        var lost = acknowledged.Where(a => !stored.Contains(a)).ToList();
        Assert.True(lost.Count == 0, $"Acknowledged but not stored: {lost.Count} snapshot(s), first {lost.FirstOrDefault()}");
    }

    private static void Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        var block = new byte[1 << 20];
        try
        {
            while (true)
            {
                file.Write(block);
                file.Flush();
            }
        }
        catch (IOException)
        {
            // The disk is full.
        }
    }

    private static void Run(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)} failed: {error}");
    }

    private static MetricSnapshot Snapshot(long seq) => new()
    {
        Seq = seq,
        Timestamp = DateTimeOffset.UtcNow,
        Cpu = new CpuMetrics { Percent = seq % 100, PerCore = [1, 2, 3, 4] },
        Memory = new MemoryMetrics { TotalBytes = 1 << 30, UsedBytes = seq },
        Disks = [new DiskMetrics { Mount = "/", TotalBytes = 1 << 30, UsedBytes = seq }],
        Network = [new NetworkInterfaceMetrics { Name = "eth0" }],
    };
}
