using System.Text.Json.Serialization;

namespace Monitoring.Protocol;

/// <summary>Where a notification is in the outbox.</summary>
public enum NotificationStatus
{
    /// <summary>Waiting for its first or next attempt.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>The receiver accepted it.</summary>
    [JsonStringEnumMemberName("sent")]
    Sent,

    /// <summary>Given up: retried until notifications:giveUpAfter, or its receiver was removed.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}
