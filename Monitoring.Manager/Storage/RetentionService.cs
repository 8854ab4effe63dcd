namespace Monitoring.Manager.Storage;

/// <summary>Deletes snapshots older than the configured retention, once an hour.</summary>
internal sealed class RetentionService(IMonitoringStore store, ManagerOptions options, TimeProvider time, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            var removed = await store.PurgeSnapshotsAsync(time.GetUtcNow() - options.HistoryRetention, stoppingToken);
            if (removed > 0)
            {
                logger.LogInformation("Removed {Count} snapshot(s) older than {Retention}", removed, Monitoring.Configuration.Duration.Format(options.HistoryRetention));
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
