using System.Text.Json;
using Monitoring.Files;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Client;

/// <summary>The agent side of the protocol: enroll, report snapshots, send alert transitions.</summary>
public sealed class AgentConnection : IDisposable
{
    private readonly ApiTransport _transport;

    /// <summary>The report's body buffer, kept from one report to the next.</summary>
    private readonly ReusableJsonBody _reportBody = new();

    /// <summary>Creates a connection; <see cref="ManagerConnectionOptions.Token"/> is the agent token once enrolled.</summary>
    public AgentConnection(ManagerConnectionOptions options)
        : this(options, ApiTransport.BuildPipeline(options ?? throw new ArgumentNullException(nameof(options))))
    {
    }

    /// <summary>
    /// A connection whose requests go through <paramref name="pipeline"/>, or without one are sent once within the
    /// attempt timeout: what the agent runtime uses, since its spool is its retry.
    /// </summary>
    internal AgentConnection(ManagerConnectionOptions options, Polly.ResiliencePipeline<HttpResponseMessage>? pipeline, ManagerAddresses? addresses = null)
    {
        _transport = new ApiTransport(options, pipeline, addresses) { Token = options.Token };
        Options = options;
    }

    /// <summary>The manager this connection talks to now (one of <see cref="ManagerConnectionOptions.AlternateAddresses"/> after a failover).</summary>
    public Uri Manager => _transport.BaseAddress;

    /// <summary>The options this connection was created with.</summary>
    public ManagerConnectionOptions Options { get; }

    /// <summary>The agent token used for reports; set after enrollment.</summary>
    public string? Token
    {
        get => _transport.Token;
        set => _transport.Token = value;
    }

