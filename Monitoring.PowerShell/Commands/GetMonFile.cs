using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonFile: the manager's file store.</summary>
[Cmdlet(VerbsCommon.Get, "MonFile")]
[OutputType(typeof(FileRecord))]
public sealed class GetMonFileCommand : MonCmdlet
{
    /// <summary>One file's id.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FileId")]
    public string? Id { get; set; }

    /// <summary>At most this many (default 100).</summary>
    [Parameter]
    [ValidateRange(1, 10000)]
    public int Last { get; set; } = 100;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        try
        {
            if (Id is not null)
            {
                WriteObject(Run(ct => client.GetFileAsync(Id, ct)));
            }
            else
            {
                WriteObject(Run(ct => client.GetFilesAsync(Last, ct)), enumerateCollection: true);
            }
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Id));
        }
    }
}
