using Monitoring.Manager.Storage;

namespace Monitoring.Manager.Commands;

/// <summary>Once a second, expires undelivered commands past their time-to-live and times out unanswered ones.</summary>
internal sealed partial class CommandSweeper(ICommandStore store, CommandBroker broker, Cluster.ILeadership leadership, TimeProvider time, ILogger<CommandSweeper> logger) : BackgroundService
{
    /// <summary>Time allowed beyond a command's timeout for its result to travel back.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!leadership.IsLeader)
            {
                continue;
            }

            foreach (var command in await store.ExpireCommandsAsync(time.GetUtcNow(), Grace, stoppingToken))
            {
                LogExpired(logger, command.Id, command.Name, command.AgentId, CommandStatuses.ToWire(command.Status), command.Error);
                broker.Completed(command);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {CommandId} ({Name}) for agent {AgentId} {Status}: {Error}")]
    private static partial void LogExpired(ILogger logger, string commandId, string name, string agentId, string status, string? error);
}
