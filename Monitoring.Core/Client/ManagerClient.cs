using System.Globalization;
using System.Text;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Client;

/// <summary>The admin API of a manager: the fleet, metric history and alerts. Thread-safe; reuse one instance.</summary>
public sealed class ManagerClient : IDisposable
{
    private readonly ApiTransport _transport;

    /// <summary>Creates a client; <see cref="ManagerConnectionOptions.Token"/> must be an admin token.</summary>
    public ManagerClient(ManagerConnectionOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        _transport = new ApiTransport(options) { Token = options.Token };
        Options = options;
    }

    /// <summary>The options this client was created with.</summary>
    public ManagerConnectionOptions Options { get; }

    /// <summary>Creates a client from the manager's <c>admin.json</c>.</summary>
    public static ManagerClient FromConnectionFile(string path) => new(ManagerConnectionOptions.FromConnectionFile(path));

    /// <summary>True when the manager answers its health check.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _transport.SendRawAsync(HttpMethod.Get, ApiRoutes.Health, null, null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MonitoringApiException)
        {
            return false;
        }
    }

    /// <summary>Every enrolled agent with its status and latest snapshot.</summary>
    public async Task<IReadOnlyList<AgentInfo>> GetAgentsAsync(CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(HttpMethod.Get, ApiRoutes.Agents, null, MonitoringJsonContext.Default.ListAgentInfo, null, cancellationToken).ConfigureAwait(false);

    /// <summary>One agent with its latest snapshot.</summary>
    /// <exception cref="MonitoringApiException">With code <see cref="ErrorCodes.AgentNotFound"/> for an unknown id.</exception>
    public Task<AgentInfo> GetAgentAsync(string agentId, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Get, ApiRoutes.ForAgent(agentId), null, MonitoringJsonContext.Default.AgentInfo, null, cancellationToken);

    /// <summary>An agent's stored snapshots, newest first.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="limit">At most this many; the manager's default (100) when null.</param>
    /// <param name="from">Only snapshots taken at or after this time.</param>
    /// <param name="to">Only snapshots taken at or before this time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<MetricSnapshot>> GetStatusHistoryAsync(
        string agentId, int? limit = null, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
    {
        var path = ApiRoutes.ForAgentStatus(agentId) + Query(("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("from", Iso(from)), ("to", Iso(to)));
        return await _transport.SendAsync(HttpMethod.Get, path, null, MonitoringJsonContext.Default.ListMetricSnapshot, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Alert transitions received from agents, newest first.</summary>
    /// <param name="agentId">Only this agent's, when given.</param>
    /// <param name="limit">At most this many; the manager's default (100) when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(string? agentId = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var path = ApiRoutes.Alerts + Query(("agent", agentId), ("limit", limit?.ToString(CultureInfo.InvariantCulture)));
        return await _transport.SendAsync(HttpMethod.Get, path, null, MonitoringJsonContext.Default.ListAlertRecord, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes an agent and revokes its token; its history stays.</summary>
    public async Task RemoveAgentAsync(string agentId, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendRawAsync(HttpMethod.Delete, ApiRoutes.ForAgent(agentId), null, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a command on an agent and waits for its outcome up to <paramref name="timeout"/> (default 30 s).
    /// The record's status is succeeded, failed or timed_out; it stays queued if the agent did not fetch it in
    /// time (it then expires after its time-to-live).
    /// </summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="name">The command, for example <c>get_process_count</c>.</param>
    /// <param name="arguments">Its arguments: strings, booleans or whole numbers.</param>
    /// <param name="timeout">How long it may run, and how long to wait; 1 s to 1 h.</param>
    /// <param name="cancellationToken">Stops waiting (the command itself still runs).</param>
    /// <exception cref="MonitoringApiException">400 for an unknown command or bad arguments (the message lists what is allowed), 404 for an unknown agent.</exception>
    public Task<CommandRecord> InvokeCommandAsync(
        string agentId, string name, IEnumerable<KeyValuePair<string, object?>>? arguments = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        SendCommandAsync(agentId, new CommandRequest { Name = name, Arguments = CommandArguments.From(arguments), TimeoutSeconds = Seconds(timeout), Wait = true }, cancellationToken);

    /// <summary>Queues a command and returns at once with its id; read the outcome later with <see cref="GetCommandAsync"/>.</summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="name">The command.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="timeout">How long it may run once delivered.</param>
    /// <param name="timeToLive">How long it may wait for an offline agent before it expires (default 15 minutes).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<CommandRecord> SubmitCommandAsync(
        string agentId, string name, IEnumerable<KeyValuePair<string, object?>>? arguments = null, TimeSpan? timeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default) =>
        SendCommandAsync(
            agentId,
            new CommandRequest { Name = name, Arguments = CommandArguments.From(arguments), TimeoutSeconds = Seconds(timeout), TtlSeconds = Seconds(timeToLive), Wait = false },
            cancellationToken);

    /// <summary>Sends a prepared command request.</summary>
    public Task<CommandRecord> SendCommandAsync(string agentId, CommandRequest request, CancellationToken cancellationToken = default)
    {
        // Never retried: a retry could queue the command twice. The manager holds the request up to the timeout.
        var wait = request.Wait != false ? TimeSpan.FromSeconds(request.TimeoutSeconds ?? 30) : TimeSpan.Zero;
        return _transport.SendAsync(
            HttpMethod.Post,
            ApiRoutes.ForAgentCommands(agentId),
            () => ApiTransport.Json(request, MonitoringJsonContext.Default.CommandRequest),
            MonitoringJsonContext.Default.CommandRecord,
            null,
            cancellationToken,
            once: wait + Options.AttemptTimeout);
    }

    /// <summary>One command's audit record and outcome.</summary>
    public Task<CommandRecord> GetCommandAsync(string commandId, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Get, ApiRoutes.ForCommand(commandId), null, MonitoringJsonContext.Default.CommandRecord, null, cancellationToken);

    /// <summary>An agent's command history, newest first.</summary>
    public async Task<IReadOnlyList<CommandRecord>> GetCommandsAsync(string agentId, int? limit = null, CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(
            HttpMethod.Get,
            ApiRoutes.ForAgentCommands(agentId) + Query(("limit", limit?.ToString(CultureInfo.InvariantCulture))),
            null,
            MonitoringJsonContext.Default.ListCommandRecord,
            null,
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public void Dispose() => _transport.Dispose();

    private static int? Seconds(TimeSpan? t) => t is { } v ? (int)Math.Ceiling(v.TotalSeconds) : null;

    private static string? Iso(DateTimeOffset? t) => t?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    internal static string Query(params (string Name, string? Value)[] parameters)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            sb.Append(sb.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }

        return sb.ToString();
    }
}
