using System.Text.Json.Serialization;

namespace Monitoring.Protocol;

/// <summary>What an admin key may do; each role includes the ones before it.</summary>
public enum KeyRole
{
    /// <summary>Lists, status history, alerts and stored files.</summary>
    [JsonStringEnumMemberName("reader")]
    Reader,

    /// <summary>A reader that may also run commands, push files and acknowledge alerts.</summary>
    [JsonStringEnumMemberName("operator")]
    Operator,

    /// <summary>An operator that may also manage credentials, agents, thresholds and silences.</summary>
    [JsonStringEnumMemberName("admin")]
    Admin,
}
