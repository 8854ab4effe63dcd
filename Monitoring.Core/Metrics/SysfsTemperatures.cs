using System.Buffers.Text;
using System.Globalization;

namespace Monitoring.Metrics;

/// <summary>
/// Linux temperature sensors from sysfs: every <c>temp*_input</c> of <c>/sys/class/hwmon</c> (named
/// <c>chip/label</c>, with the chip's high and critical lines) and every enabled <c>/sys/class/thermal</c> zone that
/// is not already a hardware monitor (named by its type, with its hot and critical trip points). The sensors are
/// found once and then every five minutes; each value file stays open and is read again from the start, as procfs
/// files are. A sensor that cannot be read now (a drive asleep, a device gone) is left out of that snapshot.
/// </summary>
internal sealed class SysfsTemperatures : ITemperatureSource
{
    /// <summary>How often the sensors are looked for again (hot-plugged drives, drivers loaded after the agent).</summary>
    public static readonly TimeSpan RescanInterval = TimeSpan.FromMinutes(5);

    private readonly string _sysRoot;
    private readonly TimeProvider _time;
    private readonly List<TemperatureMetrics> _read = [];
    private Sensor[] _sensors = [];
    private IReadOnlyList<TemperatureMetrics>? _lastList;
    private long _scannedAt;
    private bool _scanned;

    /// <param name="sysRoot">Where sysfs is mounted; tests point it at captured trees.</param>
    /// <param name="time">The clock that paces the rescans.</param>
    public SysfsTemperatures(string sysRoot, TimeProvider time)
    {
        _sysRoot = sysRoot;
        _time = time;
        Description = "not read yet";
    }

    /// <inheritdoc />
    public string Description { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<TemperatureMetrics>? Collect()
    {
        if (!_scanned || _time.GetElapsedTime(_scannedAt) >= RescanInterval)
        {
            Scan();
        }

        if (_sensors.Length == 0)
        {
            return null;
        }

        // A sensor that read the same as last time is last time's record, and a list that did not change is last time's
        // list: temperatures move in whole degrees on many chips, so a steady machine allocates nothing here.
        _read.Clear();
        var shared = true;
        foreach (var sensor in _sensors)
        {
            if (!Utf8Parser.TryParse(ProcText.TrimSpaces(sensor.Input.Read()), out long milli, out _))
            {
                shared = false;
                continue;
            }

            var celsius = milli / 1000.0;
            if (sensor.Last is { } last && last.Celsius == celsius)
            {
                _read.Add(last);
                continue;
            }

            shared = false;
            _read.Add(sensor.Last = new TemperatureMetrics { Name = sensor.Name, Celsius = celsius, HighCelsius = sensor.High, CriticalCelsius = sensor.Critical });
        }

        if (_read.Count == 0)
        {
            return _lastList = null;
        }

        return shared && _lastList is not null && _lastList.Count == _read.Count ? _lastList : _lastList = [.. _read];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var sensor in _sensors)
        {
            sensor.Input.Dispose();
        }

        _sensors = [];
    }

    private void Scan()
    {
        Dispose();
        _scanned = true;
        _scannedAt = _time.GetTimestamp();
        try
        {
            ScanCore();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // sysfs changed under the scan (a device went away): the next scan sees it settled.
            Dispose();
            Description = "none: " + ex.Message;
        }
    }

