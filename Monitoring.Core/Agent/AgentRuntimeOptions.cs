using Monitoring.Commands;
using Monitoring.Files;
using Monitoring.Metrics;

namespace Monitoring.Agent;

/// <summary>Settings of an <see cref="AgentRuntime"/>.</summary>
public sealed class AgentRuntimeOptions
{
    /// <summary>The manager's base URL.</summary>
    /// <value>Defaults to <c>https://127.0.0.1:5000</c>.</value>
    public Uri ManagerUrl { get; set; } = new("https://127.0.0.1:5000");

    /// <summary>
    /// Other managers serving the same fleet (sharing one PostgreSQL). The agent prefers one of all the managers by its
    /// id (so a fleet spreads over them), moves to the next when the one in use stops answering, keeping its spool and
    /// sequence numbers, and returns to its preferred one a few minutes later.
    /// </summary>
    public IReadOnlyList<Uri> AlternateManagerUrls { get; set; } = [];

    /// <summary>The agent's id: letters, digits, '.', '_' and '-'.</summary>
    /// <value>Defaults to the host name.</value>
    public string AgentId { get; set; } = Environment.MachineName;

    /// <summary>The fleet's enrollment token; needed only until the agent has its own token.</summary>
    public string? EnrollmentToken { get; set; }

    /// <summary>The SHA-256 thumbprint of the manager's certificate to pin; null trusts the system store.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>Where the agent keeps its token, sequence numbers and spool (created owner-only).</summary>
    public string StateDirectory { get; set; } = "agent-state";

    /// <summary>How often a snapshot is collected and reported.</summary>
    /// <value>Defaults to 10 seconds.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Labels sent with the registration.</summary>
    public IDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The most unacknowledged snapshots kept while the manager is unreachable; the oldest go first.</summary>
    /// <value>Defaults to 8640 (a day at the default interval).</value>
    public int SpoolCapacity { get; set; } = 8640;

    /// <summary>The most snapshots sent in one request when replaying the spool.</summary>
    /// <value>Defaults to 200.</value>
    public int BatchSize { get; set; } = 200;

    /// <summary>Local threshold rules; the shipped defaults when null and no <see cref="ThresholdsFile"/> is given.</summary>
    public IReadOnlyList<Alerts.ThresholdRule>? Thresholds { get; set; }

    /// <summary>A YAML file of threshold rules (a list, or a mapping with <c>thresholds</c>), reloaded when it changes.</summary>
    public string? ThresholdsFile { get; set; }

    /// <summary>Settings of the built-in commands (restart permission, log sources).</summary>
    public CommandHandlerOptions Commands { get; set; } = new();

    /// <summary>The folders send_file may read and receive_file may write; none by default.</summary>
    public FilePolicy Files { get; set; } = new();

    /// <summary>Commands of the embedding app, in addition to (or replacing, by name) the built-in ones.</summary>
    public IList<ICommandHandler> CommandHandlers { get; set; } = [];

    /// <summary>How many commands may run at once.</summary>
    /// <value>Defaults to 4.</value>
    public int MaxConcurrentCommands { get; set; } = 4;

    /// <summary>How long one long-poll for commands waits before it is renewed: used only against a manager without the command stream.</summary>
    /// <value>Defaults to 50 seconds (<see cref="Protocol.ApiRoutes.DefaultPollWaitSeconds"/>).</value>
    public TimeSpan CommandPollWait { get; set; } = TimeSpan.FromSeconds(Protocol.ApiRoutes.DefaultPollWaitSeconds);

    /// <summary>The agent's version as reported to the manager.</summary>
    public string AgentVersion { get; set; } = Protocol.ApiVersion.SdkVersion;

    /// <summary>The collector to use; the one for this operating system when null.</summary>
    public IMetricCollector? Collector { get; set; }

    /// <summary>What the collector for this operating system reads beyond its own counters (GPUs, temperatures); unused with <see cref="Collector"/>.</summary>
    public MetricCollectorOptions Metrics { get; set; } = new();

    /// <summary>
    /// The app that embeds this agent, reported beside the machine's metrics (its process and its own values); null,
    /// the default, for a standalone agent that reports the machine only.
    /// </summary>
    public ApplicationOptions? Application { get; set; }

    /// <summary>The clock; <see cref="TimeProvider.System"/> by default.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Checks the options and throws with a message that says what to fix.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public void Validate()
    {
        if (!AgentIds.IsValid(AgentId))
        {
            throw new ArgumentException(
                $"The agent id '{AgentId}' is not valid: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit.", nameof(AgentId));
        }

        if (ManagerUrl is null || !ManagerUrl.IsAbsoluteUri || (ManagerUrl.Scheme != Uri.UriSchemeHttps && ManagerUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The manager URL '{ManagerUrl}' must be an absolute http:// or https:// URL.", nameof(ManagerUrl));
        }

        foreach (var url in AlternateManagerUrls ?? [])
        {
            if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                throw new ArgumentException($"The manager URL '{url}' must be an absolute http:// or https:// URL.", nameof(AlternateManagerUrls));
            }
        }

        if (Interval < TimeSpan.FromMilliseconds(100) || Interval > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"The interval {Interval} is out of range: use 100ms to 1h.", nameof(Interval));
        }

        if (SpoolCapacity < 1 || BatchSize < 1 || MaxConcurrentCommands < 1)
        {
            throw new ArgumentException("SpoolCapacity, BatchSize and MaxConcurrentCommands must be at least 1.");
        }

        if (CommandPollWait < TimeSpan.FromSeconds(1) || CommandPollWait > TimeSpan.FromSeconds(Protocol.ApiRoutes.MaxPollWaitSeconds))
        {
            throw new ArgumentException($"CommandPollWait {CommandPollWait} is out of range: use 1 to {Protocol.ApiRoutes.MaxPollWaitSeconds} seconds.", nameof(CommandPollWait));
        }

        Application?.Validate();

        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            throw new ArgumentException("A state directory is required: the agent keeps its token there.", nameof(StateDirectory));
        }
    }
}
