using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Monitoring.Agent;
using Monitoring.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Embeds a Monitoring agent in an app built on the .NET generic host.</summary>
public static class MonitoringAgentServiceCollectionExtensions
{
    /// <summary>
    /// Runs an agent for the life of the host: it enrolls, reports this machine's metrics (and, through the returned
    /// builder, the app's own process and values), raises alerts and runs the manager's commands. Logs go to the
    /// host's logging; the clock is the container's <see cref="TimeProvider"/> where it has one.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Sets the manager, the enrollment token, the pinned certificate, the state directory and the
    /// id; it may read the app's services (<c>IConfiguration</c>, for example).</param>
    /// <exception cref="InvalidOperationException">An agent is registered already: one per process.</exception>
    public static MonitoringAgentBuilder AddMonitoringAgent(this IServiceCollection services, Action<IServiceProvider, AgentRuntimeOptions> configure)
    {
        if (services is null || configure is null)
        {
            throw new ArgumentNullException(services is null ? nameof(services) : nameof(configure));
        }

        if (services.Any(d => d.ServiceType == typeof(MonitoringAgentService)))
        {
            throw new InvalidOperationException(
                "AddMonitoringAgent was called twice: a process runs one agent (one id, one state directory). Configure it in one call.");
        }

        var builder = new MonitoringAgentBuilder(services);
        services.AddSingleton(provider =>
        {
            var options = new AgentRuntimeOptions { TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System };
            configure(provider, options);
            builder.Apply(provider, options);
            var logger = provider.GetService<ILoggerFactory>()?.CreateLogger<AgentRuntime>() ?? NullLogger<AgentRuntime>.Instance;
            return new MonitoringAgentService(options, logger);
        });
        services.AddHostedService(provider => provider.GetRequiredService<MonitoringAgentService>());
        return builder;
    }

    /// <inheritdoc cref="AddMonitoringAgent(IServiceCollection, Action{IServiceProvider, AgentRuntimeOptions})" />
    public static MonitoringAgentBuilder AddMonitoringAgent(this IServiceCollection services, Action<AgentRuntimeOptions> configure)
    {
        if (configure is null)
        {
            throw new ArgumentNullException(nameof(configure));
        }

        return services.AddMonitoringAgent((_, options) => configure(options));
    }
}
