using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Monitoring.Protocol;

/// <summary>The wire name of an enum value, read from its <c>JsonStringEnumMemberName</c> so each name is spelled once.</summary>
internal static class WireNames
{
    public static string Of<T>(T value, JsonTypeInfo<T> type) where T : struct, Enum =>
        JsonSerializer.Serialize(value, type).Trim('"');

    /// <summary>
    /// Parses a wire name exactly as <see cref="Of{T}"/> writes it; null for anything else, a number, another case or a
    /// C# member name included, so each value has one spelling in and out.
    /// </summary>
    public static T? Parse<T>(string? name, JsonTypeInfo<T> type) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(name) || name!.IndexOf('"') >= 0 || name.IndexOf('\\') >= 0)
        {
            return null;
        }

        try
        {
            var value = JsonSerializer.Deserialize("\"" + name + "\"", type);
            return Of(value, type) == name ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
