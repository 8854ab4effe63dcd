using System.Management.Automation;
using Monitoring.Metrics;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonStatus: an agent's metric history as flat objects, ready for Measure-Object and Export-Csv.</summary>
[Cmdlet(VerbsCommon.Get, "MonStatus", DefaultParameterSetName = LastSet)]
[OutputType(typeof(MonStatusSample))]
public sealed class GetMonStatusCommand : MonCmdlet
{
    private const string LastSet = "Last";
    private const string RangeSet = "Range";

    /// <summary>The agent.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "AgentId")]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string Agent { get; set; } = "";

    /// <summary>The newest N samples (default 10).</summary>
    [Parameter(ParameterSetName = LastSet)]
    [ValidateRange(1, 10000)]
    public int Last { get; set; } = 10;

    /// <summary>Samples taken at or after this time.</summary>
    [Parameter(Mandatory = true, ParameterSetName = RangeSet)]
    public DateTime From { get; set; }

    /// <summary>Samples taken at or before this time (default now).</summary>
    [Parameter(ParameterSetName = RangeSet)]
    public DateTime? To { get; set; }

    /// <summary>The tier: raw, 1m or 1h averages, or auto (the finest that keeps the range to about a thousand samples).</summary>
    [Parameter(ParameterSetName = RangeSet)]
    [ValidateSet("raw", "1m", "1h", "auto")]
    public string? Step { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        try
        {
            if (Step is not null and not "raw")
            {
                var series = Run(ct => client.GetSeriesAsync(Agent, From.ToUniversalTime(), (To ?? DateTime.UtcNow).ToUniversalTime(), Step == "auto" ? null : Step, ct));
                foreach (var point in series.Points)
                {
                    WriteObject(new MonStatusSample(Agent, series.Tier, point));
                }

                return;
            }

            var snapshots = ParameterSetName == RangeSet
                ? Run(ct => client.GetStatusHistoryAsync(Agent, 10000, From.ToUniversalTime(), (To ?? DateTime.UtcNow).ToUniversalTime(), ct))
                : Run(ct => client.GetStatusHistoryAsync(Agent, Last, null, null, ct));
            foreach (var s in snapshots.Reverse())
            {
                WriteObject(new MonStatusSample(Agent, s));
            }
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Agent));
        }
    }
}

/// <summary>One metric sample, flattened: the numbers admins chart and compare.</summary>
public sealed class MonStatusSample
{
    internal MonStatusSample(string agentId, MetricSnapshot s)
    {
        AgentId = agentId;
        Seq = s.Seq;
        Timestamp = s.Timestamp.UtcDateTime;
        CpuPercent = s.Cpu.Percent;
        MemoryPercent = s.Memory.Percent;
        MemoryUsedBytes = s.Memory.UsedBytes;
        SwapPercent = s.Swap.Percent;
        DiskPercent = s.Disks.Count == 0 ? 0 : s.Disks.Max(d => d.Percent);
        Load1 = s.Load?.OneMinute;
        NetworkRxBytesPerSec = s.Network.Sum(n => n.RxBytesPerSec);
        NetworkTxBytesPerSec = s.Network.Sum(n => n.TxBytesPerSec);
        ProcessCount = s.Processes.Count;
        UptimeSeconds = s.UptimeSeconds;
        GpuPercent = Max(s.Gpus?.Select(g => g.UtilizationPercent));
        GpuMemoryPercent = Max(s.Gpus?.Select(g => g.MemoryPercent));
        GpuTemperature = Max(s.Gpus?.Select(g => g.TemperatureCelsius));
        Temperature = Max(s.Temperatures?.Select(t => (double?)t.Celsius));
        AppCpuPercent = s.Application?.CpuPercent;
        AppWorkingSetBytes = s.Application?.WorkingSetBytes;
        AppValues = s.Application?.Values;
        Snapshot = s;
        Tier = "raw";
    }

