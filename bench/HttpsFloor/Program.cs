using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

// Usage: HttpsFloor URL PIN. Once a second, POSTs a small JSON body over one kept-alive HTTPS connection to URL,
// trusting only the certificate whose public key hashes (SHA-256 of SubjectPublicKeyInfo) to PIN, and reads the answer
// (whatever its status). Nothing else: no configuration, no logging, no collection, no spool.
if (args.Length != 2)
{
    Console.Error.WriteLine("Usage: HttpsFloor URL PIN");
    return 2;
}

var pin = args[1].Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
using var handler = new SocketsHttpHandler
{
    SslOptions =
    {
        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is X509Certificate2 presented
            && string.Equals(Convert.ToHexString(SHA256.HashData(presented.PublicKey.ExportSubjectPublicKeyInfo())), pin, StringComparison.OrdinalIgnoreCase),
    },
};
using var client = new HttpClient(handler);
var body = Encoding.UTF8.GetBytes("""[{"seq":1,"timestamp":"2026-01-01T00:00:00Z","cpu":{"percent":1.5},"memory":{"totalBytes":1024}}]""");
using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
while (await timer.WaitForNextTickAsync())
{
    try
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync(args[0], content);
        await response.Content.ReadAsByteArrayAsync();
    }
    catch (HttpRequestException ex)
    {
        Console.Error.WriteLine(ex.Message);
    }
}

return 0;
