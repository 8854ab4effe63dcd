using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Send-MonFile: sends a local file to an agent, verified and resumable.</summary>
[Cmdlet(VerbsCommunications.Send, "MonFile", SupportsShouldProcess = true)]
[OutputType(typeof(ReceiveFileResult))]
public sealed class SendMonFileCommand : MonCmdlet
{
    /// <summary>The agent to send to.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("AgentId", "Id")]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string Agent { get; set; } = "";

    /// <summary>The local file.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Path { get; set; } = "";

    /// <summary>The full path to write on the agent.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    public string Destination { get; set; } = "";

    /// <summary>Let the agent overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How long the agent may take to receive it (default 600).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 600;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        var local = GetUnresolvedProviderPathFromPSPath(Path);
        var target = $"{Agent}:{Destination}";
        if (!File.Exists(local))
        {
            var ex = new FileNotFoundException($"'{local}' does not exist.", local);
            WriteError(new ErrorRecord(ex, "Monitoring.LocalFileNotFound", ErrorCategory.ObjectNotFound, local));
            return;
        }

        if (!ShouldProcess(target, $"Send {local}"))
        {
            return;
        }

        try
        {
            var progress = new TransferProgressBridge(1, $"Send-MonFile {local} to {target}", OnPipeline, WriteProgress);
            WriteObject(Run(ct => client.SendFileToAgentAsync(Agent, local, Destination, Force, TimeSpan.FromSeconds(TimeoutSec), progress, ct)));
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, target));
        }
    }
}
