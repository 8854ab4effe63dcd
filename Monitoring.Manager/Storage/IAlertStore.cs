using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>Alert transitions, their acknowledgements, and silences. Every write returns only once it is committed.</summary>
internal interface IAlertStore
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>
    /// Stores transitions not seen before (marked silenced where <paramref name="isSilenced"/> says) and returns those,
    /// in order. In the same commit each stored transition is queued for the notification groups
    /// <paramref name="route"/> names, so no notification is lost between the alert and its message.
    /// </summary>
    Task<IReadOnlyList<AlertRecord>> AppendAlertsAsync(
        string agentId, IReadOnlyList<AlertTransition> transitions, DateTimeOffset receivedAt, Func<string, AlertTransition, bool> isSilenced,
        Func<string, AlertTransition, IReadOnlyList<Notifications.NotificationTarget>> route, CancellationToken ct);

    Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(AlertQuery query, CancellationToken ct);

    Task<AlertRecord?> AcknowledgeAlertAsync(long id, string by, DateTimeOffset at, CancellationToken ct);

    /// <summary>Agents whose latest transition of <paramref name="rule"/> is firing.</summary>
    Task<IReadOnlySet<string>> AgentsWithOpenAlertAsync(string rule, CancellationToken ct);

    /// <summary>Every alert firing now: each agent's fingerprints whose latest transition is firing, with their severity.</summary>
    Task<IReadOnlyList<(string AgentId, string Fingerprint, AlertSeverity Severity)>> ListFiringAsync(CancellationToken ct);

    Task InsertSilenceAsync(Silence silence, CancellationToken ct);

    Task<IReadOnlyList<Silence>> ListSilencesAsync(CancellationToken ct);

    /// <summary>Ends an active silence now; it stays in the list as history.</summary>
    Task<bool> EndSilenceAsync(string id, DateTimeOffset now, CancellationToken ct);

    /// <summary>Deletes alert transitions received before <paramref name="cutoff"/>, in bounded batches.</summary>
    Task<int> PurgeAlertsAsync(DateTimeOffset cutoff, CancellationToken ct);

    /// <summary>Deletes silences that ended before <paramref name="cutoff"/>, in bounded batches.</summary>
    Task<int> PurgeSilencesAsync(DateTimeOffset cutoff, CancellationToken ct);
}
