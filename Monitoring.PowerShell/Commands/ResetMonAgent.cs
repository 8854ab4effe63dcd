using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Reset-MonAgent: revokes agents' tokens and lets each id enroll once more, for a re-installed machine.</summary>
[Cmdlet(VerbsCommon.Reset, "MonAgent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(AgentInfo))]
public sealed class ResetMonAgentCommand : MonCmdlet
{
    /// <summary>The agents to reset.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Agent")]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        ForEachConfirmed<AgentInfo>(Id, id => $"agent '{id}'", "Revoke its token and let it enroll once more", async (id, ct) => await client.ResetAgentAsync(id, ct).ConfigureAwait(false));
    }
}
