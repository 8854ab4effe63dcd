using System.Management.Automation;
using Monitoring.Alerts;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonThreshold: the manager's fleet-wide threshold rules, as typed rules or as YAML.</summary>
[Cmdlet(VerbsCommon.Get, "MonThreshold")]
[OutputType(typeof(ThresholdRule), typeof(string))]
public sealed class GetMonThresholdCommand : MonCmdlet
{
    /// <summary>Output the YAML text instead of rule objects.</summary>
    [Parameter]
    public SwitchParameter AsYaml { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        try
        {
            var document = Run(ct => client.GetThresholdsAsync(ct));
            if (AsYaml)
            {
                WriteObject(document.Yaml);
            }
            else
            {
                WriteObject(ThresholdRules.Parse(document.Yaml), enumerateCollection: true);
            }
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, null));
        }
    }
}
