namespace Monitoring.Protocol;

/// <summary>A dashboard sign-in: an admin key of role reader or higher, exchanged for a session cookie.</summary>
public sealed record SignInRequest
{
    /// <summary>The key (mon_adm_…). It is sent once, in this body, and never stored by the browser.</summary>
    public string Key { get; init; } = "";
}
