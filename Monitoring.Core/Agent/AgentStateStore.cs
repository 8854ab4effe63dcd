using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Internal;

namespace Monitoring.Agent;

/// <summary>What the agent remembers between runs: its token and how far the manager has acknowledged.</summary>
internal sealed class AgentState
{
    public string? AgentId { get; set; }

    public string? ManagerUrl { get; set; }

    public string? Token { get; set; }

    /// <summary>
    /// A secret this installation makes before it first enrolls and sends with every enrollment: it lets the manager
    /// tell this machine retrying (its token was issued but never saved) from another one claiming its id.
    /// </summary>
    public string? InstanceKey { get; set; }

    public long LastAckedSeq { get; set; }

    /// <summary>Snapshots the spool dropped, in all, because it was full; sent with every snapshot once above zero.</summary>
    public long DroppedSnapshots { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(AgentState))]
internal sealed partial class AgentStateJsonContext : JsonSerializerContext
{
}

/// <summary>Reads and writes <c>state.json</c> in the state directory, owner-only.</summary>
internal sealed class AgentStateStore
{
    private readonly string _path;

    public AgentStateStore(string directory)
    {
        _path = Path.Combine(directory, "state.json");
    }

    public AgentState Load()
    {
        if (!File.Exists(_path))
        {
            return new AgentState();
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(_path), AgentStateJsonContext.Default.AgentState) ?? new AgentState();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException(
                $"The agent state file '{_path}' is corrupt ({ex.Message}). Delete it to enroll again with the enrollment token.", ex);
        }
    }

    public void Save(AgentState state) =>
        SecureFile.WriteAllText(_path, JsonSerializer.Serialize(state, AgentStateJsonContext.Default.AgentState));
}
