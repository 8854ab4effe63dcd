using System.Text.Json;
using System.Text.Json.Serialization;

namespace Monitoring.Agent;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExecutedCommand))]
internal sealed partial class ExecutedCommandJsonContext : JsonSerializerContext
{
}
