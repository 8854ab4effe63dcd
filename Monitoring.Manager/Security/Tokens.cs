using System.Security.Cryptography;
using System.Text;

namespace Monitoring.Manager.Security;

/// <summary>Creates and hashes bearer tokens. Tokens are stored only as SHA-256 hashes.</summary>
internal static class Tokens
{
    public const string AdminPrefix = "mon_adm_";
    public const string AgentPrefix = "mon_agt_";
    public const string EnrollmentPrefix = "mon_enr_";

    public static string Generate(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool HashEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
