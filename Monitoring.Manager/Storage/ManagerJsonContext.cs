using System.Text.Json;
using System.Text.Json.Serialization;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>JSON metadata for what the manager stores in columns beyond the wire types.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<CommandDefinition>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<Notifications.GroupMember>))]
[JsonSerializable(typeof(Notifications.NotificationMessage))]
internal sealed partial class ManagerJsonContext : JsonSerializerContext
{
}

/// <summary>Command statuses as stored: the same words as on the wire.</summary>
internal static class CommandStatuses
{
    public static string ToWire(CommandStatus status) => status switch
    {
        CommandStatus.Queued => "queued",
        CommandStatus.Delivered => "delivered",
        CommandStatus.Succeeded => "succeeded",
        CommandStatus.Failed => "failed",
        CommandStatus.TimedOut => "timed_out",
        _ => "expired",
    };

    public static CommandStatus Parse(string s) => s switch
    {
        "queued" => CommandStatus.Queued,
        "delivered" => CommandStatus.Delivered,
        "succeeded" => CommandStatus.Succeeded,
        "failed" => CommandStatus.Failed,
        "timed_out" => CommandStatus.TimedOut,
        _ => CommandStatus.Expired,
    };
}
