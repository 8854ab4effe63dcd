using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonSilence: the silences, active ones first unless -All.</summary>
[Cmdlet(VerbsCommon.Get, "MonSilence")]
[OutputType(typeof(Silence))]
public sealed class GetMonSilenceCommand : MonCmdlet
{
    /// <summary>Include silences that have ended.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        try
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var silence in Run(ct => client.GetSilencesAsync(ct)).Where(s => All || s.Until > now))
            {
                WriteObject(silence);
            }
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, null));
        }
    }
}