    internal MonStatusSample(string agentId, string tier, Monitoring.Protocol.MetricPoint point)
    {
        double Avg(string name) => point.Metrics.TryGetValue(name, out var m) ? m.Avg : 0;
        AgentId = agentId;
        Tier = tier;
        Timestamp = point.Timestamp.UtcDateTime;
        CpuPercent = Avg("cpu.percent");
        MemoryPercent = Avg("memory.percent");
        MemoryUsedBytes = (long)Avg("memory.usedBytes");
        SwapPercent = Avg("swap.percent");
        DiskPercent = point.Metrics.Where(kv => kv.Key.StartsWith("disk.percent:", StringComparison.Ordinal)).Select(kv => kv.Value.Avg).DefaultIfEmpty(0).Max();
        Load1 = point.Metrics.TryGetValue("load.1m", out var load) ? load.Avg : null;
        NetworkRxBytesPerSec = point.Metrics.Where(kv => kv.Key.StartsWith("network.rxBytesPerSec:", StringComparison.Ordinal)).Sum(kv => kv.Value.Avg);
        NetworkTxBytesPerSec = point.Metrics.Where(kv => kv.Key.StartsWith("network.txBytesPerSec:", StringComparison.Ordinal)).Sum(kv => kv.Value.Avg);
        ProcessCount = (int)Math.Round(Avg("processes.count"));
        double? Hottest(string prefix) => Max(point.Metrics.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(kv => (double?)kv.Value.Avg));
        GpuPercent = Hottest("gpu.utilization:");
        GpuMemoryPercent = Hottest("gpu.memory.percent:");
        GpuTemperature = Hottest("gpu.temperature:");
        Temperature = Hottest("sensor.temperature:");
        AppCpuPercent = point.Metrics.TryGetValue("app.cpu.percent", out var appCpu) ? appCpu.Avg : null;
        AppWorkingSetBytes = point.Metrics.TryGetValue("app.memory.workingSetBytes", out var appMemory) ? (long)appMemory.Avg : null;
        var values = point.Metrics.Where(kv => kv.Key.StartsWith("app.value:", StringComparison.Ordinal)).ToDictionary(kv => kv.Key.Substring("app.value:".Length), kv => kv.Value.Avg, StringComparer.Ordinal);
        AppValues = values.Count == 0 ? null : values;
        Point = point;
        Snapshot = null!;
    }

    private static double? Max(IEnumerable<double?>? values) =>
        values?.Where(v => v is not null).DefaultIfEmpty(null).Max();

    /// <summary>The tier the sample comes from: raw, or 1m / 1h averages.</summary>
    public string Tier { get; }

    /// <summary>For a rollup tier: every metric's minimum, average and maximum over the bucket.</summary>
    public Monitoring.Protocol.MetricPoint? Point { get; }

    /// <summary>The agent.</summary>
    public string AgentId { get; }

    /// <summary>The sample's sequence number.</summary>
    public long Seq { get; }

    /// <summary>When it was taken (UTC).</summary>
    public DateTime Timestamp { get; }

    /// <summary>CPU busy, 0–100.</summary>
    public double CpuPercent { get; }

    /// <summary>Memory used, 0–100.</summary>
    public double MemoryPercent { get; }

    /// <summary>Memory used in bytes.</summary>
    public long MemoryUsedBytes { get; }

    /// <summary>Swap used, 0–100.</summary>
    public double SwapPercent { get; }

    /// <summary>The fullest filesystem, 0–100.</summary>
    public double DiskPercent { get; }

    /// <summary>The one-minute load average, where the OS has one.</summary>
    public double? Load1 { get; }

    /// <summary>Bytes received per second, all interfaces.</summary>
    public double NetworkRxBytesPerSec { get; }

    /// <summary>Bytes sent per second, all interfaces.</summary>
    public double NetworkTxBytesPerSec { get; }

    /// <summary>The number of processes.</summary>
    public int ProcessCount { get; }

    /// <summary>Seconds since boot.</summary>
    public double UptimeSeconds { get; }

    /// <summary>The busiest GPU, 0–100; null without GPUs.</summary>
    public double? GpuPercent { get; }

    /// <summary>The GPU with the most memory in use, 0–100; null without GPUs.</summary>
    public double? GpuMemoryPercent { get; }

    /// <summary>The hottest GPU in °C; null without GPUs.</summary>
    public double? GpuTemperature { get; }

    /// <summary>The hottest temperature sensor in °C; null where the machine exposes none.</summary>
    public double? Temperature { get; }

    /// <summary>For an app that embeds the agent: its processor use, percent of the whole machine; otherwise null.</summary>
    public double? AppCpuPercent { get; }

    /// <summary>For an app that embeds the agent: its working set in bytes; otherwise null.</summary>
    public long? AppWorkingSetBytes { get; }

    /// <summary>For an app that embeds the agent: the values it reports, by name (averages for a rollup tier); otherwise null.</summary>
    public IReadOnlyDictionary<string, double>? AppValues { get; }

    /// <summary>The whole snapshot (per core, per disk, per interface, per GPU and sensor); null for a rollup tier.</summary>
    public MetricSnapshot Snapshot { get; }
}
