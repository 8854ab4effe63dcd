using Monitoring.Commands;
using Monitoring.Protocol;

namespace EmbeddedAgent;

/// <summary>
/// <c>drain_orders</c>: a command of the app's own, built by the container (so it gets the app's services) and
/// advertised to the manager beside the built-in ones. Run it with
/// <c>Invoke-MonCommand -Agent HOST-orders -Name drain_orders -Arguments @{ max = 3 }</c>.
/// </summary>
public sealed class DrainOrdersHandler(OrderQueue queue) : ICommandHandler
{
    public CommandDefinition Definition { get; } = new()
    {
        Name = "drain_orders",
        Description = "Processes up to max queued orders now; answers how many were taken and how many are left.",
        Arguments = [new() { Name = "max", Type = CommandArgumentType.Integer, Minimum = 1, Maximum = 1000, Description = "The most orders to take (default 10)." }],
    };

    public Task<CommandOutcome> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var drained = queue.Drain((int)context.GetInt64("max", 10));
        return Task.FromResult(CommandOutcome.Ok(new DrainResult(drained, queue.Count), SampleJsonContext.Default.DrainResult));
    }
}
