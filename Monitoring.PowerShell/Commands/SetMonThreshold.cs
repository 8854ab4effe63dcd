using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Set-MonThreshold: replaces the manager's fleet-wide threshold rules from a YAML file.</summary>
[Cmdlet(VerbsCommon.Set, "MonThreshold", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ThresholdsDocument))]
public sealed class SetMonThresholdCommand : MonCmdlet
{
    /// <summary>The YAML file of rules.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        var file = GetUnresolvedProviderPathFromPSPath(Path);
        if (!File.Exists(file))
        {
            WriteError(new ErrorRecord(new FileNotFoundException($"'{file}' does not exist.", file), "Monitoring.LocalFileNotFound", ErrorCategory.ObjectNotFound, file));
            return;
        }

        if (!ShouldProcess("the manager's threshold rules", $"Replace with {file}"))
        {
            return;
        }

        try
        {
            WriteObject(Run(ct => client.SetThresholdsAsync(File.ReadAllText(file), ct)));
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, file));
        }
    }
}
