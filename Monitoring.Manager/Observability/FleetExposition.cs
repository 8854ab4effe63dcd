using System.Globalization;
using Monitoring.Manager.Fleet;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Observability;

/// <summary>
/// Every agent's newest values as Prometheus metric families, labelled <c>agent</c> (and <c>cpu</c>, <c>mode</c>,
/// <c>mount</c>, <c>interface</c>, <c>gpu</c>/<c>uuid</c>/<c>name</c>, <c>sensor</c> or <c>severity</c> where they apply): gauges for levels, counters for what only
/// grows (network bytes, packets and errors; dropped snapshots), so Prometheus's <c>rate()</c> works on them.
/// Written at scrape time from the fleet in memory; nothing is kept per series between scrapes.
/// </summary>
internal sealed class FleetExposition(FleetRegistry fleet, Alerts.FiringAlerts alerts)
{
    private const string Prefix = "monitoring_agent_";

    private delegate void Samples(PrometheusTextWriter writer, string name, string agent, MetricSnapshot snapshot);

    /// <summary>The families read from a snapshot: name (after the prefix), type, help, and how to write its samples.</summary>
    private static readonly (string Name, string Type, string Help, Samples Write)[] SnapshotFamilies =
    [
        ("cpu_percent", "gauge", "CPU busy over the agent's last interval, percent of all cores.", (w, n, a, s) => w.Sample(n, s.Cpu.Percent, ("agent", a))),
        ("cpu_mode_percent", "gauge", "CPU time by mode over the last interval, percent of all cores.", (w, n, a, s) =>
        {
            w.Sample(n, s.Cpu.UserPercent, ("agent", a), ("mode", "user"));
            w.Sample(n, s.Cpu.SystemPercent, ("agent", a), ("mode", "system"));
            w.Sample(n, s.Cpu.IoWaitPercent, ("agent", a), ("mode", "iowait"));
            w.Sample(n, s.Cpu.StealPercent, ("agent", a), ("mode", "steal"));
        }),
        ("cpu_core_percent", "gauge", "CPU busy per logical core over the last interval, percent.", (w, n, a, s) =>
        {
            for (var i = 0; i < s.Cpu.PerCore.Count; i++)
            {
                w.Sample(n, s.Cpu.PerCore[i], ("agent", a), ("cpu", i.ToString(CultureInfo.InvariantCulture)));
            }
        }),
        ("cpu_logical_cores", "gauge", "Logical cores.", (w, n, a, s) => w.Sample(n, s.Cpu.LogicalCores, ("agent", a))),
        ("load1", "gauge", "Load average over 1 minute (absent where the system has none).", (w, n, a, s) => Load(w, n, a, s.Load?.OneMinute)),
        ("load5", "gauge", "Load average over 5 minutes.", (w, n, a, s) => Load(w, n, a, s.Load?.FiveMinutes)),
        ("load15", "gauge", "Load average over 15 minutes.", (w, n, a, s) => Load(w, n, a, s.Load?.FifteenMinutes)),
        ("memory_total_bytes", "gauge", "Physical memory.", (w, n, a, s) => w.Sample(n, s.Memory.TotalBytes, ("agent", a))),
        ("memory_used_bytes", "gauge", "Physical memory in use.", (w, n, a, s) => w.Sample(n, s.Memory.UsedBytes, ("agent", a))),
        ("memory_available_bytes", "gauge", "Memory available to new work without swapping.", (w, n, a, s) => w.Sample(n, s.Memory.AvailableBytes, ("agent", a))),
        ("swap_total_bytes", "gauge", "Swap space.", (w, n, a, s) => w.Sample(n, s.Swap.TotalBytes, ("agent", a))),
        ("swap_used_bytes", "gauge", "Swap space in use.", (w, n, a, s) => w.Sample(n, s.Swap.UsedBytes, ("agent", a))),
        ("disk_total_bytes", "gauge", "Size of each mounted file system.", (w, n, a, s) => Disks(w, n, a, s, d => d.TotalBytes)),
        ("disk_used_bytes", "gauge", "Space used on each mounted file system.", (w, n, a, s) => Disks(w, n, a, s, d => d.UsedBytes)),
        ("disk_free_bytes", "gauge", "Space free on each mounted file system.", (w, n, a, s) => Disks(w, n, a, s, d => d.FreeBytes)),
        ("network_receive_bytes_total", "counter", "Bytes received per interface.", (w, n, a, s) => Interfaces(w, n, a, s, i => i.RxBytes)),
        ("network_transmit_bytes_total", "counter", "Bytes sent per interface.", (w, n, a, s) => Interfaces(w, n, a, s, i => i.TxBytes)),
        ("network_receive_packets_total", "counter", "Packets received per interface.", (w, n, a, s) => Interfaces(w, n, a, s, i => i.RxPackets)),
        ("network_transmit_packets_total", "counter", "Packets sent per interface.", (w, n, a, s) => Interfaces(w, n, a, s, i => i.TxPackets)),
        ("network_receive_errors_total", "counter", "Receive errors per interface.", (w, n, a, s) => Interfaces(w, n, a, s, i => i.RxErrors)),
        ("network_transmit_errors_total", "counter", "Transmit errors per interface.", (w, n, a, s) => Interfaces(w, n, a, s, i => i.TxErrors)),
        ("uptime_seconds", "gauge", "Time since the machine booted.", (w, n, a, s) => w.Sample(n, s.UptimeSeconds, ("agent", a))),
        ("boot_time_seconds", "gauge", "When the machine booted, Unix time.", (w, n, a, s) => w.Sample(n, s.BootTime.ToUnixTimeMilliseconds() / 1000.0, ("agent", a))),
        ("processes", "gauge", "Processes running.", (w, n, a, s) => w.Sample(n, s.Processes.Count, ("agent", a))),
        ("gpu_utilization_percent", "gauge", "Percent of the last sample period a kernel ran on the GPU.", (w, n, a, s) => Gpus(w, n, a, s, g => g.UtilizationPercent)),
        ("gpu_memory_utilization_percent", "gauge", "Percent of the last sample period the GPU's memory was read or written.", (w, n, a, s) => Gpus(w, n, a, s, g => g.MemoryUtilizationPercent)),
        ("gpu_memory_total_bytes", "gauge", "GPU memory installed.", (w, n, a, s) => Gpus(w, n, a, s, g => g.MemoryTotalBytes)),
        ("gpu_memory_used_bytes", "gauge", "GPU memory allocated (driver-reserved memory excluded).", (w, n, a, s) => Gpus(w, n, a, s, g => g.MemoryUsedBytes)),
        ("gpu_temperature_celsius", "gauge", "GPU die temperature.", (w, n, a, s) => Gpus(w, n, a, s, g => g.TemperatureCelsius)),
        ("gpu_power_watts", "gauge", "Power drawn by the GPU board.", (w, n, a, s) => Gpus(w, n, a, s, g => g.PowerWatts)),
        ("gpu_power_limit_watts", "gauge", "Power limit the GPU driver enforces.", (w, n, a, s) => Gpus(w, n, a, s, g => g.PowerLimitWatts)),
        ("gpu_fan_percent", "gauge", "GPU fan speed, percent of its maximum (boards with a fan).", (w, n, a, s) => Gpus(w, n, a, s, g => g.FanPercent)),
        ("gpu_clock_hertz", "gauge", "GPU clocks by domain (graphics, sm, memory).", (w, n, a, s) =>
        {
            foreach (var gpu in s.Gpus ?? [])
            {
                Clock(w, n, a, gpu, "graphics", gpu.GraphicsClockMHz);
                Clock(w, n, a, gpu, "sm", gpu.SmClockMHz);
                Clock(w, n, a, gpu, "memory", gpu.MemoryClockMHz);
            }
        }),
        ("temperature_celsius", "gauge", "Temperature of each sensor (hwmon chip/label or thermal zone).", (w, n, a, s) =>
        {
            foreach (var t in s.Temperatures ?? [])
            {
                w.Sample(n, t.Celsius, ("agent", a), ("sensor", t.Name));
            }
        }),
        ("app_cpu_percent", "gauge", "Processor use of the app that embeds the agent, percent of the whole machine.", (w, n, a, s) => App(w, n, a, s, app => app.CpuPercent)),
        ("app_working_set_bytes", "gauge", "Physical memory mapped into the process of the app that embeds the agent.", (w, n, a, s) => App(w, n, a, s, app => app.WorkingSetBytes)),
        ("app_gc_heap_bytes", "gauge", "Bytes on the managed heap of the app that embeds the agent.", (w, n, a, s) => App(w, n, a, s, app => app.GcHeapBytes)),
        ("app_start_time_seconds", "gauge", "When the process of the app that embeds the agent started, Unix time.", (w, n, a, s) => App(w, n, a, s, app => app.StartTime.ToUnixTimeMilliseconds() / 1000.0)),
        ("app_value", "gauge", "Values the app that embeds the agent reports, by name.", (w, n, a, s) =>
        {
            if (s.Application is { Values: { } values } app)
            {
                foreach (var value in values)
                {
                    w.Sample(n, value.Value, ("agent", a), ("app", app.Name), ("name", value.Key));
                }
            }
        }),
        ("snapshot_timestamp_seconds", "gauge", "When the agent took its newest snapshot, Unix time by the agent's clock.", (w, n, a, s) => w.Sample(n, s.Timestamp.ToUnixTimeMilliseconds() / 1000.0, ("agent", a))),
        ("dropped_snapshots_total", "counter", "Snapshots the agent's spool dropped because it was full during an outage.", (w, n, a, s) => w.Sample(n, s.DroppedSnapshots ?? 0, ("agent", a))),
    ];

