using System.Management.Automation;

namespace Monitoring.PowerShell.Commands;

/// <summary>Remove-MonEnrollmentToken: revokes enrollment tokens; agents that enrolled with them keep their own tokens.</summary>
[Cmdlet(VerbsCommon.Remove, "MonEnrollmentToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMonEnrollmentTokenCommand : MonCmdlet
{
    /// <summary>The ids of the tokens to revoke (Get-MonEnrollmentToken lists them).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string[] Id { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        ForEachConfirmed<object>(Id, id => $"enrollment token '{id}'", "Revoke", async (id, ct) => { await client.RevokeEnrollmentTokenAsync(id, ct).ConfigureAwait(false); return null; });
    }
}
