namespace Monitoring.Protocol;

/// <summary>An admin key as the manager lists it; the token itself is shown once, when the key is created.</summary>
public sealed record ApiKeyInfo
{
    /// <summary>The key's id, used to revoke it.</summary>
    public string Id { get; init; } = "";

    /// <summary>The key's unique name, recorded beside every command, transfer and credential change it makes.</summary>
    public string Name { get; init; } = "";

    /// <summary>What the key may do.</summary>
    public KeyRole Role { get; init; }

    /// <summary>When the key was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The name of the key that created it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>When the key stops working; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the key was revoked; null while it works.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The bearer token: only in the answer to the request that created the key.</summary>
    public string? Token { get; init; }
}
