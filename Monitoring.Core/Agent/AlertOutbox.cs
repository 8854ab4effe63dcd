using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Alerts;
using Monitoring.Internal;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>What the agent keeps about alerts across restarts: transitions not yet acknowledged, and tracked alerts.</summary>
internal sealed class AlertFile
{
    public List<AlertTransition> Outbox { get; set; } = [];

    public Dictionary<string, AlertEvaluator.AlertTracking> Tracking { get; set; } = [];
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertFile))]
internal sealed partial class AlertFileJsonContext : JsonSerializerContext
{
}

/// <summary>Persists <see cref="AlertFile"/> as <c>alerts.json</c> in the state directory.</summary>
internal sealed class AlertOutbox(string directory)
{
    private readonly string _path = Path.Combine(directory, "alerts.json");

    public AlertFile Load()
    {
        try
        {
            return File.Exists(_path)
                ? JsonSerializer.Deserialize(File.ReadAllBytes(_path), AlertFileJsonContext.Default.AlertFile) ?? new AlertFile()
                : new AlertFile();
        }
        catch (JsonException)
        {
            return new AlertFile();
        }
    }

    public void Save(AlertFile file) =>
        SecureFile.WriteAllBytes(_path, JsonSerializer.SerializeToUtf8Bytes(file, AlertFileJsonContext.Default.AlertFile));
}
