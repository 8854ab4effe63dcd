using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Monitoring.Manager.Storage.History;

/// <summary>
/// The flattened paths of a snapshot chunk's columns: <c>cpu.percent</c>, <c>disks[0].mount</c>,
/// <c>application.values.orders\.queued</c>. Property names escape '\', '.', '[' and ']' with a backslash, so a
/// dictionary key such as an app value's <c>orders.queued</c> reads back as one name.
/// </summary>
internal static class SnapshotPaths
{
    private static readonly SearchValues<char> PathSyntax = SearchValues.Create("\\.[]");

    /// <summary>Adds each value of <paramref name="element"/> to <paramref name="row"/> under its path's column, adding columns for new paths.</summary>
    public static void Flatten(JsonElement element, string path, Dictionary<int, JsonElement> row, List<string> paths, Dictionary<string, int> index)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = EscapeName(property.Name);
                    Flatten(property.Value, path.Length == 0 ? name : path + "." + name, row, paths, index);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", row, paths, index);
                    i++;
                }

                if (i == 0)
                {
                    // An empty list is kept as such, so it reads back as [] rather than as missing.
                    Add(path + "[]", element);
                }

                break;
            default:
                Add(path, element);
                break;
        }

        void Add(string key, JsonElement value)
        {
            if (!index.TryGetValue(key, out var column))
            {
                column = paths.Count;
                index[key] = column;
                paths.Add(key);
            }

            row[column] = value;
        }
    }

    /// <summary>Sets a value at a flattened path, creating the objects and lists along it.</summary>
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        JsonNode current = root;
        var segments = Segments(path);
        for (var s = 0; s < segments.Count; s++)
        {
            var (name, inside) = segments[s];
            var last = s == segments.Count - 1;
            if (inside is null)
            {
                if (last)
                {
                    current.AsObject()[name] = value;
                    return;
                }

                current = current.AsObject()[name] ??= new JsonObject();
                continue;
            }

            var list = current.AsObject()[name] as JsonArray ?? (JsonArray)(current.AsObject()[name] = new JsonArray());
            if (inside.Length == 0)
            {
                return;
            }

            var position = int.Parse(inside, CultureInfo.InvariantCulture);
            while (list.Count <= position)
            {
                list.Add(last ? null : new JsonObject());
            }

            if (last)
            {
                list[position] = value;
                return;
            }

            current = list[position] ??= new JsonObject();
        }
    }

    private static string EscapeName(string name)
    {
        if (!name.AsSpan().ContainsAny(PathSyntax))
        {
            return name;
        }

        var escaped = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            escaped.Append(PathSyntax.Contains(c) ? "\\" + c : c.ToString());
        }

        return escaped.ToString();
    }

    /// <summary>A path's property names (unescaped), each with the list index after it (<c>""</c> for an empty list) or null.</summary>
    private static List<(string Name, string? Index)> Segments(string path)
    {
        var segments = new List<(string, string?)>();
        var name = new StringBuilder();
        string? index = null;
        for (var i = 0; i < path.Length; i++)
        {
            switch (path[i])
            {
                case '\\' when i + 1 < path.Length:
                    name.Append(path[++i]);
                    break;
                case '.':
                    segments.Add((name.ToString(), index));
                    name.Clear();
                    index = null;
                    break;
                case '[':
                    var close = path.IndexOf(']', i);
                    index = path[(i + 1)..close];
                    i = close;
                    break;
                default:
                    name.Append(path[i]);
                    break;
            }
        }

        segments.Add((name.ToString(), index));
        return segments;
    }
}
