using System.Management.Automation;

namespace Monitoring.PowerShell.Commands;

/// <summary>Remove-MonApiKey: revokes admin keys; they stop working at once.</summary>
[Cmdlet(VerbsCommon.Remove, "MonApiKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveMonApiKeyCommand : MonCmdlet
{
    /// <summary>The ids of the keys to revoke (Get-MonApiKey lists them).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string[] Id { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        ForEachConfirmed<object>(Id, id => $"admin key '{id}'", "Revoke", async (id, ct) => { await client.RevokeApiKeyAsync(id, ct).ConfigureAwait(false); return null; });
    }
}
