using System.Management.Automation;

namespace Monitoring.PowerShell.Commands;

/// <summary>Remove-MonAgent: removes agents and revokes their tokens; their history stays.</summary>
[Cmdlet(VerbsCommon.Remove, "MonAgent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMonAgentCommand : MonCmdlet
{
    /// <summary>The agents to remove.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        foreach (var id in Id)
        {
            if (!ShouldProcess($"agent '{id}'", "Remove and revoke its token"))
            {
                continue;
            }

            try
            {
                Run(ct => client.RemoveAgentAsync(id, ct));
                WriteVerbose($"Removed agent '{id}'; it can enroll again with the enrollment token.");
            }
            catch (Monitoring.Client.MonitoringApiException ex)
            {
                WriteError(ToErrorRecord(ex, id));
            }
        }
    }
}
