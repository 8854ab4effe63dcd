namespace Monitoring.Protocol;

/// <summary>An enrollment token as the manager lists it; the token itself is shown once, when it is created.</summary>
public sealed record EnrollmentTokenInfo
{
    /// <summary>The token's id, used to revoke it.</summary>
    public string Id { get; init; } = "";

    /// <summary>A name that says what the token is for.</summary>
    public string Name { get; init; } = "";

    /// <summary>When the token was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The name of the key that created it.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>When the token stops working; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>How many enrollments it allows; null for any number.</summary>
    public int? MaxUses { get; init; }

    /// <summary>How many agents enrolled with it.</summary>
    public int Uses { get; init; }

    /// <summary>A wildcard pattern (<c>*</c>, <c>?</c>) the agent id must match; null for any id.</summary>
    public string? AgentIdPattern { get; init; }

    /// <summary>Labels stamped on every agent that enrolls with it, over the agent's own.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>True when agents that enroll with it wait for an admin's approval.</summary>
    public bool RequireApproval { get; init; }

    /// <summary>When the token was revoked; null while it works.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The token: only in the answer to the request that created it.</summary>
    public string? Token { get; init; }
}
