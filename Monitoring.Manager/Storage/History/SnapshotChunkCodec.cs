using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Monitoring.Manager.Storage.History;

/// <summary>
/// Packs many snapshots of one agent into one compact chunk: each snapshot's JSON is flattened into columns (one
/// per JSON path: <c>cpu.percent</c>, <c>disks[0].mount</c>, …), each column is encoded for what it holds, and the
/// whole is Brotli-compressed. Whole numbers and decimals (kept to 0.001) are stored as zigzag varint deltas from
/// the previous snapshot, timestamps as tick deltas, text as indexes into a per-column dictionary, so a counter
/// that grows steadily or a value that stays put costs a byte or less before compression.
/// </summary>
internal static class SnapshotChunkCodec
{
    /// <summary>
    /// 2: property names in paths escape '\\', '.', '[' and ']' with a backslash, so a dictionary key such as an app
    /// value's <c>orders.queued</c> reads back as one name. Version 1 chunks (fixed field names only, none of those
    /// characters) read the same way.
    /// </summary>
    private const byte Version = 2;
    private const byte Missing = 0;
    private const byte Whole = 1;
    private const byte Decimal = 2;
    private const byte Date = 3;
    private const byte Text = 4;
    private const byte Bool = 5;
    private const byte Null = 6;
    private const double Scale = 1000;

