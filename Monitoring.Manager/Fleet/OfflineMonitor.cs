namespace Monitoring.Manager.Fleet;

/// <summary>Notices agents that stopped reporting, once a second, and logs each transition once.</summary>
internal sealed class OfflineMonitor(FleetRegistry fleet, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            fleet.CheckOffline();
        }
    }
}
