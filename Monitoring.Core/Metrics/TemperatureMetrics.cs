namespace Monitoring.Metrics;

/// <summary>One temperature sensor of the machine: a CPU package or core, a drive, a chipset, a thermal zone.</summary>
public sealed record TemperatureMetrics
{
    /// <summary>
    /// The sensor's name, <c>chip/label</c> for hardware monitors (<c>coretemp/Package id 0</c>, <c>nvme/Composite</c>)
    /// and the zone's type for thermal zones (<c>x86_pkg_temp</c>); the target of <c>sensor.temperature</c> rules.
    /// </summary>
    public string Name { get; init; } = "";

    /// <summary>The temperature in degrees Celsius.</summary>
    public double Celsius { get; init; }

    /// <summary>The temperature the hardware considers high, where it says.</summary>
    public double? HighCelsius { get; init; }

    /// <summary>The temperature at which the hardware protects itself (throttles or shuts down), where it says.</summary>
    public double? CriticalCelsius { get; init; }
}