    private void ScanCore()
    {
        var found = new List<Sensor>();
        var chips = Entries(Path.Combine(_sysRoot, "class", "hwmon"), "hwmon")
            .Select(dir => (Dir: dir, Name: ReadText(Path.Combine(dir, "name")) ?? ReadText(Path.Combine(dir, "device", "name")) ?? Path.GetFileName(dir)))
            .ToList();
        foreach (var (dir, name) in chips)
        {
            var chip = chips.Count(c => c.Name == name) == 1 ? name : Disambiguate(dir, name);
            var attributes = Directory.GetFiles(dir, "temp*_input").Length > 0 ? dir : Path.Combine(dir, "device");
            foreach (var n in Numbered(attributes, "temp", "_input"))
            {
                var prefix = Path.Combine(attributes, "temp" + n);
                var label = ReadText(prefix + "_label") ?? "temp" + n;
                found.Add(new Sensor(chip + "/" + label, new ProcFile(prefix + "_input", 32), ReadMilli(prefix + "_max"), ReadMilli(prefix + "_crit")));
            }
        }

        var hwmonCount = found.Count;
        var zones = Entries(Path.Combine(_sysRoot, "class", "thermal"), "thermal_zone")
            .Select(dir => (Dir: dir, Type: ReadText(Path.Combine(dir, "type"))))
            .Where(z => z.Type is not null && ReadText(Path.Combine(z.Dir, "mode")) != "disabled" && !chips.Any(c => c.Name == z.Type))
            .ToList();
        foreach (var (dir, type) in zones)
        {
            double? hot = null, critical = null;
            foreach (var n in Numbered(dir, "trip_point_", "_type"))
            {
                var kind = ReadText(Path.Combine(dir, $"trip_point_{n}_type"));
                var temp = ReadMilli(Path.Combine(dir, $"trip_point_{n}_temp"));
                critical = kind == "critical" ? critical ?? temp : critical;
                hot = kind == "hot" ? hot ?? temp : hot;
            }

            var name = zones.Count(z => z.Type == type) == 1 ? type! : type + "/" + Path.GetFileName(dir);
            found.Add(new Sensor(name, new ProcFile(Path.Combine(dir, "temp"), 32), hot, critical));
        }

        // Two sensors of one chip with the same label (it happens) still need names of their own.
        foreach (var group in found.GroupBy(s => s.Name).Where(g => g.Count() > 1))
        {
            var i = 1;
            foreach (var sensor in group.Skip(1))
            {
                sensor.Name += " #" + (++i).ToString(CultureInfo.InvariantCulture);
            }
        }

        _sensors = [.. found];
        _lastList = null;
        var chipNames = chips.Select(c => c.Name).Distinct().ToList();
        Description = found.Count == 0
            ? $"none: no sensors under {Path.Combine(_sysRoot, "class", "hwmon")} or {Path.Combine(_sysRoot, "class", "thermal")}"
            : $"{found.Count} sensor{(found.Count == 1 ? "" : "s")}" +
              (hwmonCount > 0 ? $" from hwmon ({string.Join(", ", chipNames)})" : "") +
              (zones.Count > 0 ? $"{(hwmonCount > 0 ? " and" : " from")} thermal zones ({string.Join(", ", zones.Select(z => z.Type).Distinct())})" : "");
    }

    /// <summary>The entries of <paramref name="dir"/> named prefix + number, in number order (links to device directories in sysfs).</summary>
    private static IEnumerable<string> Entries(string dir, string prefix)
    {
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return Directory.GetFileSystemEntries(dir, prefix + "*")
            .Select(path => (Path: path, N: int.TryParse(Path.GetFileName(path).Substring(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(e => e.N >= 0)
            .OrderBy(e => e.N)
            .Select(e => e.Path);
    }

    /// <summary>The numbers N of the files prefix + N + suffix in <paramref name="dir"/>, in order.</summary>
    private static IEnumerable<int> Numbered(string dir, string prefix, string suffix)
    {
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return Directory.GetFiles(dir, prefix + "*" + suffix)
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name!.Substring(prefix.Length, name.Length - prefix.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n >= 0)
            .OrderBy(n => n);
    }

    /// <summary>
    /// A chip name that several monitors share (two NVMe drives, two CPU packages) told apart by the device behind it:
    /// <c>nvme0</c>, <c>coretemp.1</c>, <c>k10temp-0000:00:18.3</c>; by the monitor's own name where there is no device.
    /// </summary>
    private static string Disambiguate(string dir, string name)
    {
        string? device = null;
#if NET
        device = new DirectoryInfo(Path.Combine(dir, "device")).LinkTarget is { } target ? Path.GetFileName(target.TrimEnd('/')) : null;
#endif
        return device is null ? name + "-" + Path.GetFileName(dir)
            : device.StartsWith(name, StringComparison.Ordinal) ? device
            : name + "-" + device;
    }

    private static string? ReadText(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double? ReadMilli(string path) =>
        long.TryParse(ReadText(path), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milli) ? milli / 1000.0 : null;

    private sealed class Sensor(string name, ProcFile input, double? high, double? critical)
    {
        public string Name { get; set; } = name;

        /// <summary>What the sensor read last time, to share while it reads the same.</summary>
        public TemperatureMetrics? Last { get; set; }

        public ProcFile Input { get; } = input;

        public double? High { get; } = high;

        public double? Critical { get; } = critical;
    }
}
