using System.Management.Automation;

namespace Monitoring.PowerShell.Commands;

/// <summary>Remove-MonSilence: ends silences now.</summary>
[Cmdlet(VerbsCommon.Remove, "MonSilence", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveMonSilenceCommand : MonCmdlet
{
    /// <summary>The silences' ids; accepts Get-MonSilence output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[] Id { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        foreach (var id in Id)
        {
            if (!ShouldProcess($"silence {id}", "End"))
            {
                continue;
            }

            try
            {
                Run(ct => client.RemoveSilenceAsync(id, ct));
            }
            catch (Monitoring.Client.MonitoringApiException ex)
            {
                WriteError(ToErrorRecord(ex, id));
            }
        }
    }
}
