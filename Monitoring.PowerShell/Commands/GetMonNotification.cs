using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonNotification: the manager's notification outbox, newest first, with every delivery attempt.</summary>
[Cmdlet(VerbsCommon.Get, "MonNotification")]
[OutputType(typeof(NotificationRecord))]
public sealed class GetMonNotificationCommand : MonCmdlet
{
    /// <summary>Only this receiver's messages.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    public string? Receiver { get; set; }

    /// <summary>Only messages in this state: Pending, Sent or Failed.</summary>
    [Parameter]
    public NotificationStatus? Status { get; set; }

    /// <summary>How many messages at most.</summary>
    [Parameter]
    [ValidateRange(1, 10_000)]
    public int Last { get; set; } = 100;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        try
        {
            foreach (var record in Run(ct => client.GetNotificationsAsync(Receiver, Status, Last, ct)))
            {
                WriteObject(record);
            }
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Receiver));
        }
    }
}
