using System.Security.Cryptography;
using System.Text;
using Monitoring.Alerts;
using Monitoring.Internal;
using Monitoring.Protocol;

namespace Monitoring.Manager.Alerts;

/// <summary>
/// The fleet-wide threshold rules: a YAML file (thresholdsFile in manager.yaml, else thresholds.yaml in the data
/// directory), replaceable through the API. Agents fetch them when the version in their status acknowledgement changes.
/// </summary>
internal sealed class CentralThresholds
{
    private readonly string _path;
    private readonly Lock _gate = new();

    public CentralThresholds(ManagerOptions options)
    {
        _path = options.ThresholdsFile ?? Path.Combine(options.DataDirectory, "thresholds.yaml");
        var yaml = File.Exists(_path) ? File.ReadAllText(_path) : "";
        ThresholdRules.Parse(yaml, _path);
        Document = Make(yaml);
    }

    public ThresholdsDocument Document { get; private set; }

    /// <summary>Validates and stores new rules; throws <see cref="Configuration.ConfigurationException"/> with positions when invalid.</summary>
    public ThresholdsDocument Replace(string yaml)
    {
        var rules = ThresholdRules.Parse(yaml, "thresholds");
        lock (_gate)
        {
            SecureFile.WriteAllText(_path, yaml);
            Document = Make(yaml);
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
