using System.Globalization;
using System.Text;
using Monitoring.Files;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Client;

/// <summary>The admin API of a manager: the fleet, metric history and alerts. Thread-safe; reuse one instance.</summary>
public sealed partial class ManagerClient : IDisposable
{
    private readonly ApiTransport _transport;

    /// <summary>Creates a client; <see cref="ManagerConnectionOptions.Token"/> must be an admin key.</summary>
    /// <exception cref="ArgumentException">
    /// The address is plain HTTP to a remote host and <see cref="ManagerConnectionOptions.AllowUnencryptedRemote"/> is not set.
    /// </exception>
    public ManagerClient(ManagerConnectionOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        if (options.IsUnencryptedRemote && !options.AllowUnencryptedRemote)
        {
            throw new ArgumentException(
                $"{options.BaseAddress} is plain HTTP to a remote address: the admin key would cross the network unencrypted. " +
                "Use https://, or set AllowUnencryptedRemote if a trusted network or a TLS proxy makes that acceptable.",
                nameof(options));
        }

        _transport = new ApiTransport(options, ApiTransport.BuildPipeline(options)) { Token = options.Token };
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

    /// <summary>
    /// An agent's metrics over a range, from the tier that fits it: raw snapshots, 1-minute or 1-hour rollups, each
    /// point with every metric's minimum, average and maximum. The answer's <see cref="MetricSeries.Tier"/> names the tier used.
    /// </summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="from">The range's start.</param>
    /// <param name="to">The range's end.</param>
    /// <param name="step"><c>raw</c>, <c>1m</c>, <c>1h</c>, or null for the finest tier that keeps the range to about a thousand points.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<MetricSeries> GetSeriesAsync(string agentId, DateTimeOffset from, DateTimeOffset to, string? step = null, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(
            HttpMethod.Get, ApiRoutes.ForAgentSeries(agentId) + Query(("from", Iso(from)), ("to", Iso(to)), ("step", step)),
            null, MonitoringJsonContext.Default.MetricSeries, null, cancellationToken);

