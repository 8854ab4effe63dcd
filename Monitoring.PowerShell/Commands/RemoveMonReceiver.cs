using System.Management.Automation;

namespace Monitoring.PowerShell.Commands;

/// <summary>Remove-MonReceiver: removes receivers made through the API; their undelivered messages are dropped.</summary>
[Cmdlet(VerbsCommon.Remove, "MonReceiver", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMonReceiverCommand : MonCmdlet
{
    /// <summary>The receivers' names; accepts Get-MonReceiver output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[] Name { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        foreach (var name in Name)
        {
            if (!ShouldProcess($"receiver {name}", "Remove"))
            {
                continue;
            }

            try
            {
                Run(ct => client.RemoveReceiverAsync(name, ct));
            }
            catch (Monitoring.Client.MonitoringApiException ex)
            {
                WriteError(ToErrorRecord(ex, name));
            }
        }
    }
}
