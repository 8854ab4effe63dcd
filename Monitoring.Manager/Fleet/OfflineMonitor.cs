using Monitoring.Manager.Alerts;

namespace Monitoring.Manager.Fleet;

/// <summary>Once a second, notices agents that stopped reporting or came back, logs it, and raises or resolves their offline alert.</summary>
internal sealed partial class OfflineMonitor(
    FleetRegistry fleet, FleetEvents events, AlertService alerts, Cluster.ILeadership leadership, ManagerOptions options, TimeProvider time, ILogger<OfflineMonitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var alertsFrom = time.GetUtcNow() + options.OfflineAlertGrace;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            // Among managers sharing a store, the leader alone raises offline alerts, so each is raised once.
            if (!leadership.IsLeader)
            {
                continue;
            }

            foreach (var (agentId, transition) in fleet.CheckOffline(alertsFrom))
            {
                events.Changed(agentId);
                try
                {
                    await alerts.RecordAsync(agentId, [transition], stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Not marked done: the next tick raises (or resolves) it again.
                    fleet.OfflineAlertNotRecorded(agentId, transition);
                    LogNotRecorded(logger, agentId, ex);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the offline alert of agent {AgentId}; trying again in a second")]
    private static partial void LogNotRecorded(ILogger logger, string agentId, Exception ex);
}
