using System.Globalization;
using System.Text.Json;
using Monitoring.Internal;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.AgentHost;

/// <summary><c>--once</c>: one snapshot of this machine, as JSON or as a table, with nothing sent or written.</summary>
internal static class OnceCommand
{
    /// <summary>How long the first interval lasts, over which CPU and network rates are measured.</summary>
    public static readonly TimeSpan RateInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(MetricCollectorOptions metrics, bool table, TextWriter output)
    {
        using var collector = MetricCollector.CreateDefault(TimeProvider.System, metrics);
        collector.Collect();
        await Task.Delay(RateInterval);
        var snapshot = collector.Collect();
        if (table)
        {
            WriteTable(snapshot, output);
            if (MetricCollector.SourcesOf(collector) is { } sources)
            {
                output.WriteLine("sensors    " + sources);
            }
        }
        else
        {
            var options = new JsonSerializerOptions(MonitoringJsonContext.Default.Options) { WriteIndented = true };
            output.WriteLine(JsonSerializer.Serialize(snapshot, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<MetricSnapshot>)options.GetTypeInfo(typeof(MetricSnapshot))));
        }

        return 0;
    }

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Bytes(long? value) => value is { } v ? ByteSize.Format(v) : "-";

    private static void WriteTable(MetricSnapshot s, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Format(c, "time       {0:O}", s.Timestamp));
        o.WriteLine(string.Format(c, "cpu        {0,6:0.0} %  user {1:0.0} %  system {2:0.0} %  iowait {3:0.0} %  steal {4:0.0} %  ({5} cores: {6})",
            s.Cpu.Percent, s.Cpu.UserPercent, s.Cpu.SystemPercent, s.Cpu.IoWaitPercent, s.Cpu.StealPercent, s.Cpu.LogicalCores,
            string.Join(" ", s.Cpu.PerCore.Select(p => p.ToString("0", c)))));
        if (s.Load is { } load)
        {
            o.WriteLine(string.Format(c, "load       {0:0.00} {1:0.00} {2:0.00}", load.OneMinute, load.FiveMinutes, load.FifteenMinutes));
        }

        o.WriteLine(string.Format(c, "memory     {0,6:0.0} %  {1} used of {2}, {3} available", s.Memory.Percent, ByteSize.Format(s.Memory.UsedBytes), ByteSize.Format(s.Memory.TotalBytes), ByteSize.Format(s.Memory.AvailableBytes)));
        o.WriteLine(string.Format(c, "swap       {0,6:0.0} %  {1} used of {2}", s.Swap.Percent, ByteSize.Format(s.Swap.UsedBytes), ByteSize.Format(s.Swap.TotalBytes)));
        foreach (var d in s.Disks)
        {
            o.WriteLine(string.Format(c, "disk       {0,6:0.0} %  {1} used of {2}  {3} ({4}, {5})", d.Percent, ByteSize.Format(d.UsedBytes), ByteSize.Format(d.TotalBytes), d.Mount, d.Device, d.FileSystem));
        }

        foreach (var n in s.Network)
        {
            o.WriteLine(string.Format(c, "network    {0}  rx {1}/s  tx {2}/s  errors {3}/{4}", n.Name, ByteSize.Format((long)n.RxBytesPerSec), ByteSize.Format((long)n.TxBytesPerSec), n.RxErrors, n.TxErrors));
        }

        o.WriteLine(string.Format(c, "uptime     {0}  (boot {1:O})", TimeSpan.FromSeconds(Math.Floor(s.UptimeSeconds)), s.BootTime));
        o.WriteLine(string.Format(c, "processes  {0}", s.Processes.Count));
        foreach (var g in s.Gpus ?? [])
        {
            o.WriteLine(string.Format(c, "gpu {0,-6} {1,6} %  memory {2} used of {3} ({4} busy)  {5} °C  {6} W of {7} W  fan {8}  clocks {9}/{10}/{11} MHz  {12} ({13})",
                g.Index, Number(g.UtilizationPercent, "0.0"), Bytes(g.MemoryUsedBytes), Bytes(g.MemoryTotalBytes), Number(g.MemoryUtilizationPercent, "0' %'"),
                Number(g.TemperatureCelsius, "0"), Number(g.PowerWatts, "0.0"), Number(g.PowerLimitWatts, "0"), Number(g.FanPercent, "0' %'"),
                Number(g.GraphicsClockMHz, "0"), Number(g.SmClockMHz, "0"), Number(g.MemoryClockMHz, "0"), g.Name, g.Uuid));
        }

        foreach (var t in s.Temperatures ?? [])
        {
            o.WriteLine(string.Format(c, "sensor     {0,6:0.0} °C  {1}{2}{3}", t.Celsius, t.Name,
                t.HighCelsius is { } high ? string.Format(c, "  high {0:0} °C", high) : "", t.CriticalCelsius is { } crit ? string.Format(c, "  critical {0:0} °C", crit) : ""));
        }
    }
}
