namespace Monitoring.Manager.Apis;

/// <summary>
/// Caps on what a caller may send, checked before anything is stored or logged: every agent-supplied string has a
/// length limit and every collection a count limit, and a null entry is a 400, never a 500.
/// </summary>
internal static class RequestLimits
{
    public const int MaxLabels = 64;
    public const int MaxLabelKey = 128;
    public const int MaxLabelValue = 1024;

    /// <summary>Mount points, interface names, rule names, targets, host names.</summary>
    public const int MaxName = 256;

    /// <summary>Alert messages, OS descriptions, reasons.</summary>
    public const int MaxText = 4096;

    /// <summary>Null when the labels are acceptable, else what is wrong with them.</summary>
    public static string? CheckLabels(IReadOnlyDictionary<string, string>? labels, string field = "labels")
    {
        if (labels is null)
        {
            return null;
        }

        if (labels.Count > MaxLabels)
        {
            return $"{field} holds {labels.Count} entries; at most {MaxLabels} are allowed.";
        }

        foreach (var (key, value) in labels)
        {
            if (key.Length is 0 or > MaxLabelKey || value is null || value.Length > MaxLabelValue)
            {
                return $"Every entry of {field} needs a key of 1 to {MaxLabelKey} characters and a string value of at most {MaxLabelValue} (not null).";
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="value"/> is null or at most <paramref name="max"/> characters, else what is wrong.</summary>
    public static string? CheckLength(string? value, int max, string field) =>
        value is not null && value.Length > max ? $"{field} is {value.Length} characters; at most {max} are allowed." : null;
}
