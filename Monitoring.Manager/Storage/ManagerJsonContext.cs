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
