using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Monitoring.Commands.BuiltIn;

namespace Monitoring.Commands;

/// <summary>The agent's built-in commands: get_status, get_process_count, list_processes, get_logs, restart.</summary>
public static class BuiltInCommands
{
    /// <summary>Creates the built-in handlers with the agent's settings.</summary>
    public static IReadOnlyList<ICommandHandler> Create(CommandHandlerOptions options, ILogger? logger = null) =>
    [
        new GetStatusHandler(),
        new GetProcessCountHandler(),
        new ListProcessesHandler(),
        new GetLogsHandler(options),
        new RestartHandler(options, logger ?? NullLogger.Instance),
    ];
}
