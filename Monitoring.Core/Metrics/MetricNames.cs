namespace Monitoring.Metrics;

/// <summary>
/// The flat metric names a snapshot yields for series and rollups: <c>cpu.percent</c>, <c>memory.percent</c>,
/// <c>disk.percent:/var</c>, <c>network.rxBytesPerSec:eth0</c>, <c>gpu.utilization:0</c>,
/// <c>sensor.temperature:coretemp/Package id 0</c>, <c>app.cpu.percent</c>, <c>app.value:orders.queued</c>, and so on; one name per value that makes sense to chart over time.
/// </summary>
public static class MetricNames
{
    /// <summary>Every charted value of <paramref name="snapshot"/> by name.</summary>
    public static IEnumerable<KeyValuePair<string, double>> Of(MetricSnapshot snapshot)
    {
        if (snapshot is null)
        {
            throw new ArgumentNullException(nameof(snapshot));
        }

        yield return new("cpu.percent", snapshot.Cpu.Percent);
        yield return new("cpu.userPercent", snapshot.Cpu.UserPercent);
        yield return new("cpu.systemPercent", snapshot.Cpu.SystemPercent);
        yield return new("cpu.ioWaitPercent", snapshot.Cpu.IoWaitPercent);
        if (snapshot.Load is { } load)
        {
            yield return new("load.1m", load.OneMinute);
            yield return new("load.5m", load.FiveMinutes);
            yield return new("load.15m", load.FifteenMinutes);
        }

        yield return new("memory.percent", snapshot.Memory.Percent);
        yield return new("memory.usedBytes", snapshot.Memory.UsedBytes);
        yield return new("swap.percent", snapshot.Swap.Percent);
        foreach (var disk in snapshot.Disks)
        {
            yield return new("disk.percent:" + disk.Mount, disk.Percent);
            yield return new("disk.usedBytes:" + disk.Mount, disk.UsedBytes);
        }

        foreach (var nic in snapshot.Network)
        {
            yield return new("network.rxBytesPerSec:" + nic.Name, nic.RxBytesPerSec);
            yield return new("network.txBytesPerSec:" + nic.Name, nic.TxBytesPerSec);
        }

        yield return new("processes.count", snapshot.Processes.Count);
        foreach (var gpu in snapshot.Gpus ?? [])
        {
            var index = ":" + gpu.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var name in GpuMetricNames)
            {
                if (GpuValue(gpu, name) is { } v)
                {
                    yield return new(name + index, v);
                }
            }
        }

        foreach (var sensor in snapshot.Temperatures ?? [])
        {
            yield return new("sensor.temperature:" + sensor.Name, sensor.Celsius);
        }

        if (snapshot.Application is { } app)
        {
            yield return new("app.cpu.percent", app.CpuPercent);
            yield return new("app.memory.workingSetBytes", app.WorkingSetBytes);
            yield return new("app.memory.gcHeapBytes", app.GcHeapBytes);
            foreach (var value in app.Values ?? Enumerable.Empty<KeyValuePair<string, double>>())
            {
                yield return new("app.value:" + value.Key, value.Value);
            }
        }
    }

    /// <summary>The charted values of each GPU, by name (series add <c>:index</c>).</summary>
    internal static IReadOnlyList<string> GpuMetricNames { get; } =
        ["gpu.utilization", "gpu.memory.percent", "gpu.memory.usedBytes", "gpu.temperature", "gpu.powerWatts"];

    /// <summary>The GPU's value for one of <see cref="GpuMetricNames"/>; null where the GPU does not say (or for another name).</summary>
    internal static double? GpuValue(GpuMetrics gpu, string name) => name switch
    {
        "gpu.utilization" => gpu.UtilizationPercent,
        "gpu.memory.percent" => gpu.MemoryPercent,
        "gpu.memory.usedBytes" => gpu.MemoryUsedBytes,
        "gpu.temperature" => gpu.TemperatureCelsius,
        "gpu.powerWatts" => gpu.PowerWatts,
        _ => null,
    };
}
