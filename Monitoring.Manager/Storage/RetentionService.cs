using Monitoring.Manager.Files;

namespace Monitoring.Manager.Storage;

/// <summary>
/// Once an hour, removes what outlived its retention: snapshots, alert transitions, delivered or failed
/// notifications, finished commands, ended silences, and uploads abandoned before they completed (with their partial bytes). Deletes run in bounded batches
/// so ingest never waits long behind them.
/// </summary>
internal sealed partial class RetentionService(
    IAlertStore alerts, INotificationStore notifications, Cluster.ILeadership leadership, ICommandStore commands, IFileRecordStore fileRecords, History.IHistoryStore history, FileStore files, ManagerOptions options, TimeProvider time, ILogger<RetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            do
            {
                try
                {
                    if (leadership.IsLeader)
                    {
                        await RunOnceAsync(stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass over every table and the file fileRecords.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Report("snapshot(s)", await history.PurgeSnapshotsAsync(now - options.HistoryRetention, ct), options.HistoryRetention);
        Report("1-minute rollup row(s)", await history.PurgeRollupsAsync(now - options.MinuteRollupRetention, now - options.HourRollupRetention, ct), options.MinuteRollupRetention);
        Report("alert transition(s)", await alerts.PurgeAlertsAsync(now - options.AlertRetention, ct), options.AlertRetention);
        Report("finished notification(s)", await notifications.PurgeNotificationsAsync(now - options.NotificationRetention, ct), options.NotificationRetention);
        Report("finished command(s)", await commands.PurgeCommandsAsync(now - options.CommandRetention, ct), options.CommandRetention);
        Report("ended silence(s)", await alerts.PurgeSilencesAsync(now - options.SilenceRetention, ct), options.SilenceRetention);

        var abandoned = 0;
        foreach (var id in await fileRecords.ListStaleUploadsAsync(now - options.UploadTtl, ct))
        {
            await fileRecords.DeleteFileAsync(id, ct);
            files.Delete(id);
            abandoned++;
        }

        var expired = 0;
        foreach (var id in await fileRecords.ListExpiredFilesAsync(now - options.FileRetention, ct))
        {
            await fileRecords.DeleteFileAsync(id, ct);
            files.Delete(id);
            expired++;
        }

        Report("completed file(s)", expired, options.FileRetention);
        abandoned += files.DeleteOrphanParts(now - options.UploadTtl, id => fileRecords.GetFileAsync(id, ct).GetAwaiter().GetResult() is not null);
        Report("abandoned upload(s)", abandoned, options.UploadTtl);
    }

    private void Report(string what, int count, TimeSpan age)
    {
        if (count > 0)
        {
            LogRemoved(logger, count, what, Configuration.Duration.Format(age));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} {What} older than {Retention}")]
    private static partial void LogRemoved(ILogger logger, int count, string what, string retention);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention could not run; it tries again in an hour")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
