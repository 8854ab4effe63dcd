namespace Monitoring.Protocol;

/// <summary>A dashboard session: who signed in, with which role, until when, and the token its changes must carry.</summary>
public sealed record SessionInfo
{
    /// <summary>The name of the key that signed in.</summary>
    public string Name { get; init; } = "";

    /// <summary>The key's role.</summary>
    public KeyRole Role { get; init; }

    /// <summary>When the session ends; sign in again after it.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Sent back in the <c>X-CSRF-Token</c> header of every request that changes something.</summary>
    public string CsrfToken { get; init; } = "";
}
