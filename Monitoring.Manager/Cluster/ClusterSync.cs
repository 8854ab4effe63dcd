using Monitoring.Manager.Alerts;
using Monitoring.Manager.Commands;
using Monitoring.Manager.Fleet;
using Monitoring.Manager.Notifications;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.Postgres;
using Monitoring.Protocol;

namespace Monitoring.Manager.Cluster;

/// <summary>
/// Keeps this manager's memory in step with the others sharing its PostgreSQL: applies their signals (a command for
/// an agent whose stream is held here, an outcome someone here waits for, agents, credentials, silences, receivers,
/// alerts) and, every <see cref="ReportPoll"/>, reads which agents reported to the others and takes their newest
/// snapshots, so the fleet view, the agent list and offline detection are the same on every manager.
/// Services are resolved when first needed: they publish signals themselves.
/// </summary>
internal sealed partial class ClusterSync(IServiceProvider services, PostgresDatabase database, TimeProvider time, ILogger<ClusterSync> logger) : BackgroundService
{
    public static readonly TimeSpan ReportPoll = TimeSpan.FromSeconds(1);

    /// <summary>Reports are read again this far back: managers' clocks differ a little and a commit can land late.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5);

    private FleetRegistry Fleet => services.GetRequiredService<FleetRegistry>();

    private PostgresAgentStore Agents => (PostgresAgentStore)services.GetRequiredService<IAgentStore>();

    public void Apply(ClusterSignal signal) => _ = ApplyAsync(signal);

    private async Task ApplyAsync(ClusterSignal signal)
    {
        try
        {
            switch (signal.Kind)
            {
                case ClusterSignalKind.CommandQueued:
                    services.GetRequiredService<CommandBroker>().NotifyWork(signal.Subject);
                    break;
                case ClusterSignalKind.CommandDone:
                    var broker = services.GetRequiredService<CommandBroker>();
                    if (broker.IsAwaited(signal.Subject)
                        && await services.GetRequiredService<ICommandStore>().GetCommandAsync(signal.Subject, CancellationToken.None) is { } command)
                    {
                        broker.CompletedElsewhere(command);
                    }

                    break;
                case ClusterSignalKind.AgentChanged:
                case ClusterSignalKind.Reported:
                    await RefreshAgentsAsync([signal.Subject], CancellationToken.None);
                    break;
                case ClusterSignalKind.AgentRemoved:
                    Fleet.Remove(signal.Subject);
                    services.GetRequiredService<FleetEvents>().Changed(signal.Subject);
                    break;
                case ClusterSignalKind.Alert:
                    ApplyAlert(signal);
                    break;
                case ClusterSignalKind.Credentials:
                    await services.GetRequiredService<CredentialService>().ReloadAsync(CancellationToken.None);
                    break;
                case ClusterSignalKind.Silences:
                    await services.GetRequiredService<AlertService>().LoadSilencesAsync(CancellationToken.None);
                    break;
                case ClusterSignalKind.Receivers:
                    await services.GetRequiredService<ReceiverRegistry>().LoadAsync(CancellationToken.None);
                    break;
            }
        }
        catch (Exception ex)
        {
            LogApplyFailed(logger, signal.Kind.ToString(), signal.Subject, ex.Message);
        }
    }

    /// <summary>An alert stored by another manager: the firing count, and the offline alert's state for the next leader.</summary>
    private void ApplyAlert(ClusterSignal signal)
    {
        var parts = signal.Detail.Split(' ', 3);
        if (parts.Length != 3
            || WireNames.Parse(parts[0], MonitoringJsonContext.Default.AlertState) is not { } state
            || WireNames.Parse(parts[1], MonitoringJsonContext.Default.AlertSeverity) is not { } severity)
        {
            return;
        }

        var transition = new AlertTransition { Fingerprint = parts[2], Rule = parts[2], State = state, Severity = severity };
        services.GetRequiredService<FiringAlerts>().Apply(signal.Subject, transition);
        if (parts[2] == FleetRegistry.OfflineRule)
        {
            Fleet.OfflineAlertRecorded(signal.Subject, state == AlertState.Firing);
        }

        services.GetRequiredService<FleetEvents>().Changed(signal.Subject);
    }

    /// <summary>The detail of an alert signal: state, severity and fingerprint.</summary>
    public static string AlertDetail(AlertTransition t) =>
        $"{WireNames.Of(t.State, MonitoringJsonContext.Default.AlertState)} {WireNames.Of(t.Severity, MonitoringJsonContext.Default.AlertSeverity)} {t.Fingerprint}";

