using System.Security.Cryptography.X509Certificates;

namespace Monitoring.Internal;

/// <summary>
/// The pins a client may hold for a manager: the SHA-256 of its public key (SubjectPublicKeyInfo, which survives a
/// certificate renewal that keeps the key) or, for pins made before, the SHA-256 of the whole certificate.
/// </summary>
internal static class CertificatePins
{
    /// <summary>Uppercase hex SHA-256 of the certificate's DER-encoded SubjectPublicKeyInfo.</summary>
    public static string PublicKeyPin(X509Certificate2 certificate) => Hex.Sha256(SubjectPublicKeyInfo(certificate.RawData));

    /// <summary>Uppercase hex SHA-256 of the whole certificate (the older pin).</summary>
    public static string CertificatePin(X509Certificate2 certificate) => Hex.Sha256(certificate.RawData);

    /// <summary>True when <paramref name="pin"/> (normalized) is either pin of <paramref name="certificate"/>.</summary>
    public static bool Matches(X509Certificate2 certificate, string pin) =>
        Hex.FixedTimeEquals(PublicKeyPin(certificate), pin) | Hex.FixedTimeEquals(CertificatePin(certificate), pin);

    /// <summary>
    /// The DER bytes of SubjectPublicKeyInfo: the seventh element of TBSCertificate counting the optional [0]
    /// version (Certificate ::= SEQUENCE { TBSCertificate SEQUENCE { [0] version, serial, signature, issuer,
    /// validity, subject, subjectPublicKeyInfo, … }, … }). Read by hand because netstandard2.0 has no API for it.
    /// </summary>
    internal static byte[] SubjectPublicKeyInfo(byte[] der)
    {
        var (certStart, _) = Enter(der, 0);
        var (tbs, _) = Enter(der, certStart);
        var position = tbs;
        if (der[position] == 0xA0)
        {
            position = Skip(der, position);
        }

        for (var i = 0; i < 5; i++)
        {
            position = Skip(der, position);
        }

        var end = Skip(der, position);
        var spki = new byte[end - position];
        Array.Copy(der, position, spki, 0, spki.Length);
        return spki;
    }

    /// <summary>The offset of a constructed element's content and its end.</summary>
    private static (int Content, int End) Enter(byte[] der, int offset)
    {
        var (length, header) = Length(der, offset + 1);
        var content = offset + 1 + header;
        return (content, content + length);
    }

    private static int Skip(byte[] der, int offset)
    {
        var (length, header) = Length(der, offset + 1);
        return offset + 1 + header + length;
    }

    private static (int Length, int HeaderBytes) Length(byte[] der, int offset)
    {
        var first = der[offset];
        if (first < 0x80)
        {
            return (first, 1);
        }

        var count = first & 0x7F;
        if (count is 0 or > 4)
        {
            throw new System.Security.Cryptography.CryptographicException("The certificate is not valid DER.");
        }

        var length = 0;
        for (var i = 1; i <= count; i++)
        {
            length = (length << 8) | der[offset + i];
        }

        return (length, count + 1);
    }
}
