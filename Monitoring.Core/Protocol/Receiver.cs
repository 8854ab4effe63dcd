namespace Monitoring.Protocol;

/// <summary>
/// Where alert notifications go: a webhook or an email receiver (exactly one of <see cref="Webhook"/> and
/// <see cref="Email"/>), with the route that chooses which alerts it gets and how they are grouped. Secrets
/// (signing key, header values, SMTP password) are write-only: the manager never returns them.
/// </summary>
public sealed record Receiver
{
    /// <summary>The receiver's name (letters, digits, '.', '_' and '-', up to 64 characters).</summary>
    public string Name { get; init; } = "";

    /// <summary>An HTTPS POST of an Alertmanager-compatible JSON payload.</summary>
    public WebhookReceiver? Webhook { get; init; }

    /// <summary>An email through an SMTP server.</summary>
    public EmailReceiver? Email { get; init; }

    /// <summary>Which alerts it receives and how they are grouped; every alert, grouped by rule, when left out.</summary>
    public NotificationRoute? Route { get; init; }

    /// <summary>Read-only: <c>config</c> for a receiver defined in manager.yaml (change it there), <c>api</c> for one made through the API.</summary>
    public string? Source { get; init; }

    /// <summary>Read-only: how its deliveries are going.</summary>
    public ReceiverStatus? Status { get; init; }
}