    /// <summary>Reads everything a missed signal could have changed (after the listening connection was lost).</summary>
    public async Task ResyncAsync(CancellationToken ct)
    {
        await services.GetRequiredService<CredentialService>().ReloadAsync(ct);
        await services.GetRequiredService<AlertService>().LoadAsync(ct);
        await services.GetRequiredService<ReceiverRegistry>().LoadAsync(ct);
        foreach (var (agent, latest) in await Agents.LoadAgentsAsync(ct))
        {
            Fleet.Synced(agent, latest);
        }
    }

    /// <summary>An agent token this manager does not know yet: enrolled on another manager a moment ago, perhaps.</summary>
    public async Task<bool> LearnAgentAsync(string tokenHash, CancellationToken ct)
    {
        var id = await database.ReadAsync(async conn =>
        {
            await using var cmd = Sql.Command(conn, null, "SELECT id FROM agents WHERE token_hash = @h", ("h", tokenHash));
            return await cmd.ExecuteScalarAsync(ct) as string;
        }, ct);
        if (id is null)
        {
            return false;
        }

        await RefreshAgentsAsync([id], ct);
        return true;
    }

    /// <summary>
    /// The newest snapshot of agents that reported to another manager: one indexed query, and only the snapshot and
    /// its arrival time change here (the agent's record did not, so it is not read again).
    /// </summary>
    private async Task TakeNewestSnapshotsAsync(IReadOnlyCollection<string> reported, CancellationToken ct)
    {
        // An agent not known here at all (a signal lost) is read whole.
        var unknown = reported.Where(id => Fleet.Find(id) is null).ToList();
        if (unknown.Count > 0)
        {
            await RefreshAgentsAsync(unknown, ct);
        }

        var ids = reported.Except(unknown).ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var newest = await database.ReadAsync(async conn =>
        {
            await using var cmd = Sql.Command(conn, null, """
                SELECT DISTINCT ON (agent_id) agent_id, received_at, data FROM snapshots WHERE agent_id = ANY(@ids) ORDER BY agent_id, seq DESC
                """, ("ids", ids.ToArray()));
            var rows = new List<(string Id, long Received, byte[] Json)>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1), (byte[])reader.GetValue(2)));
            }

            return rows;
        }, ct);
        var events = services.GetRequiredService<FleetEvents>();
        foreach (var (id, received, json) in newest)
        {
            if (System.Text.Json.JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.MetricSnapshot) is { } snapshot)
            {
                Fleet.ReportedElsewhere(id, snapshot, json, PostgresDatabase.FromMs(received));
                events.Changed(id);
            }
        }
    }

    /// <summary>Reads one agent from the store (another manager may have enrolled it a moment ago).</summary>
    public Task RefreshAgentAsync(string id, CancellationToken ct) => RefreshAgentsAsync([id], ct);

    private async Task RefreshAgentsAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        foreach (var (agent, latest) in await Agents.LoadAsync(ids, ct))
        {
            Fleet.Synced(agent, latest);
            services.GetRequiredService<FleetEvents>().Changed(agent.Id);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var since = time.GetUtcNow() - Overlap;
        using var timer = new PeriodicTimer(ReportPoll, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var now = time.GetUtcNow();
                    // Agents with a newer snapshot than this manager holds: they reported to another manager.
                    var reported = await database.ReadAsync(async conn =>
                    {
                        await using var cmd = Sql.Command(conn, null, "SELECT agent_id, MAX(seq) FROM snapshots WHERE received_at > @since GROUP BY agent_id",
                            ("since", PostgresDatabase.ToMs(since)));
                        var ids = new List<string>();
                        await using var reader = await cmd.ExecuteReaderAsync(stoppingToken);
                        while (await reader.ReadAsync(stoppingToken))
                        {
                            if (reader.GetInt64(1) > Fleet.LatestSeqOf(reader.GetString(0)))
                            {
                                ids.Add(reader.GetString(0));
                            }
                        }

                        return ids;
                    }, stoppingToken);
                    if (reported.Count > 0)
                    {
                        await TakeNewestSnapshotsAsync(reported, stoppingToken);
                    }

                    since = now - Overlap;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogPollFailed(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not apply another manager's signal {Kind} {Subject}: {Reason}")]
    private static partial void LogApplyFailed(ILogger logger, string kind, string subject, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the other managers' reports: {Reason}; trying again in a second")]
    private static partial void LogPollFailed(ILogger logger, string reason);
}
