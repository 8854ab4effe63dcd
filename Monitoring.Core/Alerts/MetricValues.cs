using Monitoring.Metrics;

namespace Monitoring.Alerts;

/// <summary>Reads a rule's metric out of a snapshot: one value, or one per mount or interface.</summary>
public static class MetricValues
{
    /// <summary>The metrics rules can watch.</summary>
    public static IReadOnlyList<string> Known { get; } =
    [
        "cpu.percent", "memory.percent", "swap.percent", "disk.percent", "network.rxBytesPerSec", "network.txBytesPerSec",
        "load.1m", "load.5m", "load.15m", "processes.count",
        "gpu.utilization", "gpu.memory.percent", "gpu.temperature", "sensor.temperature",
        "app.cpu.percent", "app.memory.workingSetBytes", "app.value",
    ];

    /// <summary>True for the metrics with one value per target (mount, interface, GPU, sensor, app value), which a rule's target narrows.</summary>
    internal static bool HasTargets(string metric) =>
        metric.StartsWith("disk.", StringComparison.Ordinal) || metric.StartsWith("network.", StringComparison.Ordinal)
        || metric.StartsWith("gpu.", StringComparison.Ordinal) || metric.StartsWith("sensor.", StringComparison.Ordinal)
        || metric == "app.value";

    /// <summary>
    /// The values of <paramref name="metric"/> in <paramref name="snapshot"/>, with their target (mount, interface, GPU
    /// index, sensor name, app value name) or null. A GPU matches a target pattern by its index, its UUID or its name.
    /// </summary>
    public static IEnumerable<(string? Target, double Value)> Extract(MetricSnapshot snapshot, string metric, string? targetPattern)
    {
        switch (metric)
        {
            case "cpu.percent": yield return (null, snapshot.Cpu.Percent); break;
            case "memory.percent": yield return (null, snapshot.Memory.Percent); break;
            case "swap.percent":
                if (snapshot.Swap.TotalBytes > 0)
                {
                    yield return (null, snapshot.Swap.Percent);
                }

                break;
            case "processes.count": yield return (null, snapshot.Processes.Count); break;
            case "load.1m" when snapshot.Load is { } l1: yield return (null, l1.OneMinute); break;
            case "load.5m" when snapshot.Load is { } l5: yield return (null, l5.FiveMinutes); break;
            case "load.15m" when snapshot.Load is { } l15: yield return (null, l15.FifteenMinutes); break;
            case "disk.percent":
                foreach (var d in snapshot.Disks.Where(d => Matches(d.Mount, targetPattern)))
                {
                    yield return (d.Mount, d.Percent);
                }

                break;
            case "network.rxBytesPerSec":
            case "network.txBytesPerSec":
                foreach (var n in snapshot.Network.Where(n => Matches(n.Name, targetPattern)))
                {
                    yield return (n.Name, metric == "network.rxBytesPerSec" ? n.RxBytesPerSec : n.TxBytesPerSec);
                }

                break;
            case "gpu.utilization":
            case "gpu.memory.percent":
            case "gpu.temperature":
                foreach (var gpu in snapshot.Gpus ?? [])
                {
                    var index = gpu.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (MetricNames.GpuValue(gpu, metric) is { } v && (Matches(index, targetPattern) || (gpu.Uuid is { } uuid && Matches(uuid, targetPattern)) || Matches(gpu.Name, targetPattern)))
                    {
                        yield return (index, v);
                    }
                }

                break;
            case "app.cpu.percent" when snapshot.Application is { } appCpu: yield return (null, appCpu.CpuPercent); break;
            case "app.memory.workingSetBytes" when snapshot.Application is { } appMemory: yield return (null, appMemory.WorkingSetBytes); break;
            case "app.value":
                foreach (var value in (snapshot.Application?.Values ?? Enumerable.Empty<KeyValuePair<string, double>>()).Where(v => Matches(v.Key, targetPattern)))
                {
                    yield return (value.Key, value.Value);
                }

                break;
            case "sensor.temperature":
                foreach (var sensor in (snapshot.Temperatures ?? []).Where(t => Matches(t.Name, targetPattern)))
                {
                    yield return (sensor.Name, sensor.Celsius);
                }

                break;
        }
    }

    /// <summary>Simple wildcard match: '*' any run, '?' one character; null matches everything.</summary>
    public static bool Matches(string value, string? pattern) =>
        Internal.Wildcard.IsMatch(value, pattern);
}
