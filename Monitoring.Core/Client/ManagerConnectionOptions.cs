using System.Text.Json;
using Monitoring.Protocol;

namespace Monitoring.Client;

/// <summary>How to reach a manager: address, credential, certificate pin and resilience settings.</summary>
public sealed class ManagerConnectionOptions
{
    /// <summary>The manager's base URL, for example <c>https://mon.example:5000</c>.</summary>
    public Uri BaseAddress { get; set; } = new("https://127.0.0.1:5000");

    /// <summary>
    /// Other managers serving the same fleet (sharing one PostgreSQL), tried in turn when the one in use does not
    /// answer or fails with a server error.
    /// </summary>
    public IReadOnlyList<Uri> AlternateAddresses { get; set; } = [];

    /// <summary>The bearer token: an admin token for <see cref="ManagerClient"/>, an agent token for <see cref="AgentConnection"/>.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// The pin of the manager's certificate, hex with separators ignored: the SHA-256 of its public key
    /// (SubjectPublicKeyInfo, what the manager prints and writes to admin.json; it survives renewals that keep the key)
    /// or the SHA-256 of the whole certificate. When set, exactly that key or certificate is trusted, self-signed or
    /// not; when null, the system's trust store decides.
    /// </summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>Time allowed for one attempt of one request.</summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a transient failure (no answer, 5xx, 408, 429).</summary>
    /// <value>Defaults to 3.</value>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first retry's delay; later ones back off exponentially with jitter.</summary>
    /// <value>Defaults to 200 milliseconds.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The clock used for retries and timeouts.</summary>
    /// <value>Defaults to <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>A handler to send requests through instead of the default one (proxies, tests).</summary>
    public HttpMessageHandler? Handler { get; set; }

    /// <summary>Allows <see cref="ManagerClient"/> to send its key over plain HTTP to an address that is not loopback.</summary>
    /// <value>Defaults to false: such an address is refused.</value>
    public bool AllowUnencryptedRemote { get; set; }

    /// <summary>True when requests would cross the network unencrypted: plain HTTP to an address that is not loopback.</summary>
    public bool IsUnencryptedRemote =>
        BaseAddress.Scheme == Uri.UriSchemeHttp && !BaseAddress.IsLoopback;

    /// <summary>Reads the manager's <c>admin.json</c> (url, token, certificateThumbprint).</summary>
    /// <exception cref="MonitoringApiException">The file is missing or malformed; the message says where to find it.</exception>
    public static ManagerConnectionOptions FromConnectionFile(string path)
    {
        AdminConnection? connection;
        try
        {
            connection = JsonSerializer.Deserialize(File.ReadAllText(path), MonitoringJsonContext.Default.AdminConnection);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new MonitoringApiException(
                $"Cannot read the connection file '{path}': {ex.Message}. The manager writes admin.json into its data directory on first start.",
                null, ErrorCodes.InvalidRequest, inner: ex);
        }

        if (connection is null || string.IsNullOrEmpty(connection.Url) || string.IsNullOrEmpty(connection.Token)
            || !Uri.TryCreate(connection.Url, UriKind.Absolute, out var uri))
        {
            throw new MonitoringApiException(
                $"The connection file '{path}' lacks a valid 'url' or 'token'. Copy it again from the manager's data directory.",
                null, ErrorCodes.InvalidRequest);
        }

        return new ManagerConnectionOptions
        {
            BaseAddress = uri,
            Token = connection.Token,
            CertificateThumbprint = connection.CertificateThumbprint,
        };
    }
}
