using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Monitoring.Internal;
using Monitoring.Protocol;

namespace Monitoring.Commands.BuiltIn;

/// <summary>
/// <c>restart</c>: restarts the machine with the configured command, after the manager has the answer. Refused
/// unless the agent's own configuration sets <c>allowRestart: true</c>.
/// </summary>
internal sealed partial class RestartHandler(CommandHandlerOptions options, ILogger logger) : ICommandHandler
{
    public CommandDefinition Definition { get; } = new()
    {
        Name = CommandNames.Restart,
        Description = "Restarts the machine once the manager has the answer. Off unless the agent's agent.yaml sets allowRestart: true.",
    };

    public Task<CommandOutcome> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (!options.AllowRestart)
        {
            return Task.FromResult(CommandOutcome.Fail(
                $"restart is disabled on agent '{context.AgentId}': set allowRestart: true in that agent's own agent.yaml to allow it (the manager cannot turn it on)."));
        }

        var command = options.RestartCommand;
        if (command.Count == 0 || string.IsNullOrWhiteSpace(command[0]))
        {
            return Task.FromResult(CommandOutcome.Fail($"restart is allowed on agent '{context.AgentId}' but restartCommand is empty; set it in agent.yaml."));
        }

        LogRestarting(logger, context.CommandId, string.Join(" ", command));
        return Task.FromResult(CommandOutcome.Ok(new RestartResult { Command = command }, MonitoringJsonContext.Default.RestartResult, ct => RunAsync(command, ct)));
    }

    private async Task RunAsync(IReadOnlyList<string> command, CancellationToken ct)
    {
        var info = ProcessArguments.Create(command[0], command.Skip(1));

        try
        {
            using var process = Process.Start(info)!;
#if NET
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
#else
            await Task.Run(process.WaitForExit, ct).ConfigureAwait(false);
#endif
            if (process.ExitCode != 0)
            {
                LogExitCode(logger, string.Join(" ", command), process.ExitCode);
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            LogCannotRun(logger, string.Join(" ", command), ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId}: restarting the machine with '{Command}' once the manager has the answer")]
    private static partial void LogRestarting(ILogger logger, string commandId, string command);

    [LoggerMessage(Level = LogLevel.Error, Message = "The restart command '{Command}' exited with {Code}")]
    private static partial void LogExitCode(ILogger logger, string command, int code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot run the restart command '{Command}': {Reason}. Fix restartCommand in agent.yaml.")]
    private static partial void LogCannotRun(ILogger logger, string command, string reason);
}
