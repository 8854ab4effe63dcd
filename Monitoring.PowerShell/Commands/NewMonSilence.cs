using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>New-MonSilence: silences alerts of matching agents and rules for a while (maintenance).</summary>
[Cmdlet(VerbsCommon.New, "MonSilence", SupportsShouldProcess = true)]
[OutputType(typeof(Silence))]
public sealed class NewMonSilenceCommand : MonCmdlet
{
    /// <summary>Agent ids to silence (wildcards); every agent when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "AgentId")]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string? Agent { get; set; }

    /// <summary>Rule names to silence (wildcards); every rule when omitted.</summary>
    [Parameter]
    public string? Rule { get; set; }

    /// <summary>How long the silence lasts.</summary>
    [Parameter(Mandatory = true)]
    public TimeSpan Duration { get; set; }

    /// <summary>Why, for whoever sees the silenced alerts.</summary>
    [Parameter]
    public string? Reason { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        if (!ShouldProcess($"alerts of agents '{Agent ?? "*"}', rules '{Rule ?? "*"}'", $"Silence for {Duration}"))
        {
            return;
        }

        try
        {
            WriteObject(Run(ct => client.AddSilenceAsync(Agent, Rule, DateTimeOffset.UtcNow + Duration, Reason, ct)));
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Agent));
        }
    }
}
