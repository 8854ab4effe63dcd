namespace Monitoring.Internal;

/// <summary>
/// Wildcard patterns: '*' matches any run of characters, '?' exactly one, case-insensitively. Matched in linear
/// time without regular expressions, so a hostile pattern cannot make a match slow.
/// </summary>
internal static class Wildcard
{
    /// <summary>True when <paramref name="value"/> matches <paramref name="pattern"/>; a null pattern matches everything.</summary>
    public static bool IsMatch(string value, string? pattern)
    {
        if (pattern is null)
        {
            return true;
        }

        int v = 0, p = 0, starP = -1, starV = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(value[v])))
            {
                v++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starV = v;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                v = ++starV;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
