namespace Monitoring.Protocol;

/// <summary>A webhook receiver: the manager POSTs each notification as JSON in Alertmanager's webhook format.</summary>
public sealed record WebhookReceiver
{
    /// <summary>An https:// URL, or http:// to a loopback address; anything else needs <see cref="AllowInsecureUrl"/>.</summary>
    public string Url { get; init; } = "";

    /// <summary>Accept a plain-HTTP URL to another machine (the payload and any header tokens travel unencrypted).</summary>
    public bool AllowInsecureUrl { get; init; }

    /// <summary>
    /// Write-only: a key to sign each body with HMAC-SHA256, sent as <c>X-Monitoring-Signature-256: sha256=HEX</c>.
    /// On a replace, null keeps the stored key and "" removes it.
    /// </summary>
    public string? SigningKey { get; init; }

    /// <summary>Read-only: true when a signing key is stored.</summary>
    public bool SigningKeySet { get; init; }

    /// <summary>Write-only: extra request headers (an Authorization token, for example). On a replace, null keeps the stored headers.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Read-only: the names of the stored headers (their values are secrets).</summary>
    public IReadOnlyList<string>? HeaderNames { get; init; }
}
