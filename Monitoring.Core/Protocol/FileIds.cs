namespace Monitoring.Protocol;

/// <summary>The rule for stored files' ids, checked by the manager and by agents before an id becomes part of a path.</summary>
internal static class FileIds
{
    /// <summary>True for exactly 32 lowercase hexadecimal digits (a GUID without separators).</summary>
    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != 32)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }

        return true;
    }
}
