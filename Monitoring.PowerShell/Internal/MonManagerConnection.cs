using Monitoring.Client;

namespace Monitoring.PowerShell;

/// <summary>A connection to a manager, made by Connect-MonManager and used by every other cmdlet.</summary>
public sealed class MonManagerConnection : IDisposable
{
    internal MonManagerConnection(ManagerClient client)
    {
        Client = client;
    }

    /// <summary>The manager's URL.</summary>
    public Uri Uri => Client.Options.BaseAddress;

    /// <summary>The pinned certificate thumbprint, if any.</summary>
    public string? CertificateThumbprint => Client.Options.CertificateThumbprint;

    /// <summary>When the connection was made.</summary>
    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    internal ManagerClient Client { get; }

    /// <summary>Closes the connection.</summary>
    public void Dispose() => Client.Dispose();

    /// <summary>The URL; the token is never shown.</summary>
    public override string ToString() => Uri.ToString();
}

/// <summary>The session's default connection.</summary>
internal static class MonitoringSession
{
    public static MonManagerConnection? Current { get; set; }
}
