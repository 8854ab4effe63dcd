using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Receive-MonFile: fetches a file from an agent, or from the manager's store, verified and resumable.</summary>
[Cmdlet(VerbsCommunications.Receive, "MonFile", DefaultParameterSetName = AgentSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ReceiveMonFileCommand : MonCmdlet
{
    private const string AgentSet = "FromAgent";
    private const string StoreSet = "FromStore";

    /// <summary>The agent to fetch from.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = AgentSet, ValueFromPipelineByPropertyName = true)]
    [Alias("AgentId")]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string Agent { get; set; } = "";

    /// <summary>The full path of the file on the agent.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = AgentSet)]
    public string Path { get; set; } = "";

    /// <summary>The id of a file already in the manager's store.</summary>
    [Parameter(Mandatory = true, ParameterSetName = StoreSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    public string FileId { get; set; } = "";

    /// <summary>Where to write it locally (default: the file's name in the current folder).</summary>
    [Parameter(Position = 2)]
    public string? Destination { get; set; }

    /// <summary>Overwrite an existing destination.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How long the agent may take to send it (default 600).</summary>
    [Parameter(ParameterSetName = AgentSet)]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 600;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        var leaf = ParameterSetName == AgentSet ? System.IO.Path.GetFileName(Path.Replace('\\', '/')) : null;
        var target = ParameterSetName == AgentSet ? (object)$"{Agent}:{Path}" : FileId;
        try
        {
            if (ParameterSetName == StoreSet && Destination is null)
            {
                leaf = Run(ct => client.GetFileAsync(FileId, ct)).Name.Replace('\\', '/').Split('/').Last();
            }

            var destination = GetUnresolvedProviderPathFromPSPath(Destination ?? leaf ?? "file");
            if (Directory.Exists(destination))
            {
                destination = System.IO.Path.Combine(destination, leaf ?? "file");
            }

            if (File.Exists(destination) && !Force)
            {
                throw new IOException($"'{destination}' already exists; pass -Force to overwrite it.");
            }

            if (!ShouldProcess(destination, $"Receive {target}"))
            {
                return;
            }

            var progress = new TransferProgressBridge(1, $"Receive-MonFile {target}", OnPipeline, WriteProgress);
            Run(async ct =>
            {
                if (ParameterSetName == AgentSet)
                {
                    progress.Start($"Waiting for agent '{Agent}' to send {Path}");
                    await client.ReceiveFileFromAgentAsync(Agent, Path, destination, Force, TimeSpan.FromSeconds(TimeoutSec), progress, ct).ConfigureAwait(false);
                }
                else
                {
                    await client.DownloadFileAsync(FileId, destination, Force, progress, ct).ConfigureAwait(false);
                }
            });
            WriteObject(new FileInfo(destination));
        }
        catch (Exception ex) when (ex is Monitoring.Client.MonitoringApiException or IOException)
        {
            WriteError(ToErrorRecord(ex, target));
        }
    }
}
