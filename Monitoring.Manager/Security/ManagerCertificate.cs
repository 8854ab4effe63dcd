using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Monitoring.Internal;

namespace Monitoring.Manager.Security;

/// <summary>The certificate the manager serves HTTPS with: a configured PFX, or a self-signed one made on first start.</summary>
internal static partial class ManagerCertificate
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
        ECDsa? key = null;
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.Exportable);
            if (existing.NotAfter > DateTime.Now.AddDays(30))
            {
                return existing;
            }

            // Renew with the same key: the public-key pin agents hold stays valid.
            key = existing.GetECDsaPrivateKey();
            LogRenewing(logger, path, existing.NotAfter, key is not null);
        }

        using var owned = key ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Monitoring Manager", owned, HashAlgorithmName.SHA256);
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
        if (key is null)
        {
            LogCreated(logger, path, Thumbprint(cert));
        }
        else
        {
            LogRenewed(logger, path, cert.NotAfter, Thumbprint(cert), CertificatePins.CertificatePin(cert));
        }

        return cert;
    }

    /// <summary>The pin agents and admins hold: the SHA-256 of the certificate's public key, uppercase hex.</summary>
    public static string Thumbprint(X509Certificate2 cert) => CertificatePins.PublicKeyPin(cert);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The self-signed certificate in {Path} expires on {Date}; renewing it (same key: {SameKey})")]
    private static partial void LogRenewing(ILogger logger, string path, DateTime date, bool sameKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created a self-signed certificate {Path}; agents pin its public key {Pin}")]
    private static partial void LogCreated(ILogger logger, string path, string pin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewed the self-signed certificate {Path} (valid until {Date}) with the same key: the public-key pin {Pin} is unchanged and agents that hold it keep working; agents pinned to the old certificate's thumbprint need --certificate-thumbprint {Pin} (the new certificate's own thumbprint is {CertificatePin})")]
    private static partial void LogRenewed(ILogger logger, string path, DateTime date, string pin, string certificatePin);
}
