using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonApiKey: lists the admin keys with their roles (never their tokens); revoked ones only with -All.</summary>
[Cmdlet(VerbsCommon.Get, "MonApiKey")]
[OutputType(typeof(ApiKeyInfo))]
public sealed class GetMonApiKeyCommand : MonCmdlet
{
    /// <summary>Only keys whose name matches (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Include revoked keys.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        var pattern = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        try
        {
            foreach (var key in Run(ct => client.GetApiKeysAsync(ct)).Where(k => (All || k.RevokedAt is null) && (pattern?.IsMatch(k.Name) ?? true)))
            {
                WriteObject(key);
            }
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Name));
        }
    }
}
