namespace Monitoring.Protocol;

/// <summary>A new enrollment token and the limits it carries.</summary>
public sealed record CreateEnrollmentTokenRequest
{
    /// <summary>A name that says what the token is for: 1 to 64 letters, digits, '.', '_' or '-'.</summary>
    public string Name { get; init; } = "";

    /// <summary>When the token stops working; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>How many enrollments it allows; null for any number.</summary>
    public int? MaxUses { get; init; }

    /// <summary>A wildcard pattern (<c>*</c>, <c>?</c>) the agent id must match; null for any id.</summary>
    public string? AgentIdPattern { get; init; }

    /// <summary>Labels stamped on every agent that enrolls with it, over the agent's own.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>True to make agents that enroll with it wait for an admin's approval.</summary>
    public bool RequireApproval { get; init; }
}
