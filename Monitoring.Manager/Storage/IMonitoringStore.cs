using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>An enrolled agent as stored: identity, token hash and what it said about itself.</summary>
internal sealed record StoredAgent
{
    public string Id { get; init; } = "";

    public string TokenHash { get; init; } = "";

    public string? Hostname { get; init; }

    public string? Os { get; init; }

    public string? OsVersion { get; init; }

    public string? AgentVersion { get; init; }

    public double IntervalSeconds { get; init; }

    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public DateTimeOffset RegisteredAt { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    public long LastSeq { get; init; }

    public string? Address { get; init; }

    /// <summary>Active, pending approval, or reset (its token revoked, its id free to enroll once).</summary>
    public AgentEnrollment Enrollment { get; init; }

    /// <summary>SHA-256 of the installation's instance key; an enrollment for this id with the same key is the same machine retrying.</summary>
    public string? InstanceKeyHash { get; init; }

    /// <summary>The id of the enrollment token the agent enrolled with; its labels are stamped on every registration.</summary>
    public string? EnrolledWith { get; init; }

    /// <summary>The commands the agent advertised when it registered; null for an agent that advertised none.</summary>
    public IReadOnlyList<CommandDefinition>? Commands { get; init; }
}

/// <summary>Filters for listing alerts.</summary>
internal sealed record AlertQuery(string? AgentId, AlertState? State, AlertSeverity? Severity, DateTimeOffset? Since, int Limit);

/// <summary>The result of appending a batch: what was new, what was a replay, and the agent's highest stored seq.</summary>
internal readonly record struct AppendResult(int Accepted, int Duplicates, long LastSeq);

/// <summary>The manager's durable state. Every write returns only once it is committed.</summary>
internal interface IMonitoringStore : IDisposable
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Every agent with its latest snapshot, for the in-memory fleet at start-up.</summary>
    Task<IReadOnlyList<(StoredAgent Agent, MetricSnapshot? Latest)>> LoadAgentsAsync(CancellationToken ct);

    Task SaveAgentAsync(StoredAgent agent, CancellationToken ct);

    Task<bool> DeleteAgentAsync(string id, CancellationToken ct);

    /// <summary>Stores transitions not seen before (marked silenced where <paramref name="isSilenced"/> says) and returns those, in order.</summary>
    Task<IReadOnlyList<AlertRecord>> AppendAlertsAsync(
        string agentId, IReadOnlyList<AlertTransition> transitions, DateTimeOffset receivedAt, Func<string, AlertTransition, bool> isSilenced, CancellationToken ct);

    Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(AlertQuery query, CancellationToken ct);

    Task<AlertRecord?> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, CancellationToken ct);

    /// <summary>Agents whose latest transition of <paramref name="rule"/> is firing.</summary>
    Task<IReadOnlySet<string>> AgentsWithOpenAlertAsync(string rule, CancellationToken ct);

    Task InsertSilenceAsync(Silence silence, CancellationToken ct);

    Task<IReadOnlyList<Silence>> ListSilencesAsync(CancellationToken ct);

    /// <summary>Ends an active silence now; it stays in the list as history.</summary>
    Task<bool> EndSilenceAsync(string id, DateTimeOffset now, CancellationToken ct);

    Task InsertCommandAsync(CommandRecord command, CancellationToken ct);

    Task<CommandRecord?> GetCommandAsync(string id, CancellationToken ct);

    /// <summary>An agent's commands, newest first.</summary>
    Task<IReadOnlyList<CommandRecord>> ListCommandsAsync(string agentId, int limit, CancellationToken ct);

    /// <summary>
    /// The agent's oldest open command not in <paramref name="skip"/>, marked delivered. A command delivered before
    /// but never answered is handed out again: the agent answers a repeat from its own record without running it.
    /// </summary>
    Task<CommandRecord?> DeliverNextAsync(string agentId, IReadOnlyCollection<string> skip, DateTimeOffset now, CancellationToken ct);

    /// <summary>Sets a final outcome if the command has none yet; null if it is unknown or already final.</summary>
    Task<CommandRecord?> CompleteCommandAsync(string id, CommandStatus status, System.Text.Json.JsonElement? result, string? error, DateTimeOffset now, CancellationToken ct);

    /// <summary>Expires undelivered commands past their time-to-live and times out delivered ones past their timeout.</summary>
    Task<IReadOnlyList<CommandRecord>> ExpireCommandsAsync(DateTimeOffset now, TimeSpan grace, CancellationToken ct);

    Task InsertFileAsync(FileRecord file, CancellationToken ct);

    Task<FileRecord?> GetFileAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<FileRecord>> ListFilesAsync(int limit, CancellationToken ct);

    /// <summary>An upload by the same uploader of the same content from the same place, to resume or reuse.</summary>
    Task<FileRecord?> FindFileAsync(string? agentId, string requestedBy, string origin, string sha256, long size, CancellationToken ct);

    Task MarkFileCompleteAsync(string id, DateTimeOffset now, CancellationToken ct);

    Task<bool> DeleteFileAsync(string id, CancellationToken ct);

    /// <summary>True when an open receive_file command for <paramref name="agentId"/> names the file.</summary>
    Task<bool> IsFileOfferedToAsync(string fileId, string agentId, CancellationToken ct);

    /// <summary>Bytes of stored and uploading files: the agent's (when given) and in all.</summary>
    Task<(long AgentBytes, long TotalBytes)> GetFileUsageAsync(string? agentId, CancellationToken ct);

    /// <summary>Uploads still incomplete that were announced before <paramref name="cutoff"/> (at most 1000).</summary>
    Task<IReadOnlyList<string>> ListStaleUploadsAsync(DateTimeOffset cutoff, CancellationToken ct);

    /// <summary>Deletes alert transitions received before <paramref name="cutoff"/>, in bounded batches.</summary>
    Task<int> PurgeAlertsAsync(DateTimeOffset cutoff, CancellationToken ct);

    /// <summary>Deletes finished commands (their audit records) that ended before <paramref name="cutoff"/>, in bounded batches.</summary>
    Task<int> PurgeCommandsAsync(DateTimeOffset cutoff, CancellationToken ct);

    /// <summary>Deletes silences that ended before <paramref name="cutoff"/>, in bounded batches.</summary>
    Task<int> PurgeSilencesAsync(DateTimeOffset cutoff, CancellationToken ct);
}
