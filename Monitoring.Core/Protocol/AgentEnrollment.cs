using System.Text.Json.Serialization;

namespace Monitoring.Protocol;

/// <summary>Where an agent stands with the manager's enrollment.</summary>
public enum AgentEnrollment
{
    /// <summary>Enrolled and allowed to report and take commands.</summary>
    [JsonStringEnumMemberName("active")]
    Active,

    /// <summary>Enrolled with a token that needs an admin's approval; it may register but not report yet.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Reset by an admin: its token is revoked and the id may enroll once more.</summary>
    [JsonStringEnumMemberName("reset")]
    Reset,
}
