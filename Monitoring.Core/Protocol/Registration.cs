namespace Monitoring.Protocol;

/// <summary>What an agent says about itself when it enrolls or re-registers.</summary>
public sealed record RegisterRequest
{
    /// <summary>The agent's id: letters, digits, '.', '_' and '-', at most 128 characters.</summary>
    public string AgentId { get; init; } = "";

    /// <summary>The machine's host name.</summary>
    public string? Hostname { get; init; }

    /// <summary>The operating system family: linux, windows, macos.</summary>
    public string? Os { get; init; }

    /// <summary>The operating system's description, for example its kernel or build.</summary>
    public string? OsVersion { get; init; }

    /// <summary>The agent's version.</summary>
    public string? AgentVersion { get; init; }

    /// <summary>The reporting interval in seconds, which the manager uses to tell when the agent is offline.</summary>
    public double IntervalSeconds { get; init; }

    /// <summary>Free-form labels such as role or site.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    /// <summary>
    /// A secret the agent installation keeps in its state directory and sends when it enrolls (up to 128 characters):
    /// an enrollment for an id that holds an active token is accepted only with the same key, so an installation that
    /// lost its token before saving it can enroll again while another machine with the enrollment token cannot.
    /// </summary>
    public string? InstanceKey { get; init; }

    /// <summary>The commands this agent can run; the manager refuses any other before queuing it.</summary>
    public IReadOnlyList<CommandDefinition>? Commands { get; init; }
}

/// <summary>The manager's answer to a registration.</summary>
public sealed record RegisterResponse
{
    /// <summary>The agent's id as the manager stored it.</summary>
    public string AgentId { get; init; } = "";

    /// <summary>A new per-agent token when the agent enrolled with the enrollment token; null when it re-registered with its own.</summary>
    public string? AgentToken { get; init; }

    /// <summary>The highest snapshot sequence number the manager has stored for this agent.</summary>
    public long LastSeq { get; init; }

    /// <summary>Active, or pending while the agent waits for an admin's approval.</summary>
    public AgentEnrollment Enrollment { get; init; }

    /// <summary>The manager's clock when it answered.</summary>
    public DateTimeOffset ServerTime { get; init; }
}
