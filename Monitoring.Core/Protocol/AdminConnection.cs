namespace Monitoring.Protocol;

/// <summary>The content of the manager's <c>admin.json</c>: how an admin reaches it.</summary>
public sealed record AdminConnection
{
    /// <summary>The manager's base URL.</summary>
    public string Url { get; init; } = "";

    /// <summary>The admin bearer token.</summary>
    public string Token { get; init; } = "";

    /// <summary>The SHA-256 thumbprint (hex) of the manager's certificate, when it serves HTTPS.</summary>
    public string? CertificateThumbprint { get; init; }
}
