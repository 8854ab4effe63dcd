using System.Management.Automation;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Get-MonAgent: the fleet, as typed objects with their latest metrics.</summary>
[Cmdlet(VerbsCommon.Get, "MonAgent")]
[OutputType(typeof(AgentInfo))]
public sealed class GetMonAgentCommand : MonCmdlet
{
    /// <summary>Agent ids; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string[]? Id { get; set; }

    /// <summary>Only online or only offline agents.</summary>
    [Parameter]
    public AgentState? Status { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var client = Client;
        IReadOnlyList<AgentInfo> agents;
        try
        {
            agents = Run(ct => client.GetAgentsAsync(ct));
        }
        catch (Monitoring.Client.MonitoringApiException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, client.Options.BaseAddress));
            return;
        }

        var patterns = (Id ?? ["*"]).Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToList();
        foreach (var id in Id ?? [])
        {
            if (!WildcardPattern.ContainsWildcardCharacters(id) && !agents.Any(a => string.Equals(a.Id, id, StringComparison.OrdinalIgnoreCase)))
            {
                var ex = new ItemNotFoundException($"No agent '{id}' is enrolled. Run Get-MonAgent to list the agents.");
                WriteError(new ErrorRecord(ex, "Monitoring.AgentNotFound", ErrorCategory.ObjectNotFound, id));
            }
        }

        foreach (var agent in agents)
        {
            if (patterns.Any(p => p.IsMatch(agent.Id)) && (Status is null || agent.Status == Status))
            {
                WriteObject(Decorate(agent));
            }
        }
    }

    /// <summary>Adds flat metric properties, handy for Sort-Object, Where-Object and Export-Csv.</summary>
    internal static PSObject Decorate(AgentInfo agent)
    {
        var pso = PSObject.AsPSObject(agent);
        var latest = agent.Latest;
        pso.Properties.Add(new PSNoteProperty("CpuPercent", latest?.Cpu.Percent));
        pso.Properties.Add(new PSNoteProperty("MemoryPercent", latest?.Memory.Percent));
        pso.Properties.Add(new PSNoteProperty("DiskPercent", latest is { Disks.Count: > 0 } ? latest.Disks.Max(d => d.Percent) : null));
        pso.Properties.Add(new PSNoteProperty("ProcessCount", latest?.Processes.Count));
        pso.Properties.Add(new PSNoteProperty("Uptime", latest is null ? null : TimeSpan.FromSeconds(Math.Floor(latest.UptimeSeconds))));
        return pso;
    }
}
