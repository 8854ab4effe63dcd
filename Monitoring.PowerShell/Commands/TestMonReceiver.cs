using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>
/// Test-MonReceiver: has the manager send each receiver a test notification now, once, and returns what the
/// receiver answered; a receiver that did not take it is also reported as an error.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "MonReceiver")]
[OutputType(typeof(ReceiverTestResult))]
public sealed class TestMonReceiverCommand : MonCmdlet
{
    /// <summary>The receivers' names; accepts Get-MonReceiver output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[] Name { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        foreach (var name in Name)
        {
            try
            {
                var result = Run(ct => client.TestReceiverAsync(name, ct));
                WriteObject(result);
                if (!result.Succeeded)
                {
                    WriteError(new ErrorRecord(
                        new InvalidOperationException($"Receiver '{name}' did not take the test notification: {result.Detail}"),
                        "Monitoring.ReceiverFailed", ErrorCategory.ConnectionError, name)
                    {
                        ErrorDetails = new ErrorDetails($"Receiver '{name}' did not take the test notification: {result.Detail}")
                        {
                            RecommendedAction = "Fix the receiver's address or credentials with Set-MonReceiver, then test it again.",
                        },
                    });
                }
            }
            catch (Monitoring.Client.MonitoringApiException ex)
            {
                WriteError(ToErrorRecord(ex, name));
            }
        }
    }
}
