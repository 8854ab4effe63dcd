using Monitoring.Alerts;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Alerts;

/// <summary>GPUs and temperature sensors as rules, series and alerts see them.</summary>
public sealed class HardwareMetricTests
{
    private static readonly MetricSnapshot Snapshot = new()
    {
        Gpus =
        [
            new GpuMetrics { Index = 0, Name = "NVIDIA H200", Uuid = "GPU-aaaa", UtilizationPercent = 37, MemoryPercent = 10, MemoryUsedBytes = 1000, TemperatureCelsius = 40, PowerWatts = 120.5 },
            new GpuMetrics { Index = 1, Name = "NVIDIA GeForce RTX 4090", Uuid = "GPU-bbbb", UtilizationPercent = 99, MemoryPercent = 80, TemperatureCelsius = 86 },
            // A MIG-partitioned GPU: no utilisation, so no value rather than a zero.
            new GpuMetrics { Index = 2, Name = "NVIDIA A100", Uuid = "GPU-cccc", TemperatureCelsius = 50 },
        ],
        Temperatures =
        [
            new TemperatureMetrics { Name = "coretemp/Package id 0", Celsius = 71 },
            new TemperatureMetrics { Name = "coretemp/Core 0", Celsius = 69 },
            new TemperatureMetrics { Name = "nvme0/Composite", Celsius = 38.85 },
        ],
    };

    [Theory]
    [InlineData("gpu.utilization", null, "0=37 1=99")]
    [InlineData("gpu.utilization", "1", "1=99")]
    [InlineData("gpu.temperature", "GPU-cccc", "2=50")]
    [InlineData("gpu.temperature", "*RTX*", "1=86")]
    [InlineData("gpu.memory.percent", "*", "0=10 1=80")]
    [InlineData("sensor.temperature", "coretemp/*", "coretemp/Package id 0=71 coretemp/Core 0=69")]
    [InlineData("sensor.temperature", null, "coretemp/Package id 0=71 coretemp/Core 0=69 nvme0/Composite=38.85")]
    public void Extract_GivesEachGpuOrSensor_ByItsTarget(string metric, string? target, string expected)
    {
        var values = MetricValues.Extract(Snapshot, metric, target).Select(v => $"{v.Target}={v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

        Assert.Equal(expected, string.Join(" ", values));
    }

    [Fact]
    public void Extract_OnAMachineWithoutGpusOrSensors_GivesNothing()
    {
        Assert.Empty(MetricValues.Extract(new MetricSnapshot(), "gpu.temperature", null));
        Assert.Empty(MetricValues.Extract(new MetricSnapshot(), "sensor.temperature", null));
    }

    [Fact]
    public void Names_ChartEveryGpuValueAndSensor_ButNotMissingOnes()
    {
        var names = MetricNames.Of(Snapshot).ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal(37, names["gpu.utilization:0"]);
        Assert.Equal(1000, names["gpu.memory.usedBytes:0"]);
        Assert.Equal(120.5, names["gpu.powerWatts:0"]);
        Assert.Equal(86, names["gpu.temperature:1"]);
        Assert.Equal(50, names["gpu.temperature:2"]);
        Assert.False(names.ContainsKey("gpu.utilization:2"));
        Assert.Equal(71, names["sensor.temperature:coretemp/Package id 0"]);
        Assert.DoesNotContain(MetricNames.Of(new MetricSnapshot()), kv => kv.Key.StartsWith("gpu.", StringComparison.Ordinal) || kv.Key.StartsWith("sensor.", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_OnGpuAndSensorTargets_LoadAndFirePerTarget()
    {
        var rules = ThresholdRules.Parse("""
            thresholds:
              - name: gpu-hot
                metric: gpu.temperature
                above: 80
                severity: critical
                message: "GPU {target} at {value} °C"
              - name: cpu-package-hot
                metric: sensor.temperature
                target: "coretemp/Package*"
                above: 70
            """, "rules.yaml");
        var evaluator = new AlertEvaluator(TimeProvider.System);
        evaluator.SetRules(rules);

        var fired = evaluator.Evaluate(Snapshot);

        Assert.Equal(["gpu-hot:1", "cpu-package-hot:coretemp/Package id 0"], fired.Select(t => t.Fingerprint));
        Assert.Equal("GPU 1 at 86 °C", fired[0].Message);
        Assert.Equal(AlertSeverity.Critical, fired[0].Severity);
    }
}
