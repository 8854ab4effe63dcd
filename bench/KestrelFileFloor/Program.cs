using System.Security.Cryptography.X509Certificates;

// Usage: KestrelFileFloor URL FILE [CERT.pem KEY.pem]. Serves FILE at URL/file with Kestrel (HTTPS when a certificate
// is given), with the manager's 4 MiB response buffer; no authentication, no store, no logging: what any ASP.NET Core
// server costs to send a file.
if (args.Length is not (2 or 4))
{
    Console.Error.WriteLine("Usage: KestrelFileFloor URL FILE [CERT.pem KEY.pem]");
    return 2;
}

var uri = new Uri(args[0]);
var file = Path.GetFullPath(args[1]);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    k.Limits.MaxResponseBufferSize = 4 << 20;
    k.Listen(System.Net.IPAddress.Parse(uri.Host), uri.Port, listen =>
    {
        if (args.Length == 4)
        {
            listen.UseHttps(X509Certificate2.CreateFromPemFile(args[2], args[3]));
        }
    });
});
var app = builder.Build();
app.MapGet("/file", () => Results.File(file, "application/octet-stream", enableRangeProcessing: true));
await app.RunAsync();
return 0;
