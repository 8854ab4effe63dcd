namespace Monitoring.Manager.Storage.History;

/// <summary>Every minute (a quarter of sealAfter, at least a second), seals snapshot rows older than <see cref="ManagerOptions.SealAfter"/> into compact chunks.</summary>
internal sealed partial class HistorySealer(IHistoryStore history, Cluster.ILeadership leadership, ManagerOptions options, TimeProvider time, ILogger<HistorySealer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromTicks(Math.Clamp(options.SealAfter.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!leadership.IsLeader)
                {
                    continue;
                }

                try
                {
                    await history.SealAsync(time.GetUtcNow() - options.SealAfter, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sealing snapshots into chunks failed; the rows stay and sealing tries again")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
