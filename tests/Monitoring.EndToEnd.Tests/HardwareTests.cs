using System.Text.Json;
using Monitoring.Protocol;

namespace Monitoring.EndToEnd.Tests;

/// <summary>
/// GPUs from agent process to manager: the real agent (JIT and NativeAOT) loads the NVML stand-in of tests/fakes/nvml
/// the way it finds the driver's library (the system loader, here through LD_LIBRARY_PATH), and its two GPUs reach
/// the manager's latest values, series, alerts and /metrics.
/// </summary>
public sealed class HardwareTests : IDisposable
{
    private readonly Fleet _fleet = new();
    private readonly Dictionary<string, string> _withNvml = new() { ["LD_LIBRARY_PATH"] = FakeNvml.Directory };

    public void Dispose() => _fleet.Dispose();

    [Fact]
    public async Task AnAgentWithGpus_ReportsThem_AndAHotGpuFiresItsRule()
    {
        await _fleet.StartManagerAsync();
        var config = _fleet.WriteConfig("agent.yaml", """
            thresholds:
              - name: gpu-hot
                metric: gpu.temperature
                above: 80
                severity: critical
                message: "GPU {target} at {value} °C"
            """);
        var agent = _fleet.StartAgent("gpu1", "1s", config: config, environment: _withNvml);
        using var admin = _fleet.AdminClient();

        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAlertsAsync("gpu1")).Any(a => a.Transition.Rule == "gpu-hot"), TimeSpan.FromSeconds(30), "the hot GPU's alert");

        var alert = Assert.Single(await admin.GetAlertsAsync("gpu1"), a => a.Transition.Rule == "gpu-hot").Transition;
        Assert.Equal(("gpu-hot:1", "1", 86.0, "GPU 1 at 86 °C"), (alert.Fingerprint, alert.Target, alert.Value, alert.Message));
        var latest = (await admin.GetAgentAsync("gpu1")).Latest!;
        Assert.Equal(["NVIDIA H200", "NVIDIA GeForce RTX 4090"], latest.Gpus!.Select(g => g.Name));
        Assert.Equal((37.0, 0L, 143771L << 20, 74.512), (latest.Gpus![0].UtilizationPercent!.Value, latest.Gpus[0].MemoryUsedBytes!.Value, latest.Gpus[0].MemoryTotalBytes!.Value, latest.Gpus[0].PowerWatts!.Value));
        Assert.Null(latest.Gpus![0].FanPercent);
        Assert.Equal(72, latest.Gpus[1].FanPercent);
        await agent.WaitForOutputAsync("Hardware sensors: GPUs: 2 NVIDIA GPUs through libnvidia-ml.so.1, driver 550.54.15", TimeSpan.FromSeconds(5));

        var series = await admin.GetSeriesAsync("gpu1", DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), "raw");
        var point = series.Points[^1].Metrics;
        Assert.Equal(99, point["gpu.utilization:1"].Avg);
        Assert.Equal(77.65, point["gpu.memory.percent:1"].Avg);
        Assert.Equal(34, point["gpu.temperature:0"].Avg);

        var reader = (await admin.CreateApiKeyAsync("scraper", KeyRole.Reader)).Token!;
        using var http = _fleet.Http(reader);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("monitoring_agent_gpu_temperature_celsius{agent=\"gpu1\",gpu=\"1\",uuid=\"GPU-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\",name=\"NVIDIA GeForce RTX 4090\"} 86\n", metrics, StringComparison.Ordinal);
        Assert.Contains("monitoring_agent_gpu_power_limit_watts{agent=\"gpu1\",gpu=\"0\",uuid=\"GPU-5f2c1a9e-7b3d-4c6e-9a01-2b3c4d5e6f70\",name=\"NVIDIA H200\"} 700\n", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("monitoring_agent_gpu_fan_percent{agent=\"gpu1\",gpu=\"0\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_ShowsTheGpus_UnlessTurnedOff_AndFindsALibraryNamedInTheSettings()
    {
        using var found = await OnceAsync(_withNvml);
        using var named = await OnceAsync(null, "--metrics-nvml-library", FakeNvml.LibraryPath);
        using var off = await OnceAsync(_withNvml, "--metrics-gpus", "false");
        using var table = await OnceAsync(_withNvml, "--table");

        Assert.Equal(2, Snapshot(found).Gpus!.Count);
        Assert.Equal(Snapshot(found).Gpus![1].Uuid, Snapshot(named).Gpus![1].Uuid);
        Assert.Null(Snapshot(off).Gpus);
        Assert.DoesNotContain("\"gpus\"", off.Output, StringComparison.Ordinal);
        Assert.Contains("gpu 1        99.0 %  memory 18.6 GiB used of 24.0 GiB (61 % busy)  86 °C  431.3 W of 450 W  fan 72 %", table.Output, StringComparison.Ordinal);
        Assert.Contains("sensors    GPUs: 2 NVIDIA GPUs through libnvidia-ml.so.1, driver 550.54.15; temperatures: ", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_WithoutAnNvidiaDriver_ReportsNoGpuSectionAndNoError()
    {
        using var run = await OnceAsync(null, "--table");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("sensors    GPUs: none: libnvidia-ml.so.1 not found (no NVIDIA driver)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("gpu ", run.Output, StringComparison.Ordinal);
    }

    private static async Task<ServerProcess> OnceAsync(Dictionary<string, string>? environment, params string[] args)
    {
        var run = ServerProcess.StartWith(environment, null, "Monitoring.Agent", ["--once", .. args]);
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        return run;
    }

    private static Monitoring.Metrics.MetricSnapshot Snapshot(ServerProcess run) =>
        JsonSerializer.Deserialize(run.Output, MonitoringJsonContext.Default.MetricSnapshot)!;
}
