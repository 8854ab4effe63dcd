using System.Reflection;

namespace Monitoring.Agent;

/// <summary>
/// What an app that embeds the agent reports about itself (<see cref="AgentRuntimeOptions.Application"/>): its own
/// process (processor, memory, managed heap, thread pool) and values it reads on each sample.
/// </summary>
public sealed class ApplicationOptions
{
    /// <summary>The app's name; by default its entry assembly's name. Letters, digits, '.', '_' and '-', as agent ids.</summary>
    public string Name { get; set; } = AgentIds.FromHostName(Assembly.GetEntryAssembly()?.GetName().Name ?? "app");

    /// <summary>The app's version; by default its entry assembly's informational version (its build metadata left off).</summary>
    public string? Version { get; set; } = EntryVersion();

    /// <summary>
    /// Values read on each sample, by name (the agent id rule: letters, digits, '.', '_' and '-'); at most
    /// <see cref="Metrics.ApplicationMetrics.MaxValues"/>. Each becomes the series <c>app.value:NAME</c>, the target
    /// of <c>app.value</c> rules and a sample of <c>monitoring_agent_app_value</c>. A reader that throws or returns
    /// a value that is not a finite number is left out of that snapshot (and logged once). Readers run on every sample,
    /// on the agent's reporting path: read a counter the app keeps, never do I/O or wait in one.
    /// </summary>
    public IDictionary<string, Func<double>> Values { get; } = new Dictionary<string, Func<double>>(StringComparer.Ordinal);

    /// <summary>Checks the options and throws with a message that says what to fix.</summary>
    /// <exception cref="ArgumentException">The name, a value's name, or the number of values is not allowed.</exception>
    public void Validate()
    {
        if (!AgentIds.IsValid(Name))
        {
            throw new ArgumentException(
                $"The application name '{Name}' is not valid: use 1 to {AgentIds.MaxLength} letters, digits, '.', '_' or '-', starting with a letter or digit.", nameof(Name));
        }

        if (Version?.Length > AgentIds.MaxLength)
        {
            throw new ArgumentException($"The application version is longer than {AgentIds.MaxLength} characters.", nameof(Version));
        }

        if (Values.Count > Metrics.ApplicationMetrics.MaxValues)
        {
            throw new ArgumentException($"The application reports {Values.Count} values; at most {Metrics.ApplicationMetrics.MaxValues} are allowed.", nameof(Values));
        }

        foreach (var value in Values)
        {
            if (!AgentIds.IsValid(value.Key) || value.Value is null)
            {
                throw new ArgumentException(
                    $"The application value '{value.Key}' needs a name of 1 to {AgentIds.MaxLength} letters, digits, '.', '_' or '-' (starting with a letter or digit) and a reader.", nameof(Values));
            }
        }
    }

    private static string? EntryVersion()
    {
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var plus = version?.IndexOf('+') ?? -1;
        return plus > 0 ? version!.Substring(0, plus) : version;
    }
}