    /// <summary>Writes every family to <paramref name="target"/>, one family at a time.</summary>
    public async Task WriteAsync(Stream target, CancellationToken ct)
    {
        using var writer = new PrometheusTextWriter();
        var agents = fleet.Export().ToList();
        writer.Family(Prefix + "up", "gauge", "1 while the agent reports within its allowed number of missed intervals, else 0.");
        foreach (var agent in agents)
        {
            writer.Sample(Prefix + "up", agent.State == AgentState.Online ? 1 : 0, ("agent", agent.Id));
        }

        writer.Family(Prefix + "last_seen_timestamp_seconds", "gauge", "When the manager last heard from the agent, Unix time.");
        foreach (var agent in agents)
        {
            if (agent.LastSeen is { } seen)
            {
                writer.Sample(Prefix + "last_seen_timestamp_seconds", seen.ToUnixTimeMilliseconds() / 1000.0, ("agent", agent.Id));
            }
        }

        await writer.FlushToAsync(target, ct);
        var firing = alerts.Counts();
        writer.Family(Prefix + "alerts_firing", "gauge", "Alerts of the agent firing now, by severity (agents with none have no sample).");
        foreach (var (agentId, severity, count) in firing.OrderBy(f => f.AgentId, StringComparer.Ordinal).ThenBy(f => f.Severity))
        {
            writer.Sample(Prefix + "alerts_firing", count, ("agent", agentId), ("severity", WireNames.Of(severity, MonitoringJsonContext.Default.AlertSeverity)));
        }

        writer.Family("monitoring_alerts_firing", "gauge", "Alerts firing now over the whole fleet, by severity.");
        foreach (var severity in Enum.GetValues<AlertSeverity>())
        {
            writer.Sample("monitoring_alerts_firing", firing.Where(f => f.Severity == severity).Sum(f => f.Count), ("severity", WireNames.Of(severity, MonitoringJsonContext.Default.AlertSeverity)));
        }

        foreach (var (name, type, help, write) in SnapshotFamilies)
        {
            ct.ThrowIfCancellationRequested();
            writer.Family(Prefix + name, type, help);
            foreach (var agent in agents)
            {
                if (agent.Latest is { } snapshot)
                {
                    write(writer, Prefix + name, agent.Id, snapshot);
                }
            }

            await writer.FlushToAsync(target, ct);
        }
    }

