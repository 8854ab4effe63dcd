using System.Text.Json;
using Monitoring.Internal;
using Monitoring.Protocol;

namespace Monitoring.Manager.Security;

/// <summary>
/// The fleet's enrollment token and the admin token. Their plain text lives only in owner-only files of the data
/// directory (enrollment.token, admin.json) for the people who hand them out; in memory the manager keeps hashes.
/// </summary>
internal sealed class ManagerSecrets
{
    public const string EnrollmentFileName = "enrollment.token";
    public const string AdminFileName = "admin.json";

    private readonly string _dataDirectory;

    private ManagerSecrets(string dataDirectory, string adminToken, string enrollmentHash)
    {
        _dataDirectory = dataDirectory;
        AdminToken = adminToken;
        AdminTokenHash = Tokens.Hash(adminToken);
        EnrollmentTokenHash = enrollmentHash;
    }

    public string AdminTokenHash { get; }

    public string EnrollmentTokenHash { get; }

    /// <summary>Kept only to rewrite admin.json with the address the manager actually bound.</summary>
    private string AdminToken { get; }

    public string EnrollmentTokenPath => Path.Combine(_dataDirectory, EnrollmentFileName);

    public string AdminConnectionPath => Path.Combine(_dataDirectory, AdminFileName);

    public static ManagerSecrets LoadOrCreate(string dataDirectory)
    {
        SecureFile.CreateOwnerOnlyDirectory(dataDirectory);
        var enrollmentPath = Path.Combine(dataDirectory, EnrollmentFileName);
        string enrollment;
        if (File.Exists(enrollmentPath))
        {
            enrollment = File.ReadAllText(enrollmentPath).Trim();
        }
        else
        {
            enrollment = Tokens.Generate(Tokens.EnrollmentPrefix);
            SecureFile.WriteAllText(enrollmentPath, enrollment + "\n");
        }

        var adminPath = Path.Combine(dataDirectory, AdminFileName);
        string? admin = null;
        if (File.Exists(adminPath))
        {
            try
            {
                admin = JsonSerializer.Deserialize(File.ReadAllText(adminPath), MonitoringJsonContext.Default.AdminConnection)?.Token;
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException(
                    $"{adminPath} is not valid JSON ({ex.Message}). Fix it, or delete it to have a new admin token made.", ex);
            }
        }

        if (string.IsNullOrEmpty(admin))
        {
            admin = Tokens.Generate(Tokens.AdminPrefix);
        }

        return new ManagerSecrets(dataDirectory, admin, Tokens.Hash(enrollment));
    }

    /// <summary>Writes admin.json (owner-only) with the URL the manager is reachable at.</summary>
    public void WriteAdminConnection(string url, string? thumbprint)
    {
        var json = JsonSerializer.Serialize(
            new AdminConnection { Url = url, Token = AdminToken, CertificateThumbprint = thumbprint },
            MonitoringJsonContext.Default.AdminConnection);
        SecureFile.WriteAllText(AdminConnectionPath, json + "\n");
    }
}
