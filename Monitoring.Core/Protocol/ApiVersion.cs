namespace Monitoring.Protocol;

/// <summary>Versions of the protocol and of this SDK.</summary>
public static class ApiVersion
{
    /// <summary>The protocol version this SDK speaks.</summary>
    public const string Current = "1";

    /// <summary>The SDK's own version, sent by agents when they register.</summary>
    public static string SdkVersion { get; } =
        typeof(ApiVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
