using System.Management.Automation;

namespace Monitoring.PowerShell.Commands;

/// <summary>Remove-MonApiKey: revokes admin keys; they stop working at once.</summary>
[Cmdlet(VerbsCommon.Remove, "MonApiKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMonApiKeyCommand : MonCmdlet
{
    /// <summary>The ids of the keys to revoke (Get-MonApiKey lists them).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string[] Id { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        foreach (var id in Id)
        {
            if (!ShouldProcess($"admin key '{id}'", "Revoke"))
            {
                continue;
            }

            try
            {
                Run(ct => client.RevokeApiKeyAsync(id, ct));
            }
            catch (Monitoring.Client.MonitoringApiException ex)
            {
                WriteError(ToErrorRecord(ex, id));
            }
        }
    }
}