    /// <summary>Alert transitions, newest first.</summary>
    /// <param name="agentId">Only this agent's, when given.</param>
    /// <param name="limit">At most this many; the manager's default (100) when null.</param>
    /// <param name="state">Only firing or only resolved transitions.</param>
    /// <param name="severity">Only this severity.</param>
    /// <param name="since">Only transitions at or after this time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(
        string? agentId = null, int? limit = null, AlertState? state = null, AlertSeverity? severity = null, DateTimeOffset? since = null,
        CancellationToken cancellationToken = default)
    {
        var path = ApiRoutes.Alerts + Query(
            ("agent", agentId), ("limit", limit?.ToString(CultureInfo.InvariantCulture)),
            ("state", state?.ToString().ToLowerInvariant()), ("severity", severity?.ToString().ToLowerInvariant()), ("since", Iso(since)));
        return await _transport.SendAsync(HttpMethod.Get, path, null, MonitoringJsonContext.Default.ListAlertRecord, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that the admin has seen an alert.</summary>
    public Task<AlertRecord> AcknowledgeAlertAsync(long alertId, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(
            HttpMethod.Post, ApiRoutes.Alerts + "/" + alertId.ToString(CultureInfo.InvariantCulture) + "/acknowledge", null,
            MonitoringJsonContext.Default.AlertRecord, null, cancellationToken);

    /// <summary>Silences alerts of matching agents and rules (wildcards; null matches all) until <paramref name="until"/>.</summary>
    public Task<Silence> AddSilenceAsync(string? agent, string? rule, DateTimeOffset until, string? reason = null, CancellationToken cancellationToken = default)
    {
        var silence = new Silence { Agent = agent, Rule = rule, Until = until, Reason = reason };
        return _transport.SendAsync(
            HttpMethod.Post, ApiRoutes.Silences, () => ApiTransport.Json(silence, MonitoringJsonContext.Default.Silence),
            MonitoringJsonContext.Default.Silence, null, cancellationToken);
    }

    /// <summary>Every silence, ended ones included.</summary>
    public async Task<IReadOnlyList<Silence>> GetSilencesAsync(CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(HttpMethod.Get, ApiRoutes.Silences, null, MonitoringJsonContext.Default.ListSilence, null, cancellationToken).ConfigureAwait(false);

    /// <summary>Ends a silence now.</summary>
    public async Task RemoveSilenceAsync(string silenceId, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendRawAsync(HttpMethod.Delete, ApiRoutes.Silences + "/" + Uri.EscapeDataString(silenceId), null, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The fleet-wide threshold rules.</summary>
    public Task<ThresholdsDocument> GetThresholdsAsync(CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Get, ApiRoutes.Thresholds, null, MonitoringJsonContext.Default.ThresholdsDocument, null, cancellationToken);

    /// <summary>Replaces the fleet-wide threshold rules; the manager refuses invalid YAML with the position of the error.</summary>
    public Task<ThresholdsDocument> SetThresholdsAsync(string yaml, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(
            HttpMethod.Put, ApiRoutes.Thresholds,
            () => new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"),
            MonitoringJsonContext.Default.ThresholdsDocument, null, cancellationToken);

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

    /// <summary>Uploads a local file to the manager's store; an interrupted upload of the same file resumes.</summary>
    /// <param name="path">The local file.</param>
    /// <param name="progress">Receives progress a few times a second and once at the end.</param>
    /// <param name="cancellationToken">Stops the upload; running it again resumes.</param>
    public Task<FileRecord> UploadFileAsync(string path, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        return FileTransfer.UploadAsync(_transport, full, Path.GetFileName(full), full, progress, Options.TimeProvider, cancellationToken);
    }

    /// <summary>
    /// Downloads a stored file. It lands in a hidden temporary file beside <paramref name="destination"/>, is
    /// verified against its SHA-256, then renamed into place; an interrupted download resumes when run again.
    /// </summary>
    /// <exception cref="IOException">The destination exists and <paramref name="overwrite"/> is false.</exception>
    /// <exception cref="MonitoringApiException">With code <see cref="ErrorCodes.ChecksumMismatch"/> when the bytes are corrupted.</exception>
    public async Task<FileRecord> DownloadFileAsync(
        string fileId, string destination, bool overwrite = false, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default) =>
        (await FileTransfer.DownloadAsync(_transport, fileId, Path.GetFullPath(destination), overwrite, null, progress, Options.TimeProvider, cancellationToken).ConfigureAwait(false)).Record;

    /// <summary>
    /// Fetches a file from an agent in one step: asks it to <c>send_file</c> into the store, then downloads it.
    /// Running it again after an interruption reuses what already arrived on both legs.
    /// </summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="remotePath">The full path on the agent; it must be inside the agent's files.read folders.</param>
    /// <param name="destination">The local file to write.</param>
    /// <param name="overwrite">Replace an existing destination.</param>
    /// <param name="timeout">How long the agent may take to upload (default 10 minutes).</param>
    /// <param name="progress">Progress of the download leg.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="MonitoringApiException">The agent refused or failed; the message is the agent's reason.</exception>
    public async Task<FileRecord> ReceiveFileFromAgentAsync(
        string agentId, string remotePath, string destination, bool overwrite = false, TimeSpan? timeout = null,
        IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (File.Exists(destination) && !overwrite)
        {
            throw new IOException($"'{destination}' already exists; choose another destination or allow overwriting.");
        }

        var command = await InvokeCommandAsync(
            agentId, CommandNames.SendFile, [new("path", remotePath)], timeout ?? TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        var sent = Outcome(command, MonitoringJsonContext.Default.SendFileResult);
        return await DownloadFileAsync(sent.FileId, destination, overwrite, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a local file to an agent: uploads it to the store, then has the agent <c>receive_file</c> it, verify it
    /// and put it in place. Running it again after an interruption reuses what already arrived on both legs.
    /// </summary>
    /// <param name="agentId">The agent.</param>
    /// <param name="localPath">The local file.</param>
    /// <param name="remotePath">The full path to write on the agent; it must be inside the agent's files.write folders.</param>
    /// <param name="overwrite">Let the agent replace an existing file.</param>
    /// <param name="timeout">How long the agent may take to download (default 10 minutes).</param>
    /// <param name="progress">Progress of the upload leg.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="MonitoringApiException">The agent refused or failed; the message is the agent's reason.</exception>
    public async Task<ReceiveFileResult> SendFileToAgentAsync(
        string agentId, string localPath, string remotePath, bool overwrite = false, TimeSpan? timeout = null,
        IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var stored = await UploadFileAsync(localPath, progress, cancellationToken).ConfigureAwait(false);
        var command = await InvokeCommandAsync(
            agentId,
            CommandNames.ReceiveFile,
            [new("fileId", stored.Id), new("path", remotePath), new("overwrite", overwrite)],
            timeout ?? TimeSpan.FromMinutes(10),
            cancellationToken).ConfigureAwait(false);
        return Outcome(command, MonitoringJsonContext.Default.ReceiveFileResult);
    }

    /// <summary>The manager's file store, newest first.</summary>
    public async Task<IReadOnlyList<FileRecord>> GetFilesAsync(int? limit = null, CancellationToken cancellationToken = default) =>
        await _transport.SendAsync(
            HttpMethod.Get, ApiRoutes.Files + Query(("limit", limit?.ToString(CultureInfo.InvariantCulture))), null,
            MonitoringJsonContext.Default.ListFileRecord, null, cancellationToken).ConfigureAwait(false);

    /// <summary>One stored file's record.</summary>
    public Task<FileRecord> GetFileAsync(string fileId, CancellationToken cancellationToken = default) =>
        _transport.SendAsync(HttpMethod.Get, ApiRoutes.ForFile(fileId), null, MonitoringJsonContext.Default.FileRecord, null, cancellationToken);

    /// <summary>Removes a file from the store.</summary>
    public async Task DeleteFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        using var response = await _transport.SendRawAsync(HttpMethod.Delete, ApiRoutes.ForFile(fileId), null, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _transport.Dispose();

    private static T Outcome<T>(CommandRecord command, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (command.Status == CommandStatus.Succeeded && command.Result is { } result)
        {
            return System.Text.Json.JsonSerializer.Deserialize(result, type)!;
        }

        var why = command.Status switch
        {
            CommandStatus.Queued => $"agent '{command.AgentId}' did not pick the command up in time; it stays queued until {command.ExpiresAt:u} (command {command.Id}).",
            _ => command.Error ?? command.Status.ToString(),
        };
        throw new MonitoringApiException(
            $"{command.Name} on agent '{command.AgentId}' {Word(command.Status)}: {why}", null, WireNames.Of(command.Status, MonitoringJsonContext.Default.CommandStatus));
    }

    private static string Word(CommandStatus status) => status switch
    {
        CommandStatus.Queued => "is still queued",
        CommandStatus.TimedOut => "timed out",
        CommandStatus.Expired => "expired",
        _ => "failed",
    };

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