    /// <summary>
    /// Registers the agent. With the fleet's enrollment token as <paramref name="credential"/> the answer carries a
    /// new agent token; with the agent's own token it refreshes the registration and carries none.
    /// </summary>
    public Task<RegisterResponse> RegisterAsync(RegisterRequest request, string credential, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(
            HttpMethod.Post,
            ApiRoutes.Register,
            () => ApiTransport.Json(request, MonitoringJsonContext.Default.RegisterRequest),
            MonitoringJsonContext.Default.RegisterResponse,
            credential,
            cancellationToken);

    /// <summary>Posts snapshots; the answer comes once they are durable. Replayed sequence numbers are ignored by the manager.</summary>
    public async Task<StatusAck> ReportAsync(string agentId, IReadOnlyList<MetricSnapshot> snapshots, CancellationToken cancellationToken = default)
    {
        var batch = snapshots as List<MetricSnapshot> ?? [.. snapshots];
        var reuse = _reportBody.TryAcquire();
        try
        {
            return await _transport.SendAsync(
                HttpMethod.Post,
                ApiRoutes.ForAgentStatus(agentId),
                () => reuse
                    ? _reportBody.Content(batch, MonitoringJsonContext.Default.ListMetricSnapshot)
                    : ApiTransport.Json(batch, MonitoringJsonContext.Default.ListMetricSnapshot),
                MonitoringJsonContext.Default.StatusAck,
                null,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (reuse)
            {
                _reportBody.Release();
            }
        }
    }

    /// <summary>Posts alert transitions.</summary>
    public Task<AlertsAck> SendAlertsAsync(string agentId, IReadOnlyList<AlertTransition> transitions, CancellationToken cancellationToken = default)
    {
        var batch = transitions as List<AlertTransition> ?? [.. transitions];
        return _transport.SendAsync(
            HttpMethod.Post,
            ApiRoutes.ForAgentAlerts(agentId),
            () => ApiTransport.Json(batch, MonitoringJsonContext.Default.ListAlertTransition),
            MonitoringJsonContext.Default.AlertsAck,
            null,
            cancellationToken);
    }

    /// <summary>
    /// Long-polls for the next command: answers as soon as one is queued, or null after <paramref name="wait"/>.
    /// Commands in <paramref name="running"/> are not handed out again.
    /// </summary>
    public async Task<CommandDelivery?> NextCommandAsync(
        string agentId, IReadOnlyCollection<string> running, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var path = ApiRoutes.ForNextCommand(agentId) + ManagerClient.Query(
            ("wait", ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("running", running.Count == 0 ? null : string.Join(",", running)));
        using var response = await _transport.SendRawAsync(HttpMethod.Get, path, null, null, cancellationToken, once: wait + TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        return response.StatusCode == System.Net.HttpStatusCode.NoContent
            ? null
            : await _transport.ReadAsync(response, MonitoringJsonContext.Default.CommandDelivery, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How long a command stream may stay silent before it is taken for lost: twice the longest heartbeat.</summary>
    public static readonly TimeSpan CommandStreamIdleTimeout = TimeSpan.FromSeconds(2 * ApiRoutes.MaxStreamHeartbeatSeconds);

    /// <summary>
    /// Opens the agent's command stream and calls <paramref name="onCommand"/> with each command as the manager hands
    /// it out, in order; returns when the manager ends the stream (after its lifetime, or because a newer stream or
    /// poll replaced it). Commands in <paramref name="running"/> are not handed out again. Throws
    /// <see cref="MonitoringApiException"/> when the stream cannot be opened or goes silent for
    /// <see cref="CommandStreamIdleTimeout"/>. A held stream costs the manager far less than a long-poll renewed every
    /// wait (<see cref="NextCommandAsync"/>), which it replaces.
    /// </summary>
    public async Task StreamCommandsAsync(
        string agentId, IReadOnlyCollection<string> running, Func<CommandDelivery, CancellationToken, Task> onCommand, CancellationToken cancellationToken = default)
    {
        if (onCommand is null)
        {
            throw new ArgumentNullException(nameof(onCommand));
        }

        var path = ApiRoutes.ForCommandStream(agentId) + ManagerClient.Query(("running", running.Count == 0 ? null : string.Join(",", running)));
        using var response = await _transport.SendRawAsync(HttpMethod.Get, path, null, null, cancellationToken, once: Options.AttemptTimeout).ConfigureAwait(false);
#if NET
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
#else
        var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        using var reader = new StreamReader(body, System.Text.Encoding.UTF8, false, 4096);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
#if !NET
        // ReadLineAsync takes no token here: closing the response ends a read that waits.
        using var unblock = idle.Token.Register(response.Dispose);
#endif
        while (true)
        {
            idle.CancelAfter(CommandStreamIdleTimeout);
            string? line;
            try
            {
#if NET
                line = await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
#else
                line = await reader.ReadLineAsync().ConfigureAwait(false);
#endif
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException
                && !cancellationToken.IsCancellationRequested)
            {
                var why = idle.IsCancellationRequested
                    ? $"no line for {CommandStreamIdleTimeout.TotalSeconds:0} s (the manager sends a heartbeat at least every {ApiRoutes.MaxStreamHeartbeatSeconds} s)"
                    : ex.Message;
                throw new MonitoringApiException(
                    $"The command stream from {Manager} was lost: {why}. The agent opens it again.", null, MonitoringApiException.UnreachableCode, inner: ex);
            }

            if (line is null)
            {
                return;
            }

            if (line.Length > 0)
            {
                await onCommand(JsonSerializer.Deserialize(line, MonitoringJsonContext.Default.CommandDelivery)!, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reports a command's result. False when the manager already has a final outcome for it (409).</summary>
    public async Task<bool> PostCommandResultAsync(string agentId, string commandId, CommandResult result, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _transport.SendRawAsync(
                HttpMethod.Post,
                ApiRoutes.ForCommandResult(agentId, commandId),
                () => ApiTransport.Json(result, MonitoringJsonContext.Default.CommandResult),
                null,
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (MonitoringApiException ex) when (ex.StatusCode == 409)
        {
            return false;
        }
    }

    /// <summary>The manager's central threshold rules.</summary>
    public Task<ThresholdsDocument> GetThresholdsAsync(CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Get, ApiRoutes.Thresholds, null, MonitoringJsonContext.Default.ThresholdsDocument, null, cancellationToken);

    /// <summary>Uploads a file from this machine into the manager's store; an interrupted upload of the same file resumes.</summary>
    /// <param name="path">The full path of the file.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="cancellationToken">Stops the upload.</param>
    public Task<FileRecord> UploadFileAsync(string path, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default) =>
        FileTransfer.UploadAsync(_transport, path, Path.GetFileName(path), path, progress, Options.TimeProvider, cancellationToken);

    /// <summary>Downloads a file the manager offers this agent, verified, into <paramref name="destination"/>.</summary>
    /// <returns>The file's record and how many bytes an earlier interrupted attempt had already fetched.</returns>
    public Task<(FileRecord Record, long ResumedFrom)> DownloadFileAsync(
        string fileId, string destination, bool overwrite, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default) =>
        FileTransfer.DownloadAsync(_transport, fileId, destination, overwrite, null, progress, Options.TimeProvider, cancellationToken);

    /// <summary>Downloads into an agent's write folder: every file written is checked on its open handle to be inside <paramref name="roots"/>.</summary>
    internal Task<(FileRecord Record, long ResumedFrom)> DownloadFileAsync(
        string fileId, string destination, bool overwrite, IReadOnlyList<string> roots, CancellationToken cancellationToken) =>
        FileTransfer.DownloadAsync(_transport, fileId, destination, overwrite, roots, null, Options.TimeProvider, cancellationToken);

    /// <summary>Uploads from a stream the caller opened and checked, so the bytes sent are those of the checked file.</summary>
    internal Task<FileRecord> UploadFileAsync(FileStream stream, string path, CancellationToken cancellationToken) =>
        FileTransfer.UploadAsync(_transport, stream, Path.GetFileName(path), path, null, Options.TimeProvider, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _transport.Dispose();
}
