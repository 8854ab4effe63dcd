using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Monitoring.Internal;

namespace Monitoring.Manager.Security;

/// <summary>The certificate the manager serves HTTPS with: a configured PFX, or a self-signed one made on first start.</summary>
internal static class ManagerCertificate
{
    public const string FileName = "manager.pfx";
    public const string PublicFileName = "manager.crt";

    public static X509Certificate2 LoadOrCreate(ManagerOptions options, ILogger logger)
    {
        if (!string.IsNullOrEmpty(options.CertificatePath))
        {
            try
            {
                return X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
            }
            catch (CryptographicException ex)
            {
                throw new InvalidOperationException(
                    $"Cannot load the certificate '{options.CertificatePath}': {ex.Message}. Check certificate:path and certificate:password.", ex);
            }
        }

        var path = Path.Combine(options.DataDirectory, FileName);
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, null);
            if (existing.NotAfter > DateTime.Now.AddDays(7))
            {
                return existing;
            }

            logger.LogWarning("The self-signed certificate in {Path} expires on {Date}; making a new one. Agents pinned to the old thumbprint must be given the new one.", path, existing.NotAfter);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Monitoring Manager", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddDnsName(Environment.MachineName);
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        SecureFile.WriteAllBytes(path, created.Export(X509ContentType.Pfx));
        SecureFile.WriteAllText(Path.Combine(options.DataDirectory, PublicFileName), created.ExportCertificatePem() + "\n", ownerOnly: false);
        var cert = X509CertificateLoader.LoadPkcs12FromFile(path, null);
        logger.LogInformation("Created a self-signed certificate {Path} with SHA-256 thumbprint {Thumbprint}", path, Thumbprint(cert));
        return cert;
    }

    /// <summary>The SHA-256 thumbprint agents and admins pin, uppercase hex.</summary>
    public static string Thumbprint(X509Certificate2 cert) => Convert.ToHexString(SHA256.HashData(cert.RawData));
}
