using Monitoring.Protocol;

namespace Monitoring.Commands;

/// <summary>
/// Runs one named command on the agent. Implement it and add it to <c>AgentRuntimeOptions.CommandHandlers</c>
/// to give an embedded agent commands of its own; the agent advertises its definitions to the manager.
/// </summary>
public interface ICommandHandler
{
    /// <summary>The command's name, description and typed arguments.</summary>
    CommandDefinition Definition { get; }

    /// <summary>Runs the command. Arguments are already validated against <see cref="Definition"/>.</summary>
    /// <param name="context">The command's id and arguments, and what the agent offers handlers.</param>
    /// <param name="cancellationToken">Cancelled when the command's timeout passes or the agent stops.</param>
    Task<CommandOutcome> ExecuteAsync(CommandContext context, CancellationToken cancellationToken);
}
