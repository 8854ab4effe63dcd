using Monitoring.Manager.Security;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>An admin key or enrollment token as stored: its hash and limits, never its plain text.</summary>
internal sealed record StoredCredential
{
    public string Id { get; init; } = "";

    public CredentialKind Kind { get; init; }

    public string Name { get; init; } = "";

    /// <summary>For keys: what the key may do.</summary>
    public KeyRole Role { get; init; }

    public string TokenHash { get; init; } = "";

    public DateTimeOffset CreatedAt { get; init; }

    public string? CreatedBy { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>For enrollment tokens: how many enrollments it allows (null: any number).</summary>
    public int? MaxUses { get; init; }

    public int Uses { get; init; }

    public string? AgentIdPattern { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public bool RequireApproval { get; init; }

    /// <summary>True while the credential may be used at <paramref name="now"/>.</summary>
    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expires || expires > now);
}
