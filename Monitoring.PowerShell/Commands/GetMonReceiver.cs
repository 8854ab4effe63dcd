using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonReceiver: the notification receivers (webhook, email) with their routes and delivery state.</summary>
[Cmdlet(VerbsCommon.Get, "MonReceiver")]
[OutputType(typeof(Receiver))]
public sealed class GetMonReceiverCommand : MonCmdlet
{
    /// <summary>Receiver names (wildcards); every receiver when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Only receivers whose last delivery attempt failed.</summary>
    [Parameter]
    public SwitchParameter Failing { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        try
        {
            var patterns = (Name ?? ["*"]).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            foreach (var receiver in Run(ct => client.GetReceiversAsync(ct)))
            {
                if (patterns.Any(p => p.IsMatch(receiver.Name)) && (!Failing || receiver.Status?.State == ReceiverState.Failing))
                {
                    WriteObject(receiver);
                }
            }
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Name));
        }
    }
}
