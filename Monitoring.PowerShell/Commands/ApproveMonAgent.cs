using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Approve-MonAgent: lets agents that enrolled with a token needing approval report and take commands.</summary>
[Cmdlet(VerbsLifecycle.Approve, "MonAgent", SupportsShouldProcess = true)]
[OutputType(typeof(AgentInfo))]
public sealed class ApproveMonAgentCommand : MonCmdlet
{
    /// <summary>The agents to approve.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Agent")]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string[] Id { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        ForEachConfirmed<AgentInfo>(Id, id => $"agent '{id}'", "Approve", async (id, ct) => await client.ApproveAgentAsync(id, ct).ConfigureAwait(false));
    }
}
