using System.Management.Automation;

namespace Monitoring.PowerShell.Commands;

/// <summary>Disconnect-MonManager: forgets the session's connection.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "MonManager")]
[OutputType(typeof(void))]
public sealed class DisconnectMonManagerCommand : PSCmdlet
{
    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        MonitoringSession.Current?.Dispose();
        MonitoringSession.Current = null;
    }
}
