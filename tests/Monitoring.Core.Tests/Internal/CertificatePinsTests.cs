using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Monitoring.Internal;

namespace Monitoring.Core.Tests.Internal;

public sealed class CertificatePinsTests
{
    public static TheoryData<string> Keys => ["ec", "rsa"];

    [Theory]
    [MemberData(nameof(Keys))]
    public void PublicKeyPin_ReadByHand_MatchesTheFrameworksSubjectPublicKeyInfo(string kind)
    {
        using AsymmetricAlgorithm key = kind == "ec" ? ECDsa.Create(ECCurve.NamedCurves.nistP384) : RSA.Create(3072);
        var request = key is ECDsa ec
            ? new CertificateRequest("CN=a, O=b", ec, HashAlgorithmName.SHA256)
            : new CertificateRequest("CN=a, O=b", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        Assert.Equal(cert.PublicKey.ExportSubjectPublicKeyInfo(), CertificatePins.SubjectPublicKeyInfo(cert.RawData));
        Assert.True(CertificatePins.Matches(cert, Convert.ToHexString(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))));
        Assert.True(CertificatePins.Matches(cert, Convert.ToHexString(SHA256.HashData(cert.RawData))));
        Assert.False(CertificatePins.Matches(cert, new string('A', 64)));
    }
}
