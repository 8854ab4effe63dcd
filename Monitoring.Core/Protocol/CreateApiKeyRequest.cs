namespace Monitoring.Protocol;

/// <summary>A new admin key.</summary>
public sealed record CreateApiKeyRequest
{
    /// <summary>A unique name: 1 to 64 letters, digits, '.', '_' or '-'.</summary>
    public string Name { get; init; } = "";

    /// <summary>What the key may do.</summary>
    public KeyRole Role { get; init; }

    /// <summary>When the key stops working; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
