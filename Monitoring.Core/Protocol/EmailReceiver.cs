namespace Monitoring.Protocol;

/// <summary>An email receiver: each notification is one message with a plain-text and an HTML body.</summary>
public sealed record EmailReceiver
{
    /// <summary>The SMTP server's host name.</summary>
    public string Host { get; init; } = "";

    /// <summary>The SMTP server's port; 587 for STARTTLS, 465 for TLS and 25 without encryption when left out.</summary>
    public int? Port { get; init; }

    /// <summary>How the connection is protected; STARTTLS when left out.</summary>
    public SmtpSecurity Security { get; init; } = SmtpSecurity.StartTls;

    /// <summary>
    /// A pin for a server whose certificate no public authority signed: the SHA-256 (hex) of its public key or of
    /// the whole certificate. Without it the certificate must be valid for <see cref="Host"/>.
    /// </summary>
    public string? CertificateThumbprint { get; init; }

    /// <summary>The user to authenticate as; no authentication when left out.</summary>
    public string? Username { get; init; }

    /// <summary>Write-only: the user's password. On a replace, null keeps the stored one.</summary>
    public string? Password { get; init; }

    /// <summary>Read-only: true when a password is stored.</summary>
    public bool PasswordSet { get; init; }

    /// <summary>The sender address.</summary>
    public string From { get; init; } = "";

    /// <summary>The recipients.</summary>
    public IReadOnlyList<string> To { get; init; } = [];
}
