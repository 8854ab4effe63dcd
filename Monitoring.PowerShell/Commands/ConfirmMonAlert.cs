using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Confirm-MonAlert: acknowledges alerts, recording who has seen them.</summary>
[Cmdlet(VerbsLifecycle.Confirm, "MonAlert", SupportsShouldProcess = true)]
[OutputType(typeof(AlertRecord))]
public sealed class ConfirmMonAlertCommand : MonCmdlet
{
    /// <summary>The alerts' ids; accepts Get-MonAlert output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public long[] Id { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        foreach (var id in Id)
        {
            if (!ShouldProcess($"alert {id}", "Acknowledge"))
            {
                continue;
            }

            try
            {
                WriteObject(Run(ct => client.AcknowledgeAlertAsync(id, ct)));
            }
            catch (Monitoring.Client.MonitoringApiException ex)
            {
                WriteError(ToErrorRecord(ex, id));
            }
        }
    }
}
