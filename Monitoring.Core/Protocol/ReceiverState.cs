using System.Text.Json.Serialization;

namespace Monitoring.Protocol;

/// <summary>How a receiver's deliveries are going.</summary>
public enum ReceiverState
{
    /// <summary>Nothing was sent to it yet.</summary>
    [JsonStringEnumMemberName("idle")]
    Idle,

    /// <summary>Its last delivery attempt succeeded.</summary>
    [JsonStringEnumMemberName("ok")]
    Ok,

    /// <summary>Its last delivery attempt failed; messages wait and are retried with backoff.</summary>
    [JsonStringEnumMemberName("failing")]
    Failing,
}
