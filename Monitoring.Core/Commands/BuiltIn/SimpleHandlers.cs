using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Commands.BuiltIn;

/// <summary><c>get_status</c>: a fresh metric snapshot.</summary>
internal sealed class GetStatusHandler : ICommandHandler
{
    public CommandDefinition Definition { get; } = new()
    {
        Name = CommandNames.GetStatus,
        ReadOnly = true,
        Description = "Takes a fresh metric snapshot (CPU, memory, disks, network, uptime, processes) and returns it.",
    };

    public Task<CommandOutcome> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        Task.FromResult(CommandOutcome.Ok(context.Collect(), MonitoringJsonContext.Default.MetricSnapshot));
}

/// <summary><c>get_process_count</c>: the number of processes.</summary>
internal sealed class GetProcessCountHandler : ICommandHandler
{
    public CommandDefinition Definition { get; } = new()
    {
        Name = CommandNames.GetProcessCount,
        ReadOnly = true,
        Description = "Returns the number of processes running on the machine.",
    };

    public Task<CommandOutcome> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
        Task.FromResult(CommandOutcome.Ok(new ProcessCountResult { Count = ProcessTable.Count() }, MonitoringJsonContext.Default.ProcessCountResult));
}

/// <summary><c>list_processes</c>: the top processes by CPU or memory.</summary>
internal sealed class ListProcessesHandler : ICommandHandler
{
    public const int MaxTop = 100;

    /// <summary>How long CPU use is measured over.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(250);

    public CommandDefinition Definition { get; } = new()
    {
        Name = CommandNames.ListProcesses,
        ReadOnly = true,
        Description = "Lists the top processes by CPU (measured over 250 ms) or resident memory: pid, name, user, cpu %, rss.",
        Arguments =
        [
            new() { Name = "top", Type = CommandArgumentType.Integer, Minimum = 1, Maximum = MaxTop, Description = "How many processes (default 10)." },
            new() { Name = "sortBy", Type = CommandArgumentType.String, AllowedValues = ["cpu", "memory"], Description = "cpu (default) or memory." },
        ],
    };

    public async Task<CommandOutcome> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var top = (int)context.GetInt64("top", 10);
        var byMemory = context.GetString("sortBy", "cpu") == "memory";
        var result = await ProcessTable.TopAsync(top, byMemory, Window, context.TimeProvider, cancellationToken).ConfigureAwait(false);
        return CommandOutcome.Ok(result, MonitoringJsonContext.Default.ProcessListResult);
    }
}
