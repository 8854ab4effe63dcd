using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>Alert transitions, their acknowledgements, and silences. Every write returns only once it is committed.</summary>
internal interface IAlertStore
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Stores transitions not seen before (marked silenced where <paramref name="isSilenced"/> says) and returns those, in order.</summary>
    Task<IReadOnlyList<AlertRecord>> AppendAlertsAsync(
        string agentId, IReadOnlyList<AlertTransition> transitions, DateTimeOffset receivedAt, Func<string, AlertTransition, bool> isSilenced, CancellationToken ct);

    Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(AlertQuery query, CancellationToken ct);

    Task<AlertRecord?> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, CancellationToken ct);

    /// <summary>Agents whose latest transition of <paramref name="rule"/> is firing.</summary>
    Task<IReadOnlySet<string>> AgentsWithOpenAlertAsync(string rule, CancellationToken ct);

    /// <summary>How many alerts each agent has firing now (its latest transition of a fingerprint is firing), by severity.</summary>
    Task<IReadOnlyList<(string AgentId, AlertSeverity Severity, int Count)>> CountFiringAsync(CancellationToken ct);

    Task InsertSilenceAsync(Silence silence, CancellationToken ct);

    Task<IReadOnlyList<Silence>> ListSilencesAsync(CancellationToken ct);

    /// <summary>Ends an active silence now; it stays in the list as history.</summary>
    Task<bool> EndSilenceAsync(string id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Deletes alert transitions received before <paramref name="cutoff"/>, in bounded batches.</summary>
    Task<int> PurgeAlertsAsync(DateTimeOffset cutoff, CancellationToken ct);

    /// <summary>Deletes silences that ended before <paramref name="cutoff"/>, in bounded batches.</summary>
    Task<int> PurgeSilencesAsync(DateTimeOffset cutoff, CancellationToken ct);
}
