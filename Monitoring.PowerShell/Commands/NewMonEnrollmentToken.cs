using System.Collections;
using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>New-MonEnrollmentToken: creates a token agents enroll with, with optional limits; it is shown this once.</summary>
[Cmdlet(VerbsCommon.New, "MonEnrollmentToken", SupportsShouldProcess = true)]
[OutputType(typeof(EnrollmentTokenInfo))]
public sealed class NewMonEnrollmentTokenCommand : MonCmdlet
{
    /// <summary>A name that says what the token is for.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = "";

    /// <summary>When the token stops working; never when omitted.</summary>
    [Parameter]
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>How many agents may enroll with it; any number when omitted.</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int? MaxUses { get; set; }

    /// <summary>A wildcard pattern the agent ids must match, such as web-*.</summary>
    [Parameter]
    public string? AgentIdPattern { get; set; }

    /// <summary>Labels stamped on every agent that enrolls with it, over the agent's own.</summary>
    [Parameter]
    public Hashtable? Label { get; set; }

    /// <summary>Agents that enroll with it wait for Approve-MonAgent before they report.</summary>
    [Parameter]
    public SwitchParameter RequireApproval { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        if (!ShouldProcess($"enrollment token '{Name}'", "Create"))
        {
            return;
        }

        var request = new CreateEnrollmentTokenRequest
        {
            Name = Name,
            ExpiresAt = ExpiresAt,
            MaxUses = MaxUses,
            AgentIdPattern = AgentIdPattern,
            RequireApproval = RequireApproval,
            Labels = Label?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? "", StringComparer.Ordinal),
        };
        try
        {
            WriteObject(Run(ct => client.CreateEnrollmentTokenAsync(request, ct)));
            WriteWarning("Copy the Token now: the manager keeps only its hash and will not show it again.");
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            WriteError(ToErrorRecord(ex, Name));
        }
    }
}
