using System.Collections;
using System.Management.Automation;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.PowerShell.Commands;

/// <summary>Invoke-MonCommand: runs a command on one or more agents at once and emits each result as it arrives.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "MonCommand", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CommandRecord))]
public sealed class InvokeMonCommandCommand : MonCmdlet
{
    private readonly List<string> _agents = [];

    /// <summary>The agents; accepts Get-MonAgent output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "AgentId")]
    [ArgumentCompleter(typeof(AgentIdCompleter))]
    public string[] Agent { get; set; } = [];

    /// <summary>The command, for example get_process_count.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(CommandNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>The command's arguments: strings, booleans or whole numbers.</summary>
    [Parameter]
    public Hashtable? Argument { get; set; }

    /// <summary>How long the command may run, and how long to wait (default 30).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    /// <summary>Queue the command and return at once.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>Restart without asking.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => _agents.AddRange(Agent);

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var targets = new List<string>();
        foreach (var agent in _agents.Distinct(StringComparer.Ordinal))
        {
            if (!ShouldProcess($"agent '{agent}'", $"Run '{Name}'"))
            {
                continue;
            }

            // restart is treated as ConfirmImpact High: asked about unless -Force or -Confirm:$false.
            var confirmOff = MyInvocation.BoundParameters.TryGetValue("Confirm", out var c) && c is SwitchParameter { IsPresent: false };
            if (Name == CommandNames.Restart && !Force && !confirmOff
                && !ShouldContinue($"Restart the machine of agent '{agent}'?", "Confirm restart"))
            {
                continue;
            }

            targets.Add(agent);
        }

        if (targets.Count == 0)
        {
            base.EndProcessing();
            return;
        }

        var client = Client;
        var arguments = Argument?.Cast<DictionaryEntry>().Select(e => new KeyValuePair<string, object?>(e.Key.ToString()!, Unwrap(e.Value))).ToList();
        Run(async ct =>
        {
            var pending = targets.ToDictionary(
                t => (Task<CommandRecord>)client.SendCommandAsync(
                    t,
                    new CommandRequest { Name = Name, Arguments = CommandArguments.From(arguments), TimeoutSeconds = TimeoutSec, Wait = !NoWait },
                    ct),
                t => t);
            while (pending.Count > 0)
            {
                var done = await Task.WhenAny(pending.Keys).ConfigureAwait(false);
                var agent = pending[done];
                pending.Remove(done);
                try
                {
                    var record = await done.ConfigureAwait(false);
                    var lastSeen = record.Status == CommandStatus.Queued && !NoWait
                        ? (await client.GetAgentAsync(agent, ct).ConfigureAwait(false)).LastSeen
                        : null;
                    OnPipeline(() => Emit(record, lastSeen));
                }
                catch (MonitoringApiException ex)
                {
                    OnPipeline(() => WriteError(ToErrorRecord(ex, agent)));
                }
            }
        });
        base.EndProcessing();
    }

    private void Emit(CommandRecord record, DateTimeOffset? lastSeen)
    {
        if (record.Status == CommandStatus.Queued && !NoWait)
        {
            var since = lastSeen is { } seen ? $"last seen at {seen.ToLocalTime():T}" : "never seen";
            WriteWarning($"Agent '{record.AgentId}' did not pick up '{record.Name}' within {TimeoutSec} s ({since}); the command stays queued and expires at {record.ExpiresAt.ToLocalTime():T}. Check it later with Get-MonCommand -Id {record.Id}.");
        }

        WriteObject(Decorate(record));
    }

    internal static PSObject Decorate(CommandRecord record)
    {
        var pso = PSObject.AsPSObject(record);
        pso.Properties.Add(new PSNoteProperty("Output", record.Result is { } r ? Json.ToPowerShell(r) : null));
        return pso;
    }

    private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;
}
