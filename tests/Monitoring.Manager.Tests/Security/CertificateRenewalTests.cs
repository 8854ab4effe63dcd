using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Security;

public sealed class CertificateRenewalTests
{
    [Fact]
    public async Task RenewingAnExpiringCertificate_KeepsTheKey_SoPinnedAgentsKeepConnecting()
    {
        var dataDir = Directory.CreateTempSubdirectory("monitoring-manager-").FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Monitoring Manager", key, HashAlgorithmName.SHA256);
        using (var expiring = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-360), DateTimeOffset.UtcNow.AddDays(3)))
        {
            await File.WriteAllBytesAsync(Path.Combine(dataDir, "manager.pfx"), expiring.Export(X509ContentType.Pfx));
        }

        var pin = Convert.ToHexString(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

        await using var manager = await TestManager.StartInAsync(dataDir, https: true);

        var served = await ServedCertificateAsync(manager.Port);
        Assert.True(served.NotAfter > DateTime.UtcNow.AddYears(1), "the certificate was not renewed");
        Assert.Equal(pin, Convert.ToHexString(SHA256.HashData(served.PublicKey.ExportSubjectPublicKeyInfo())));
        Assert.Equal(pin, manager.Admin.CertificateThumbprint);
        using var agent = new AgentConnection(new ManagerConnectionOptions { BaseAddress = manager.Url, CertificateThumbprint = pin, MaxRetryAttempts = 0 });
        var enrolled = await agent.RegisterAsync(new RegisterRequest { AgentId = "a1", IntervalSeconds = 10 }, manager.EnrollmentToken);
        Assert.NotNull(enrolled.AgentToken);
    }

    [Fact]
    public async Task ACertificateThumbprintPinnedBeforePublicKeyPins_StillWorks()
    {
        await using var manager = await TestManager.StartAsync(https: true);
        var served = await ServedCertificateAsync(manager.Port);
        var oldStylePin = Convert.ToHexString(SHA256.HashData(served.RawData));
        using var client = new ManagerClient(new ManagerConnectionOptions { BaseAddress = manager.Url, Token = manager.Admin.Token, CertificateThumbprint = oldStylePin });

        Assert.Empty(await client.GetAgentsAsync());
    }

    private static async Task<X509Certificate2> ServedCertificateAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        return new X509Certificate2(tls.RemoteCertificate!);
    }
}
