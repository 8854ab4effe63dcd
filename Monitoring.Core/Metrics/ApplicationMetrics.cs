namespace Monitoring.Metrics;

/// <summary>
/// The app that embeds the agent (see <c>AgentRuntimeOptions.Application</c>): its own process beside the machine's
/// metrics, and the values it chooses to report. Absent from snapshots of the standalone agent.
/// </summary>
public sealed record ApplicationMetrics
{
    /// <summary>The most values one snapshot may carry.</summary>
    public const int MaxValues = 64;

    /// <summary>The app's name, for example <c>orders-api</c>; the <c>app</c> label of its <c>/metrics</c> families.</summary>
    public string Name { get; init; } = "";

    /// <summary>The app's version, where it has one (by default its entry assembly's informational version).</summary>
    public string? Version { get; init; }

    /// <summary>The operating system's id of the app's process.</summary>
    public int ProcessId { get; init; }

    /// <summary>When the process started (UTC); a later value than before means the app restarted.</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>
    /// The process's processor use since the previous sample, as a percentage (0–100) of the whole machine, so it
    /// reads beside <c>cpu.percent</c>: 50 on a 4-core machine is two cores busy.
    /// </summary>
    public double CpuPercent { get; init; }

    /// <summary>Physical memory mapped into the process, in bytes.</summary>
    public long WorkingSetBytes { get; init; }

    /// <summary>Bytes the managed heap holds (objects alive or not yet collected).</summary>
    public long GcHeapBytes { get; init; }

    /// <summary>Thread-pool threads; absent where the runtime does not say (.NET Standard hosts).</summary>
    public int? ThreadPoolThreads { get; init; }

    /// <summary>
    /// The values the app reports by name (queue depths, open sessions, cache hit ratio); at most
    /// <see cref="MaxValues"/>. Absent when it reports none.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Values { get; init; }
}
