using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonEnrollmentToken: lists the enrollment tokens with their limits and uses (never the tokens); revoked ones only with -All.</summary>
[Cmdlet(VerbsCommon.Get, "MonEnrollmentToken")]
[OutputType(typeof(EnrollmentTokenInfo))]
public sealed class GetMonEnrollmentTokenCommand : MonCmdlet
{
    /// <summary>Only tokens whose name matches (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string? Name { get; set; }

    /// <summary>Include revoked tokens.</summary>
    [Parameter]
    public SwitchParameter All { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        var pattern = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        try
        {
            foreach (var token in Run(ct => client.GetEnrollmentTokensAsync(ct)).Where(t => (All || t.RevokedAt is null) && (pattern?.IsMatch(t.Name) ?? true)))
            {
                WriteObject(token);
            }
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Name));
        }
    }
}
