namespace Monitoring.Metrics;

/// <summary>Where a collector reads the machine's temperature sensors: sysfs on Linux, ACPI thermal zones on Windows.</summary>
internal interface ITemperatureSource : IDisposable
{
    /// <summary>What is read, or why nothing is, in words for the agent's log and <c>--once</c>.</summary>
    string Description { get; }

    /// <summary>Every readable sensor now; null when there is none.</summary>
    IReadOnlyList<TemperatureMetrics>? Collect();
}
