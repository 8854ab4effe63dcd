using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Monitoring.Agent;

namespace Monitoring.Hosting;

/// <summary>
/// The embedded agent as a hosted service of the generic host: it runs the <see cref="AgentRuntime"/> from the
/// host's start to its stop. Registered by <c>services.AddMonitoringAgent(...)</c>; resolve it to read the agent's
/// state (connected, spooled, rejected) in a health check.
/// </summary>
public sealed class MonitoringAgentService : BackgroundService
{
    /// <summary>Creates the service and its runtime; the options are checked here, so a wrong one stops the host's start.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message says which and how to fix it.</exception>
    internal MonitoringAgentService(AgentRuntimeOptions options, ILogger<AgentRuntime> logger)
    {
        Options = options;
        Runtime = new AgentRuntime(options, logger);
    }

    /// <summary>The agent itself: <see cref="AgentRuntime.IsConnected"/>, <see cref="AgentRuntime.SpooledCount"/>, <see cref="AgentRuntime.Rejection"/>.</summary>
    public AgentRuntime Runtime { get; }

    /// <summary>The options the agent runs with, after every configuration step (read them, do not change them).</summary>
    public AgentRuntimeOptions Options { get; }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Runtime.RunAsync(stoppingToken);

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        Runtime.Dispose();
    }
}
