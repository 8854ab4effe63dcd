using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonAlert: alert transitions raised by agents, newest first.</summary>
[Cmdlet(VerbsCommon.Get, "MonAlert")]
[OutputType(typeof(AlertRecord))]
public sealed class GetMonAlertCommand : MonCmdlet
{
    /// <summary>Only this agent's alerts.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "AgentId")]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string? Agent { get; set; }

    /// <summary>Only firing or only resolved transitions.</summary>
    [Parameter]
    public AlertState? State { get; set; }

    /// <summary>Only this severity.</summary>
    [Parameter]
    public AlertSeverity? Severity { get; set; }

    /// <summary>Only transitions at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

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
            var since = Since?.ToUniversalTime();
            foreach (var alert in Run(ct => client.GetAlertsAsync(Agent, Last, State, Severity, since is null ? null : new DateTimeOffset(since.Value), ct)))
            {
                WriteObject(alert);
            }
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Agent));
        }
    }
}
