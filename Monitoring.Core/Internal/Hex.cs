using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Internal;

/// <summary>Hex and hashing helpers that netstandard2.0 lacks.</summary>
internal static class Hex
{
    public static string Encode(byte[] bytes)
    {
        var sb = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes)
        {
            sb.Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    public static string Sha256(byte[] data)
    {
        using var sha = SHA256.Create();
        return Encode(sha.ComputeHash(data));
    }

    /// <summary>Uppercase hex without separators, so "ab:cd" and "ABCD" compare equal.</summary>
    public static string NormalizeThumbprint(string thumbprint)
    {
        var sb = new StringBuilder(thumbprint.Length);
        foreach (var c in thumbprint)
        {
            if (c is ':' or ' ' or '-')
            {
                continue;
            }

            sb.Append(char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary>Compares two strings in time independent of where they first differ.</summary>
    public static bool FixedTimeEquals(string a, string b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        var diff = 0;
        for (var i = 0; i < a.Length; i++)
        {
            diff |= a[i] ^ b[i];
        }

        return diff == 0;
    }
}
