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

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        try
        {
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
        Snapshot = s;
    }

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

    /// <summary>The whole snapshot (per core, per disk, per interface).</summary>
    public MetricSnapshot Snapshot { get; }
}