    /// <summary>Encodes snapshots (their JSON) in the order given.</summary>
    public static byte[] Encode(IReadOnlyList<ReadOnlyMemory<byte>> snapshots)
    {
        var paths = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var rows = new List<Dictionary<int, JsonElement>>(snapshots.Count);
        var documents = new List<JsonDocument>(snapshots.Count);
        try
        {
            foreach (var json in snapshots)
            {
                var document = JsonDocument.Parse(json);
                documents.Add(document);
                var row = new Dictionary<int, JsonElement>();
                SnapshotPaths.Flatten(document.RootElement, "", row, paths, index);
                rows.Add(row);
            }

            using var raw = new MemoryStream();
            raw.WriteByte(Version);
            WriteVarint(raw, (ulong)rows.Count);
            WriteVarint(raw, (ulong)paths.Count);
            foreach (var path in paths)
            {
                WriteString(raw, path);
            }

            for (var column = 0; column < paths.Count; column++)
            {
                WriteColumn(raw, rows, column);
            }

            var input = raw.GetBuffer().AsSpan(0, (int)raw.Length);
            var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(input.Length)];
            if (!BrotliEncoder.TryCompress(input, buffer, out var written, quality: 9, window: 22))
            {
                throw new InvalidOperationException("Brotli could not compress a chunk.");
            }

            return buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            foreach (var d in documents)
            {
                d.Dispose();
            }
        }
    }

    /// <summary>Decodes a chunk back into one JSON object per snapshot, in the order they were encoded.</summary>
    public static IReadOnlyList<JsonObject> Decode(byte[] chunk)
    {
        using var input = new MemoryStream(chunk);
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        brotli.CopyTo(raw);
        raw.Position = 0;
        if (raw.ReadByte() is not (1 or Version))
        {
            throw new InvalidDataException("Unknown snapshot chunk version.");
        }

        var count = (int)ReadVarint(raw);
        var paths = new string[(int)ReadVarint(raw)];
        for (var i = 0; i < paths.Length; i++)
        {
            paths[i] = ReadString(raw);
        }

        var objects = new JsonObject[count];
        for (var i = 0; i < count; i++)
        {
            objects[i] = [];
        }

        foreach (var path in paths)
        {
            ReadColumn(raw, path, objects);
        }

        return objects;
    }

    private static void WriteColumn(MemoryStream raw, List<Dictionary<int, JsonElement>> rows, int column)
    {
        var kind = ColumnKind(rows, column);
        raw.WriteByte(kind);
        long previous = 0;
        var dictionary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (!row.TryGetValue(column, out var value))
            {
                raw.WriteByte(Missing);
                continue;
            }

            if (value.ValueKind == JsonValueKind.Null)
            {
                raw.WriteByte(Null);
                continue;
            }

            raw.WriteByte(1);
            switch (kind)
            {
                case Whole or Decimal or Date:
                    var current = kind switch
                    {
                        Whole => value.GetInt64(),
                        Decimal => (long)Math.Round(value.GetDouble() * Scale),
                        _ => value.GetDateTimeOffset().UtcTicks,
                    };
                    WriteVarint(raw, ZigZag(current - previous));
                    previous = current;
                    break;
                case Bool:
                    raw.WriteByte(value.GetBoolean() ? (byte)1 : (byte)0);
                    break;
                default:
                    var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
                    if (dictionary.TryGetValue(text, out var known))
                    {
                        WriteVarint(raw, (ulong)known + 1);
                    }
                    else
                    {
                        dictionary[text] = dictionary.Count;
                        WriteVarint(raw, 0);
                        WriteString(raw, text);
                    }

                    break;
            }
        }
    }

    /// <summary>The narrowest encoding that holds every value of the column exactly (decimals to 0.001).</summary>
    private static byte ColumnKind(List<Dictionary<int, JsonElement>> rows, int column)
    {
        bool whole = true, number = true, date = true, boolean = true;
        foreach (var row in rows)
        {
            if (!row.TryGetValue(column, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            whole &= v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _) && !v.GetRawText().Contains('.', StringComparison.Ordinal) && !v.GetRawText().Contains('e', StringComparison.OrdinalIgnoreCase);
            number &= v.ValueKind == JsonValueKind.Number && Math.Abs(v.GetDouble()) < 4e15;
            date &= v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var d) && d.Offset == TimeSpan.Zero;
            boolean &= v.ValueKind is JsonValueKind.True or JsonValueKind.False;
        }

        return whole ? Whole : number ? Decimal : date ? Date : boolean ? Bool : Text;
    }

    private static void ReadColumn(MemoryStream raw, string path, JsonObject[] objects)
    {
        var kind = (byte)raw.ReadByte();
        long previous = 0;
        var dictionary = new List<string>();
        foreach (var target in objects)
        {
            var marker = raw.ReadByte();
            if (marker == Missing)
            {
                continue;
            }

            if (marker == Null)
            {
                SnapshotPaths.Set(target, path, null);
                continue;
            }

            JsonNode? value;
            switch (kind)
            {
                case Whole or Decimal or Date:
                    previous += UnZigZag(ReadVarint(raw));
                    value = kind switch
                    {
                        Whole => JsonValue.Create(previous),
                        Decimal => JsonValue.Create(previous / Scale),
                        _ => JsonValue.Create(new DateTimeOffset(previous, TimeSpan.Zero)),
                    };
                    break;
                case Bool:
                    value = JsonValue.Create(raw.ReadByte() == 1);
                    break;
                default:
                    var reference = ReadVarint(raw);
                    string text;
                    if (reference == 0)
                    {
                        text = ReadString(raw);
                        dictionary.Add(text);
                    }
                    else
                    {
                        text = dictionary[(int)reference - 1];
                    }

                    value = JsonValue.Create(text);
                    break;
            }

            SnapshotPaths.Set(target, path, value);
        }
    }

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));

    private static long UnZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    private static void WriteVarint(Stream s, ulong v)
    {
        while (v >= 0x80)
        {
            s.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }

        s.WriteByte((byte)v);
    }

    private static ulong ReadVarint(Stream s)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = s.ReadByte();
            if (b < 0)
            {
                throw new InvalidDataException("A snapshot chunk ends early.");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new InvalidDataException("A snapshot chunk holds a malformed number.");
    }

    private static void WriteString(Stream s, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        WriteVarint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static string ReadString(Stream s)
    {
        var bytes = new byte[(int)ReadVarint(s)];
        s.ReadExactly(bytes);
        return Encoding.UTF8.GetString(bytes);
    }
}
