using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;

namespace Monitoring.Manager.Tests.Notifications;

/// <summary>
/// A real SMTP server on a loopback port (Debian's aiosmtpd, driven by smtp_server.py) with a self-signed
/// certificate, STARTTLS or implicit TLS, and one user; the messages it accepted are read back with MimeKit.
/// </summary>
internal sealed class TestSmtpServer : IDisposable
{
    public const string User = "alerts";
    public const string Password = "smtp-pass-7";

    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-smtp-").FullName;
    private readonly ServerProcess _process;

    private TestSmtpServer(string mode)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=smtp.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Pin = Convert.ToHexString(SHA256.HashData(certificate.RawData));
        File.WriteAllText(Path.Combine(_dir, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir, "key.pem"), key.ExportPkcs8PrivateKeyPem());
        Directory.CreateDirectory(Inbox);
        Port = TestNet.FreePort();
        _process = ServerProcess.StartProgram(
            "/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "Notifications", "smtp_server.py"),
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cert", Path.Combine(_dir, "cert.pem"), "--key", Path.Combine(_dir, "key.pem"),
            "--mode", mode, "--user", User, "--password", Password, "--out", Inbox);
    }

    public int Port { get; }

    /// <summary>The SHA-256 of the server's certificate, for the receiver's certificateThumbprint.</summary>
    public string Pin { get; }

    private string Inbox => Path.Combine(_dir, "inbox");

    public static async Task<TestSmtpServer> StartAsync(string mode)
    {
        var server = new TestSmtpServer(mode);
        await server._process.WaitForOutputAsync("ready", TimeSpan.FromSeconds(30));
        return server;
    }

    /// <summary>The messages received so far, oldest first, with their envelope (JSON).</summary>
    public IReadOnlyList<(MimeMessage Message, string Envelope)> Messages() =>
        [.. Directory.GetFiles(Inbox, "*.eml").Order(StringComparer.Ordinal)
            .Select(f => (MimeMessage.Load(f), File.ReadAllText(Path.ChangeExtension(f, ".json"))))];

    public async Task<(MimeMessage Message, string Envelope)> WaitForMessageAsync(TimeSpan timeout)
    {
        await TestNet.WaitUntilAsync(() => Task.FromResult(Directory.GetFiles(Inbox, "*.eml").Length > 0), timeout, "the SMTP server to receive a message");
        return Messages()[0];
    }

    public void Dispose()
    {
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
