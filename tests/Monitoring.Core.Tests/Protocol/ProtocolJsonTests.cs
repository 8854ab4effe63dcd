using System.Text.Json;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Protocol;

public class ProtocolJsonTests
{
    private static readonly MetricSnapshot Sample = new()
    {
        Seq = 7,
        Timestamp = new DateTimeOffset(2026, 11, 28, 10, 42, 0, TimeSpan.Zero),
        Cpu = new CpuMetrics { Percent = 12.5, LogicalCores = 2, PerCore = [10, 15] },
        Load = new LoadMetrics { OneMinute = 0.5, FiveMinutes = 0.25, FifteenMinutes = 0.1 },
        Memory = new MemoryMetrics { TotalBytes = 8L << 30, UsedBytes = 2L << 30, AvailableBytes = 6L << 30, Percent = 25 },
        Disks = [new DiskMetrics { Mount = "/", Device = "/dev/sda1", FileSystem = "ext4", TotalBytes = 100, UsedBytes = 40, FreeBytes = 60, Percent = 40 }],
        Network = [new NetworkInterfaceMetrics { Name = "eth0", RxBytes = 1_000_000_000_000, RxBytesPerSec = 1234.5 }],
        UptimeSeconds = 3600,
        BootTime = new DateTimeOffset(2026, 11, 28, 9, 42, 0, TimeSpan.Zero),
        Processes = new ProcessMetrics { Count = 123 },
    };

    [Fact]
    public void MetricSnapshot_RoundTrips_WithCamelCaseTypedNumbers()
    {
        var json = JsonSerializer.Serialize(Sample, MonitoringJsonContext.Default.MetricSnapshot);
        var back = JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.MetricSnapshot)!;

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(7, root.GetProperty("seq").GetInt64());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("cpu").GetProperty("percent").ValueKind);
        Assert.Equal(8L << 30, root.GetProperty("memory").GetProperty("totalBytes").GetInt64());
        Assert.Equal(1_000_000_000_000, root.GetProperty("network")[0].GetProperty("rxBytes").GetInt64());
        Assert.Equal(123, root.GetProperty("processes").GetProperty("count").GetInt32());
        Assert.StartsWith("2026-11-28T10:42:00", root.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
        Assert.Equal(Sample.Cpu.PerCore, back.Cpu.PerCore);
        Assert.Equal(Sample.Disks[0], back.Disks[0]);
        Assert.Equal(Sample.Network[0], back.Network[0]);
        Assert.Equal(Sample.Timestamp, back.Timestamp);
        Assert.Equal(Sample.Load, back.Load);
    }

    [Fact]
    public void AgentInfo_WritesStatusAsLowercaseWord()
    {
        var json = JsonSerializer.Serialize(new AgentInfo { Id = "web1", Status = AgentState.Offline }, MonitoringJsonContext.Default.AgentInfo);

        Assert.Contains("\"status\":\"offline\"", json, StringComparison.Ordinal);
        Assert.Equal(AgentState.Online, JsonSerializer.Deserialize("{\"id\":\"a\",\"status\":\"online\"}", MonitoringJsonContext.Default.AgentInfo)!.Status);
    }

    [Fact]
    public void AlertTransition_RoundTripsStateAndSeverity()
    {
        var t = new AlertTransition
        {
            Fingerprint = "cpu-high", Rule = "cpu-high", State = AlertState.Firing, Severity = AlertSeverity.Critical,
            Metric = "cpu.percent", Value = 95, Threshold = 80, Timestamp = Sample.Timestamp,
        };

        var json = JsonSerializer.Serialize(t, MonitoringJsonContext.Default.AlertTransition);

        Assert.Contains("\"state\":\"firing\"", json, StringComparison.Ordinal);
        Assert.Contains("\"severity\":\"critical\"", json, StringComparison.Ordinal);
        Assert.Equal(t, JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.AlertTransition));
    }

    [Fact]
    public void AlertTransition_WithoutSeverity_IsAWarning()
    {
        var t = JsonSerializer.Deserialize("{\"fingerprint\":\"f\",\"rule\":\"r\",\"state\":\"firing\"}", MonitoringJsonContext.Default.AlertTransition)!;

        Assert.Equal(AlertSeverity.Warning, t.Severity);
    }

    [Fact]
    public void ApiProblem_ReadsTheStableCode()
    {
        var problem = JsonSerializer.Deserialize(
            "{\"type\":\"x\",\"title\":\"Not found\",\"status\":404,\"detail\":\"No agent 'b'.\",\"code\":\"agent_not_found\"}",
            MonitoringJsonContext.Default.ApiProblem)!;

        Assert.Equal(ErrorCodes.AgentNotFound, problem.Code);
        Assert.Equal(404, problem.Status);
    }

    [Fact]
    public void ApiRoutes_EscapeAgentIds()
    {
        Assert.Equal("/api/v1/agents/web1/status", ApiRoutes.ForAgentStatus("web1"));
        Assert.Equal("/api/v1/agents/a%2Fb", ApiRoutes.ForAgent("a/b"));
    }
}
