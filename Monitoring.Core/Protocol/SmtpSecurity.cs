using System.Text.Json.Serialization;

namespace Monitoring.Protocol;

/// <summary>How an email receiver protects its connection to the SMTP server.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which must succeed (port 587).</summary>
    [JsonStringEnumMemberName("starttls")]
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    [JsonStringEnumMemberName("tls")]
    Tls,

    /// <summary>No encryption: only for a relay on this machine or a trusted network.</summary>
    [JsonStringEnumMemberName("none")]
    None,
}
