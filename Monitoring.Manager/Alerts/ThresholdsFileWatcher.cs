using Monitoring.Configuration;

namespace Monitoring.Manager.Alerts;

/// <summary>
/// Applies edits of the central rules file without a restart: every <see cref="Interval"/> it asks
/// <see cref="CentralThresholds"/> to read the file again if it changed. An invalid edit keeps the last good rules
/// and is logged once, with where the problem is.
/// </summary>
internal sealed partial class ThresholdsFileWatcher(CentralThresholds thresholds, TimeProvider time, ILogger<ThresholdsFileWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (thresholds.ReloadIfChanged())
                    {
                        LogReloaded(logger, thresholds.FilePath, thresholds.Document.Version);
                    }
                }
                catch (ConfigurationException ex)
                {
                    LogInvalid(logger, thresholds.FilePath, ex.Message, thresholds.Document.Version);
                }
                catch (IOException ex)
                {
                    LogUnreadable(logger, thresholds.FilePath, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Central rules reloaded from {Path} (version {Version}); agents pick them up with their next report")]
    private static partial void LogReloaded(ILogger logger, string path, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "The edited central rules file {Path} is invalid and was not applied: {Reason}. The previous rules (version {Version}) stay in force; fix the file to apply it")]
    private static partial void LogInvalid(ILogger logger, string path, string reason, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read the central rules file {Path}: {Reason}; trying again in 2 s")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}
