using System.Security.Cryptography;
using System.Text;
using Monitoring.Alerts;
using Monitoring.Internal;
using Monitoring.Protocol;

namespace Monitoring.Manager.Alerts;

/// <summary>
/// The fleet-wide threshold rules: a YAML file (thresholdsFile in manager.yaml, else thresholds.yaml in the data
/// directory), replaceable through the API and by editing the file (<see cref="ReloadIfChanged"/>). Agents fetch them
/// when the version in their status acknowledgement changes.
/// </summary>
internal sealed class CentralThresholds
{
    private readonly string _path;
    private readonly Lock _gate = new();
    private (DateTime WrittenAt, long Length) _seen;

    public CentralThresholds(ManagerOptions options)
    {
        _path = options.ThresholdsFile ?? Path.Combine(options.DataDirectory, "thresholds.yaml");
        _seen = Stamp();
        var yaml = File.Exists(_path) ? File.ReadAllText(_path) : "";
        ThresholdRules.Parse(yaml, _path);
        Document = Make(yaml);
    }

    public ThresholdsDocument Document { get; private set; }

    public string FilePath => _path;

    /// <summary>
    /// Reads the file again if it changed on disk since it was last read or written here. Valid rules replace the
    /// current ones (true); invalid ones leave the last good rules in place and throw
    /// <see cref="Configuration.ConfigurationException"/> with the position of the problem, once per edit.
    /// </summary>
    public bool ReloadIfChanged()
    {
        lock (_gate)
        {
            var stamp = Stamp();
            if (stamp == _seen)
            {
                return false;
            }

            _seen = stamp;
            var yaml = File.Exists(_path) ? File.ReadAllText(_path) : "";
            if (Make(yaml).Version == Document.Version)
            {
                return false;
            }

            ThresholdRules.Parse(yaml, _path);
            Document = Make(yaml);
            return true;
        }
    }

    private (DateTime, long) Stamp()
    {
        var file = new FileInfo(_path);
        return file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1);
    }

    /// <summary>Validates and stores new rules; throws <see cref="Configuration.ConfigurationException"/> with positions when invalid.</summary>
    public ThresholdsDocument Replace(string yaml)
    {
        var rules = ThresholdRules.Parse(yaml, "thresholds");
        lock (_gate)
        {
            SecureFile.WriteAllText(_path, yaml);
            Document = Make(yaml);
            _seen = Stamp();
        }

        _ = rules;
        return Document;
    }

    private static ThresholdsDocument Make(string yaml) => new()
    {
        Yaml = yaml,
        Version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)))[..16],
    };
}
