using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Internal;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>One command the agent has started, and its result once it finished.</summary>
internal sealed record ExecutedCommand
{
    public string Id { get; init; } = "";

    public string Name { get; init; } = "";

    public DateTimeOffset StartedAt { get; init; }

    public CommandResult? Result { get; init; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExecutedCommand))]
internal sealed partial class ExecutedCommandJsonContext : JsonSerializerContext
{
}

/// <summary>
/// The ids of recently executed commands, one file each in the state directory, written before a command runs:
/// a redelivered id is answered from here and never run twice, even across an agent crash.
/// </summary>
internal sealed class ExecutedCommandStore
{
    private readonly string _directory;
    private readonly int _keep;
    private int _writesSincePrune;

    public ExecutedCommandStore(string directory, int keep = 1000)
    {
        _directory = directory;
        _keep = keep;
        SecureFile.CreateOwnerOnlyDirectory(directory);
        Prune();
    }

    /// <summary>Command ids are 32 lowercase hex digits; anything else never becomes a file name.</summary>
    public static bool IsValidId(string id) => id.Length == 32 && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public ExecutedCommand? Get(string id)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), ExecutedCommandJsonContext.Default.ExecutedCommand);
        }
        catch (JsonException)
        {
            // A record cut short by a crash still proves the command was started.
            return new ExecutedCommand { Id = id };
        }
    }

    /// <summary>Saves the record; <paramref name="durable"/> waits until it is on disk (see <see cref="SecureFile.WriteAllBytes"/>).</summary>
    public void Save(ExecutedCommand command, bool durable = true)
    {
        SecureFile.WriteAllBytes(PathOf(command.Id), JsonSerializer.SerializeToUtf8Bytes(command, ExecutedCommandJsonContext.Default.ExecutedCommand), durable: durable);
        if (++_writesSincePrune >= 100)
        {
            Prune();
        }
    }

    private void Prune()
    {
        _writesSincePrune = 0;
        var files = new DirectoryInfo(_directory).GetFiles("*.json");
        if (files.Length <= _keep)
        {
            return;
        }

        foreach (var old in files.OrderByDescending(f => f.LastWriteTimeUtc).Skip(_keep))
        {
            old.Delete();
        }
    }

    private string PathOf(string id) => Path.Combine(_directory, id + ".json");
}
