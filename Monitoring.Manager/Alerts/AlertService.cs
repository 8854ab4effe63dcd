using Monitoring.Alerts;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Alerts;

/// <summary>
/// Records alert transitions (from agents and the manager's own offline alerts): marks those an active silence
/// covers, stores each once with its place in the notification groups of the receivers whose routes take it, and
/// logs it on the console.
/// </summary>
internal sealed partial class AlertService(
    IAlertStore store, FiringAlerts firing, Fleet.FleetEvents events, Notifications.NotificationRouter router, Notifications.NotificationSignal notifications,
    Cluster.IClusterSignals cluster, TimeProvider time, ILogger<AlertService> logger)
{
    private volatile IReadOnlyList<Silence> _silences = [];

    /// <summary>Loads the silences and the alerts firing now.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        await LoadSilencesAsync(ct);
        firing.Load(await store.ListFiringAsync(ct));
    }

    /// <summary>Reads the silences again (another manager changed them).</summary>
    public async Task LoadSilencesAsync(CancellationToken ct) => _silences = await store.ListSilencesAsync(ct);

    public IReadOnlyList<Silence> Silences => _silences;

    public async Task<Silence> AddSilenceAsync(Silence silence, CancellationToken ct)
    {
        await store.InsertSilenceAsync(silence, ct);
        await LoadSilencesAsync(ct);
        cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.Silences));
        LogSilenced(logger, silence.Id, silence.Until, silence.Agent ?? "*", silence.Rule ?? "*", silence.CreatedBy, silence.Reason);
        return silence;
    }

    public async Task<bool> RemoveSilenceAsync(string id, CancellationToken ct)
    {
        var removed = await store.EndSilenceAsync(id, time.GetUtcNow(), ct);
        await LoadSilencesAsync(ct);
        cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.Silences));
        return removed;
    }

    public bool IsSilenced(string agentId, AlertTransition transition)
    {
        var now = time.GetUtcNow();
        return _silences.Any(s => s.Until > now && MetricValues.Matches(agentId, s.Agent) && MetricValues.Matches(transition.Rule, s.Rule));
    }

    public async Task<IReadOnlyList<AlertRecord>> RecordAsync(string agentId, IReadOnlyList<AlertTransition> transitions, CancellationToken ct)
    {
        var stored = await store.AppendAlertsAsync(agentId, transitions, time.GetUtcNow(), IsSilenced, router.Route, ct);
        foreach (var record in stored)
        {
            var t = record.Transition;
            firing.Apply(agentId, t);
            cluster.Publish(new Cluster.ClusterSignal(Cluster.ClusterSignalKind.Alert, agentId, Cluster.ClusterSync.AlertDetail(t)));
            var level = record.Silenced || t.State == AlertState.Resolved ? LogLevel.Information
                : t.Severity == AlertSeverity.Critical ? LogLevel.Error
                : t.Severity == AlertSeverity.Warning ? LogLevel.Warning
                : LogLevel.Information;
            logger.Log(
                level,
                "Alert {State}{Silenced} on {AgentId}: {Rule} [{Severity}] {Message}",
                t.State.ToString().ToLowerInvariant(), record.Silenced ? " (silenced: no notification)" : "", agentId, t.Rule, t.Severity.ToString().ToLowerInvariant(),
                t.Message ?? $"{t.Metric} {t.Value} (threshold {t.Threshold})");
        }

        if (stored.Count > 0)
        {
            notifications.Wake();
            events.Changed(agentId);
        }

        return stored;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silence {Id} until {Until:u} for agents {Agent}, rules {Rule} by {By}: {Reason}")]
    private static partial void LogSilenced(ILogger logger, string id, DateTimeOffset until, string agent, string rule, string? by, string? reason);
}
