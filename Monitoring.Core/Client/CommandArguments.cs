using System.Text.Json;

namespace Monitoring.Client;

/// <summary>Turns plain .NET values (strings, booleans, whole numbers) into command arguments.</summary>
public static class CommandArguments
{
    /// <summary>Converts each value to JSON; null values are left out.</summary>
    /// <exception cref="ArgumentException">A value is not a string, boolean or whole number.</exception>
    public static Dictionary<string, JsonElement> From(IEnumerable<KeyValuePair<string, object?>>? values)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (values is null)
        {
            return result;
        }

        foreach (var kv in values)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                switch (kv.Value)
                {
                    case null:
                        continue;
                    case JsonElement element:
                        element.WriteTo(writer);
                        break;
                    case string s:
                        writer.WriteStringValue(s);
                        break;
                    case bool b:
                        writer.WriteBooleanValue(b);
                        break;
                    case int or long or short or byte or sbyte or ushort or uint:
                        writer.WriteNumberValue(Convert.ToInt64(kv.Value, System.Globalization.CultureInfo.InvariantCulture));
                        break;
                    default:
                        throw new ArgumentException(
                            $"Argument '{kv.Key}' is a {kv.Value.GetType().Name}; command arguments are strings, booleans or whole numbers.", nameof(values));
                }
            }

            using var doc = JsonDocument.Parse(buffer.ToArray());
            result[kv.Key] = doc.RootElement.Clone();
        }

        return result;
    }
}
