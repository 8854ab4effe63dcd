using Microsoft.Extensions.Time.Testing;
using Monitoring.Metrics;

namespace Monitoring.Core.Tests.Metrics;

/// <summary>Temperature sensors read from the sysfs tree in Fixtures/sys (see its README), copied so tests can change it.</summary>
public sealed class SysfsTemperaturesTests : IDisposable
{
    private readonly string _sys = Directory.CreateTempSubdirectory("monitoring-sys-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public SysfsTemperaturesTests()
    {
        TestFiles.CopyTree(Path.Combine(AppContext.BaseDirectory, "Metrics", "Fixtures", "sys"), _sys);
        // amdgpu's junction sensor cannot be read (a directory stands in for a file whose read fails).
        Directory.CreateDirectory(Path.Combine(_sys, "class/hwmon/hwmon4/temp2_input"));
    }

    public void Dispose() => Directory.Delete(_sys, recursive: true);

    [Fact]
    public void Collect_ReadsEverySensor_ByChipAndLabel_WithItsLines()
    {
        using var sensors = new SysfsTemperatures(_sys, _time);

        var all = sensors.Collect()!;

        Assert.Equal(
            [
                "acpitz/temp1", "coretemp/Package id 0", "coretemp/Core 0", "coretemp/Core 8", "nvme-hwmon2/Composite",
                "nvme-hwmon2/Sensor 1", "nvme-hwmon3/Composite", "amdgpu/edge", "it8728/temp1", "pch_cannonlake",
                "x86_pkg_temp", "iwlwifi_1/thermal_zone4", "iwlwifi_1/thermal_zone5",
            ],
            all.Select(t => t.Name));
        Assert.Equal(new TemperatureMetrics { Name = "coretemp/Package id 0", Celsius = 45, HighCelsius = 80, CriticalCelsius = 100 }, all[1]);
        Assert.Equal(new TemperatureMetrics { Name = "coretemp/Core 8", Celsius = 44 }, all[3]);
        Assert.Equal(new TemperatureMetrics { Name = "nvme-hwmon2/Composite", Celsius = 38.85, HighCelsius = 84.85, CriticalCelsius = 84.85 }, all[4]);
        Assert.Equal(new TemperatureMetrics { Name = "acpitz/temp1", Celsius = 27.8, CriticalCelsius = 105 }, all[0]);
        Assert.Equal(new TemperatureMetrics { Name = "pch_cannonlake", Celsius = 50, CriticalCelsius = 115 }, all[9]);
        Assert.Equal(new TemperatureMetrics { Name = "x86_pkg_temp", Celsius = 46, HighCelsius = 95 }, all[10]);
        // The acpitz zone is hwmon0 already, the disabled zone is left out, and so is the sensor that cannot be read.
        Assert.DoesNotContain(all, t => t.Name.StartsWith("INT3400", StringComparison.Ordinal) || t.Name == "acpitz" || t.Name == "amdgpu/junction");
        Assert.Equal(
            "13 sensors from hwmon (acpitz, coretemp, nvme, amdgpu, it8728, nct6775) and thermal zones (pch_cannonlake, x86_pkg_temp, iwlwifi_1)",
            sensors.Description);
    }

    [Fact]
    public void Collect_TellsDrivesOfTheSameChipApart_ByTheDeviceBehindThem()
    {
        Directory.CreateDirectory(Path.Combine(_sys, "class/nvme/nvme0"));
        Directory.CreateDirectory(Path.Combine(_sys, "class/nvme/nvme1"));
        Directory.CreateSymbolicLink(Path.Combine(_sys, "class/hwmon/hwmon2/device"), "../../nvme/nvme0");
        Directory.CreateSymbolicLink(Path.Combine(_sys, "class/hwmon/hwmon3/device"), "../../nvme/nvme1");
        using var sensors = new SysfsTemperatures(_sys, _time);

        var names = sensors.Collect()!.Select(t => t.Name).ToList();

        Assert.Contains("nvme0/Composite", names);
        Assert.Contains("nvme0/Sensor 1", names);
        Assert.Contains("nvme1/Composite", names);
    }

    [Fact]
    public void Collect_ReadsTheSameOpenFilesAgain_AndFindsNewSensorsOnlyAtTheRescan()
    {
        using var sensors = new SysfsTemperatures(_sys, _time);
        Assert.Equal(45, sensors.Collect()!.Single(t => t.Name == "coretemp/Package id 0").Celsius);

        File.WriteAllText(Path.Combine(_sys, "class/hwmon/hwmon1/temp1_input"), "81500\n");
        Directory.CreateDirectory(Path.Combine(_sys, "class/hwmon/hwmon7"));
        File.WriteAllText(Path.Combine(_sys, "class/hwmon/hwmon7/name"), "drivetemp\n");
        File.WriteAllText(Path.Combine(_sys, "class/hwmon/hwmon7/temp1_input"), "33000\n");
        _time.Advance(SysfsTemperatures.RescanInterval - TimeSpan.FromSeconds(1));
        var before = sensors.Collect()!;

        Assert.Equal(81.5, before.Single(t => t.Name == "coretemp/Package id 0").Celsius);
        Assert.DoesNotContain(before, t => t.Name == "drivetemp/temp1");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(33, sensors.Collect()!.Single(t => t.Name == "drivetemp/temp1").Celsius);
    }

    [Fact]
    public void Collect_SharesWhatReadTheSame_WithThePreviousSnapshot()
    {
        using var sensors = new SysfsTemperatures(_sys, _time);
        var first = sensors.Collect()!;
        var second = sensors.Collect()!;
        File.WriteAllText(Path.Combine(_sys, "class/hwmon/hwmon1/temp2_input"), "47000\n");
        var third = sensors.Collect()!;

        Assert.Same(first, second);
        Assert.NotSame(second, third);
        Assert.Equal(47, third[2].Celsius);
        Assert.NotSame(second[2], third[2]);
        Assert.Equal(Enumerable.Range(0, third.Count).Where(i => i != 2), Enumerable.Range(0, third.Count).Where(i => ReferenceEquals(second[i], third[i])));
    }

    [Fact]
    public void Collect_WithoutSensors_IsNullAndSaysWhere()
    {
        var empty = Directory.CreateTempSubdirectory("monitoring-sys-empty-").FullName;
        try
        {
            using var sensors = new SysfsTemperatures(empty, _time);

            Assert.Null(sensors.Collect());
            Assert.Equal($"none: no sensors under {empty}/class/hwmon or {empty}/class/thermal", sensors.Description);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void LinuxCollector_WithSensors_PutsThemInTheSnapshot()
    {
        var proc = Path.Combine(AppContext.BaseDirectory, "Metrics", "Fixtures", "proc");
        var hardware = new HardwareSensors(null, "none: not asked", new SysfsTemperatures(_sys, _time));
        using var collector = new LinuxMetricCollector(proc, _time, hardware);

        var snapshot = collector.Collect();

        Assert.Null(snapshot.Gpus);
        Assert.Equal(13, snapshot.Temperatures!.Count);
        Assert.Equal("GPUs: none: not asked; temperatures: " + "13 sensors from hwmon (acpitz, coretemp, nvme, amdgpu, it8728, nct6775) and thermal zones (pch_cannonlake, x86_pkg_temp, iwlwifi_1)", collector.Sources);
    }
}
