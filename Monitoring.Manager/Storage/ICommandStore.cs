using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>Commands: the durable queue, delivery, outcomes and the audit trail. Every write returns only once it is committed.</summary>
internal interface ICommandStore
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>
    /// Stores a new command and returns once it is durable, or only committed when <paramref name="durable"/> is false
    /// (a kill -9 cannot lose it, a power cut can). <paramref name="visible"/>, when given, runs as soon as every reader
    /// sees the command, which may be before it is on disk: the agent's stream can take it while the disk syncs (a power
    /// cut in between loses the record of a command the agent received, never a process crash).
    /// </summary>
    Task InsertCommandAsync(CommandRecord command, CancellationToken ct, Action? visible = null, bool durable = true);

    Task<CommandRecord?> GetCommandAsync(string id, CancellationToken ct);

    /// <summary>An agent's commands, newest first.</summary>
    Task<IReadOnlyList<CommandRecord>> ListCommandsAsync(string agentId, int limit, CancellationToken ct);

    /// <summary>Every agent's commands together, newest first.</summary>
    Task<IReadOnlyList<CommandRecord>> ListRecentCommandsAsync(int limit, CancellationToken ct);

    /// <summary>
    /// The agent's oldest open command not in <paramref name="skip"/>, marked delivered. A command delivered before
    /// but never answered is handed out again: the agent answers a repeat from its own record without running it.
    /// </summary>
    Task<CommandRecord?> DeliverNextAsync(string agentId, IReadOnlyCollection<string> skip, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Marks a queued command delivered (a command handed to the agent's stream from memory, once it is written there).
    /// Committed, not waited onto disk; a failure leaves it queued, to be delivered again.
    /// </summary>
    Task MarkDeliveredAsync(string id, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Sets a final outcome if the command is <paramref name="agentId"/>'s and has none yet; null if it is unknown,
    /// another agent's or already final. Returns once the
    /// outcome is durable; <paramref name="visible"/>, when given, is called with the final record as soon as every
    /// reader sees it (committed, not yet synced to disk): an outcome lost with a power cut leaves the command delivered,
    /// and the agent answers its redelivery from its own record with the same outcome.
    /// </summary>
    Task<CommandRecord?> CompleteCommandAsync(
        string agentId, string id, CommandStatus status, System.Text.Json.JsonElement? result, string? error, DateTimeOffset now, CancellationToken ct, Action<CommandRecord>? visible = null);

    /// <summary>Expires undelivered commands past their time-to-live and times out delivered ones past their timeout.</summary>
    Task<IReadOnlyList<CommandRecord>> ExpireCommandsAsync(DateTimeOffset now, TimeSpan grace, CancellationToken ct);

    /// <summary>Deletes finished commands (their audit records) that ended before <paramref name="cutoff"/>, in bounded batches.</summary>
    Task<int> PurgeCommandsAsync(DateTimeOffset cutoff, CancellationToken ct);
}