    private static void Load(PrometheusTextWriter w, string name, string agent, double? value)
    {
        if (value is { } v)
        {
            w.Sample(name, v, ("agent", agent));
        }
    }

    private static void Disks(PrometheusTextWriter w, string name, string agent, MetricSnapshot s, Func<DiskMetrics, long> value)
    {
        foreach (var disk in s.Disks)
        {
            w.Sample(name, value(disk), ("agent", agent), ("mount", disk.Mount), ("device", disk.Device ?? ""), ("fstype", disk.FileSystem ?? ""));
        }
    }

    private static void Gpus(PrometheusTextWriter w, string name, string agent, MetricSnapshot s, Func<GpuMetrics, double?> value)
    {
        foreach (var gpu in s.Gpus ?? [])
        {
            if (value(gpu) is { } v)
            {
                w.Sample(name, v, ("agent", agent), ("gpu", gpu.Index.ToString(CultureInfo.InvariantCulture)), ("uuid", gpu.Uuid ?? ""), ("name", gpu.Name));
            }
        }
    }

    private static void App(PrometheusTextWriter w, string name, string agent, MetricSnapshot s, Func<ApplicationMetrics, double> value)
    {
        if (s.Application is { } app)
        {
            w.Sample(name, value(app), ("agent", agent), ("app", app.Name));
        }
    }

    private static void Clock(PrometheusTextWriter w, string name, string agent, GpuMetrics gpu, string domain, int? mhz)
    {
        if (mhz is { } v)
        {
            w.Sample(name, v * 1e6, ("agent", agent), ("gpu", gpu.Index.ToString(CultureInfo.InvariantCulture)), ("uuid", gpu.Uuid ?? ""), ("domain", domain));
        }
    }

    private static void Interfaces(PrometheusTextWriter w, string name, string agent, MetricSnapshot s, Func<NetworkInterfaceMetrics, long> value)
    {
        foreach (var nic in s.Network)
        {
            w.Sample(name, value(nic), ("agent", agent), ("interface", nic.Name));
        }
    }
}
