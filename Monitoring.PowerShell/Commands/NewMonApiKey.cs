using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>New-MonApiKey: creates a named admin key with a role; its token is shown this once.</summary>
[Cmdlet(VerbsCommon.New, "MonApiKey", SupportsShouldProcess = true)]
[OutputType(typeof(ApiKeyInfo))]
public sealed class NewMonApiKeyCommand : MonCmdlet
{
    /// <summary>A unique name, recorded beside everything the key does.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = "";

    /// <summary>Reader (lists, status, alerts, files), Operator (also commands and file pushes) or Admin (also credentials, thresholds, silences).</summary>
    [Parameter(Mandatory = true)]
    public KeyRole Role { get; set; }

    /// <summary>When the key stops working; never when omitted.</summary>
    [Parameter]
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        if (!ShouldProcess($"admin key '{Name}' ({Role})", "Create"))
        {
            return;
        }

        try
        {
            WriteObject(Run(ct => client.CreateApiKeyAsync(Name, Role, ExpiresAt, ct)));
            WriteWarning("Copy the Token now: the manager keeps only its hash and will not show it again.");
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Name));
        }
    }
}
