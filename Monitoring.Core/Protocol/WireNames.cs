using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Monitoring.Protocol;

/// <summary>The wire name of an enum value, read from its <c>JsonStringEnumMemberName</c> so each name is spelled once.</summary>
internal static class WireNames
{
    public static string Of<T>(T value, JsonTypeInfo<T> type) where T : struct, Enum =>
        JsonSerializer.Serialize(value, type).Trim('"');

    /// <summary>Parses a wire name; null when it names no value.</summary>
    public static T? Parse<T>(string? name, JsonTypeInfo<T> type) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(name) || name!.IndexOf('"') >= 0 || name.IndexOf('\\') >= 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize("\"" + name + "\"", type);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
