using System.Collections;
using System.Management.Automation;
using System.Security;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>
/// Set-MonReceiver: creates or replaces a notification receiver, a webhook (-WebhookUrl) or an email (-SmtpServer),
/// with the route that chooses its alerts. Secrets left out (-SigningKey, -Header, -Credential's password) keep
/// their stored values.
/// </summary>
[Cmdlet(VerbsCommon.Set, "MonReceiver", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = WebhookSet)]
[OutputType(typeof(Receiver))]
public sealed class SetMonReceiverCommand : MonCmdlet
{
    private const string WebhookSet = "Webhook";
    private const string EmailSet = "Email";

    /// <summary>The receiver's name (letters, digits, '.', '_' and '-').</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = "";

    /// <summary>The webhook's URL: https://, or http:// to this machine (other plain-HTTP URLs need -AllowInsecureUrl).</summary>
    [Parameter(Mandatory = true, ParameterSetName = WebhookSet)]
    public Uri WebhookUrl { get; set; } = null!;

    /// <summary>A key to sign each body with (HMAC-SHA256, header X-Monitoring-Signature-256).</summary>
    [Parameter(ParameterSetName = WebhookSet)]
    public SecureString? SigningKey { get; set; }

    /// <summary>Extra request headers, such as @{ Authorization = 'Bearer …' }; their values are kept secret.</summary>
    [Parameter(ParameterSetName = WebhookSet)]
    public Hashtable? Header { get; set; }

    /// <summary>Accept a plain-HTTP URL to another machine.</summary>
    [Parameter(ParameterSetName = WebhookSet)]
    public SwitchParameter AllowInsecureUrl { get; set; }

    /// <summary>The SMTP server's host name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EmailSet)]
    public string SmtpServer { get; set; } = "";

    /// <summary>The SMTP server's port (587 for StartTls, 465 for Tls by default).</summary>
    [Parameter(ParameterSetName = EmailSet)]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>StartTls (default), Tls or None.</summary>
    [Parameter(ParameterSetName = EmailSet)]
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>The SMTP user and password.</summary>
    [Parameter(ParameterSetName = EmailSet)]
    public PSCredential? Credential { get; set; }

    /// <summary>The sender address.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EmailSet)]
    public string From { get; set; } = "";

    /// <summary>The recipients.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EmailSet)]
    public string[] To { get; set; } = [];

    /// <summary>The SHA-256 of a self-signed SMTP server's public key or certificate.</summary>
    [Parameter(ParameterSetName = EmailSet)]
    public string? CertificateThumbprint { get; set; }

    /// <summary>The severities it takes; every severity when omitted.</summary>
    [Parameter]
    public AlertSeverity[]? Severity { get; set; }

    /// <summary>Agent ids it takes (wildcards); every agent when omitted.</summary>
    [Parameter]
    public string? AgentPattern { get; set; }

    /// <summary>Labels an alert must have, each value a pattern: @{ team = 'web*' }.</summary>
    [Parameter]
    public Hashtable? Label { get; set; }

    /// <summary>What makes a group: rule (default), agent, severity, metric, target or a label's name.</summary>
    [Parameter]
    public string[]? GroupBy { get; set; }

    /// <summary>How long a new group collects alerts before its first message (30 s by default).</summary>
    [Parameter]
    public TimeSpan? GroupWait { get; set; }

    /// <summary>The least time between two messages about one group (5 min by default).</summary>
    [Parameter]
    public TimeSpan? GroupInterval { get; set; }

    /// <summary>How often alerts that stay firing are sent again (4 h by default).</summary>
    [Parameter]
    public TimeSpan? RepeatInterval { get; set; }

    /// <summary>Do not send a message when alerts resolve.</summary>
    [Parameter]
    public SwitchParameter NoResolved { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        var receiver = new Receiver
        {
            Name = Name,
            Webhook = ParameterSetName == WebhookSet
                ? new WebhookReceiver
                {
                    Url = WebhookUrl.OriginalString,
                    AllowInsecureUrl = AllowInsecureUrl,
                    SigningKey = SigningKey is null ? null : SecureText.Plain(SigningKey),
                    Headers = Header?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? "", StringComparer.OrdinalIgnoreCase),
                }
                : null,
            Email = ParameterSetName == EmailSet
                ? new EmailReceiver
                {
                    Host = SmtpServer,
                    Port = Port == 0 ? null : Port,
                    Security = Security,
                    Username = Credential?.UserName,
                    Password = Credential is null ? null : SecureText.Plain(Credential.Password),
                    From = From,
                    To = To,
                    CertificateThumbprint = CertificateThumbprint,
                }
                : null,
            Route = new NotificationRoute
            {
                Severities = Severity,
                Agents = AgentPattern,
                Labels = Label?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? "", StringComparer.Ordinal),
                GroupBy = GroupBy,
                GroupWaitSeconds = GroupWait?.TotalSeconds,
                GroupIntervalSeconds = GroupInterval?.TotalSeconds,
                RepeatIntervalSeconds = RepeatInterval?.TotalSeconds,
                SendResolved = NoResolved ? false : null,
            },
        };
        if (!ShouldProcess($"receiver {Name}", "Create or replace"))
        {
            return;
        }

        try
        {
            WriteObject(Run(ct => client.SetReceiverAsync(receiver, ct)));
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Name));
        }
    }
}
