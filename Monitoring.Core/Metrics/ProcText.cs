using System.Buffers.Text;

namespace Monitoring.Metrics;

/// <summary>Walks procfs text (ASCII) as bytes: lines, whitespace-separated fields and numbers, without strings.</summary>
internal static class ProcText
{
    /// <summary>Takes the next line off <paramref name="text"/>; false at the end.</summary>
    public static bool NextLine(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> line)
    {
        while (text.Length > 0)
        {
            var end = text.IndexOf((byte)'\n');
            line = end < 0 ? text : text.Slice(0, end);
            text = end < 0 ? default : text.Slice(end + 1);
            if (line.Length > 0)
            {
                return true;
            }
        }

        line = default;
        return false;
    }

    /// <summary>Takes the next field (separated by spaces or tabs) off <paramref name="line"/>; empty at the end.</summary>
    public static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> line)
    {
        var start = 0;
        while (start < line.Length && line[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        var end = start;
        while (end < line.Length && line[end] is not ((byte)' ' or (byte)'\t'))
        {
            end++;
        }

        var field = line.Slice(start, end - start);
        line = line.Slice(end);
        return field;
    }

    /// <summary><paramref name="bytes"/> without leading and trailing spaces.</summary>
    public static ReadOnlySpan<byte> TrimSpaces(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        while (start < bytes.Length && bytes[start] == (byte)' ')
        {
            start++;
        }

        var end = bytes.Length;
        while (end > start && bytes[end - 1] == (byte)' ')
        {
            end--;
        }

        return bytes.Slice(start, end - start);
    }

    /// <summary>The next field as a whole number; 0 when absent or not a number.</summary>
    public static ulong NextULong(ref ReadOnlySpan<byte> line) =>
        Utf8Parser.TryParse(NextField(ref line), out ulong value, out _) ? value : 0;

    /// <summary>The next field as a decimal number; 0 when absent or not a number.</summary>
    public static double NextDouble(ref ReadOnlySpan<byte> line) =>
        Utf8Parser.TryParse(NextField(ref line), out double value, out _) ? value : 0;

    /// <summary>True when <paramref name="bytes"/> (ASCII) spell <paramref name="text"/>.</summary>
    public static bool Equals(ReadOnlySpan<byte> bytes, string? text)
    {
        if (text is null || bytes.Length != text.Length)
        {
            return false;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != text[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The string for <paramref name="bytes"/>: one of <paramref name="known"/> when it matches, so a name seen before costs nothing.</summary>
    public static string Intern(ReadOnlySpan<byte> bytes, IReadOnlyList<string> known)
    {
        for (var i = 0; i < known.Count; i++)
        {
            if (Equals(bytes, known[i]))
            {
                return known[i];
            }
        }

        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }
}
