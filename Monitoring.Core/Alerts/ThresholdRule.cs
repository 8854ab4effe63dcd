using Monitoring.Protocol;

namespace Monitoring.Alerts;

/// <summary>
/// One threshold rule: a metric, a line (<see cref="Above"/> or <see cref="Below"/>), how long the condition must
/// hold (<see cref="For"/>) and a separate clear line (hysteresis) so a value hovering at the line does not flap.
/// </summary>
public sealed record ThresholdRule
{
    /// <summary>The rule's name; a local rule replaces a central one of the same name.</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// The metric: cpu.percent, memory.percent, swap.percent, disk.percent, network.rxBytesPerSec, network.txBytesPerSec,
    /// load.1m, load.5m, load.15m, processes.count, gpu.utilization, gpu.memory.percent, gpu.temperature, sensor.temperature.
    /// </summary>
    public string Metric { get; init; } = "";

    /// <summary>Fires when the value is above this.</summary>
    public double? Above { get; init; }

    /// <summary>Fires when the value is below this.</summary>
    public double? Below { get; init; }

    /// <summary>How long the condition must hold before the alert fires.</summary>
    public TimeSpan For { get; init; }

    /// <summary>With <see cref="Above"/>: the alert resolves only once the value falls below this (default: the line itself).</summary>
    public double? ResolveBelow { get; init; }

    /// <summary>With <see cref="Below"/>: the alert resolves only once the value rises above this (default: the line itself).</summary>
    public double? ResolveAbove { get; init; }

    /// <summary>How urgent the alert is.</summary>
    public AlertSeverity Severity { get; init; } = AlertSeverity.Warning;

    /// <summary>
    /// The targets to watch (wildcards), every one when null: mount points for disk.percent, interfaces for network,
    /// GPUs by index, UUID or name for gpu.*, sensor names (<c>coretemp/*</c>) for sensor.temperature.
    /// </summary>
    public string? Target { get; init; }

    /// <summary>Central rules only: the agent ids (wildcards) the rule applies to; every agent when null.</summary>
    public string? Agents { get; init; }

    /// <summary>Central rules only: labels an agent must have for the rule to apply to it.</summary>
    public IReadOnlyDictionary<string, string>? AgentLabels { get; init; }

    /// <summary>Free-form labels carried into the alert.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>The message; {value}, {threshold}, {target}, {for} and {rule} are filled in.</summary>
    public string? Message { get; init; }

    /// <summary>The line the condition compares against.</summary>
    public double Threshold => Above ?? Below ?? 0;

    /// <summary>True when <paramref name="value"/> meets the firing condition.</summary>
    public bool IsBreached(double value) => Above is { } a ? value > a : Below is { } b && value < b;

    /// <summary>True when <paramref name="value"/> meets the clear condition of a firing alert.</summary>
    public bool IsClear(double value) =>
        Above is { } a ? (ResolveBelow is { } rb ? value < rb : value <= a)
        : Below is { } b && (ResolveAbove is { } ra ? value > ra : value >= b);
}
