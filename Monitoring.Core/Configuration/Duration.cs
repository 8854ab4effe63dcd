using System.Globalization;

namespace Monitoring.Configuration;

/// <summary>Parses durations written the way people write them in YAML and on command lines: 500ms, 10s, 5m, 1h, 1d.</summary>
public static class Duration
{
    /// <summary>Parses <paramref name="text"/>; a bare number means seconds. Also accepts TimeSpan's own form (00:00:10).</summary>
    /// <returns>False, with <paramref name="value"/> zero, when the text is not a duration.</returns>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text!.Trim().ToLowerInvariant();
        if (s.IndexOf(':') >= 0)
        {
            return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
        }

        var unitStart = 0;
        while (unitStart < s.Length && (char.IsDigit(s[unitStart]) || s[unitStart] == '.'))
        {
            unitStart++;
        }

        if (unitStart == 0 || !double.TryParse(s.Substring(0, unitStart), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        double? ms = s.Substring(unitStart).Trim() switch
        {
            "ms" => n,
            "" or "s" or "sec" or "secs" or "second" or "seconds" => n * 1000,
            "m" or "min" or "mins" or "minute" or "minutes" => n * 60_000,
            "h" or "hour" or "hours" => n * 3_600_000,
            "d" or "day" or "days" => n * 86_400_000,
            _ => null,
        };
        if (ms is null || ms > TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(ms.Value);
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="ConfigurationException"/> that names <paramref name="key"/>.</summary>
    public static TimeSpan Parse(string? text, string key, string? file = null, int? line = null, int? column = null) =>
        TryParse(text, out var value)
            ? value
            : throw new ConfigurationException(
                $"'{text}' is not a duration; write a number and a unit, for example 500ms, 10s, 5m or 1h.", file, key, line, column);

    /// <summary>Formats a duration in the shortest of the forms <see cref="TryParse"/> reads.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 != 0 ? $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms"
        : value.TotalSeconds % 60 != 0 ? $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
        : value.TotalMinutes % 60 != 0 ? $"{value.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m"
        : $"{value.TotalHours.ToString(CultureInfo.InvariantCulture)}h";
}
