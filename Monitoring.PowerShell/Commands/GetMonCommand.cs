using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonCommand: the command audit trail: who ran what, where, when, and how it ended.</summary>
[Cmdlet(VerbsCommon.Get, "MonCommand", DefaultParameterSetName = AgentSet)]
[OutputType(typeof(CommandRecord))]
public sealed class GetMonCommandCommand : MonCmdlet
{
    private const string AgentSet = "Agent";
    private const string IdSet = "Id";

    /// <summary>The agent whose history to list.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = AgentSet, ValueFromPipelineByPropertyName = true)]
    [Alias("AgentId")]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string Agent { get; set; } = "";

    /// <summary>One command's id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    public string Id { get; set; } = "";

    /// <summary>At most this many (default 100).</summary>
    [Parameter(ParameterSetName = AgentSet)]
    [ValidateRange(1, 10000)]
    public int Last { get; set; } = 100;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        try
        {
            var records = ParameterSetName == IdSet
                ? [Run(ct => client.GetCommandAsync(Id, ct))]
                : Run(ct => client.GetCommandsAsync(Agent, Last, ct));
            foreach (var record in records)
            {
                WriteObject(InvokeMonCommandCommand.Decorate(record));
            }
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, ParameterSetName == IdSet ? Id : Agent));
        }
    }
}
