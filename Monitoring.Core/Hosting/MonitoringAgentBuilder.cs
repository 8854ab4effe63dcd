#if NET
using System.Diagnostics.CodeAnalysis;
#endif
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Monitoring.Agent;
using Monitoring.Commands;

namespace Monitoring.Hosting;

/// <summary>
/// Adds to the agent that <c>services.AddMonitoringAgent(...)</c> registered: command handlers from the container,
/// and the app's own process and values beside the machine's metrics.
/// </summary>
public sealed class MonitoringAgentBuilder
{
    private readonly List<Action<IServiceProvider, AgentRuntimeOptions>> _steps = [];

    internal MonitoringAgentBuilder(IServiceCollection services) => Services = services;

    /// <summary>The app's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> as a singleton the container builds (so it can take the app's
    /// services) and gives it to the agent, which advertises its command to the manager. A handler with the name of a
    /// built-in command replaces it.
    /// </summary>
#if NET
    public MonitoringAgentBuilder AddCommandHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>()
#else
    public MonitoringAgentBuilder AddCommandHandler<THandler>()
#endif
        where THandler : class, ICommandHandler
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<ICommandHandler, THandler>());
        return this;
    }

    /// <summary>
    /// Reports the app's own process (processor, memory, managed heap, thread pool, start time) in every snapshot, as
    /// <c>application</c>, under <paramref name="name"/> (by default the entry assembly's name).
    /// </summary>
    public MonitoringAgentBuilder ReportApplication(string? name = null, string? version = null)
    {
        _steps.Add((_, options) =>
        {
            var application = options.Application ??= new ApplicationOptions();
            application.Name = name ?? application.Name;
            application.Version = version ?? application.Version;
        });
        return this;
    }

    /// <summary>
    /// Reports a value of the app (a queue's depth, open sessions) by name on every sample, read through the app's
    /// services; implies <see cref="ReportApplication"/>. See <see cref="ApplicationOptions.Values"/> for the rules.
    /// </summary>
    /// <example><c>agent.AddValue("orders.queued", services => services.GetRequiredService&lt;OrderQueue&gt;().Count);</c></example>
    public MonitoringAgentBuilder AddValue(string name, Func<IServiceProvider, double> read)
    {
        if (read is null)
        {
            throw new ArgumentNullException(nameof(read));
        }

        _steps.Add((services, options) => (options.Application ??= new ApplicationOptions()).Values[name] = () => read(services));
        return this;
    }

    /// <summary>Applies the builder's steps after the app's own configuration.</summary>
    internal void Apply(IServiceProvider services, AgentRuntimeOptions options)
    {
        foreach (var step in _steps)
        {
            step(services, options);
        }

        foreach (var handler in services.GetServices<ICommandHandler>())
        {
            if (!options.CommandHandlers.Contains(handler))
            {
                options.CommandHandlers.Add(handler);
            }
        }
    }
}
