using Monitoring.Agent;

namespace Monitoring.AgentHost;

/// <summary>Hosts the SDK's <see cref="AgentRuntime"/> for the life of the process.</summary>
internal sealed partial class AgentService(AgentRuntimeOptions options, ILogger<AgentRuntime> logger, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var runtime = new AgentRuntime(options, logger);
            await runtime.RunAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
        {
            LogCannotRun(logger, ex.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The agent cannot run: {Reason}")]
    private static partial void LogCannotRun(ILogger logger, string reason);
}
