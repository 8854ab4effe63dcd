using System.Runtime.InteropServices;
using Monitoring.Agent;

namespace Monitoring.AgentHost;

/// <summary>
/// Runs the SDK's <see cref="AgentRuntime"/> for the life of the process, without a generic host: SIGTERM or Ctrl+C
/// stop it gracefully (a second one ends the process at once), systemd hears when it is ready and when it stops, and
/// memory left over from start-up goes back to the system once the agent has settled.
/// </summary>
internal static partial class AgentProcess
{
    /// <summary>How long after start the agent gives start-up memory back; by then it has enrolled and reported.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(30);

    /// <summary>Runs until stopped; returns the process exit code (1 when the agent cannot run, with the reason logged).</summary>
    /// <param name="options">The agent's settings.</param>
    /// <param name="logger">Where its log goes.</param>
    /// <param name="systemd">Tells systemd it is ready and stopping (does nothing elsewhere).</param>
    /// <param name="stopRequested">Stops it as a signal would (the Windows service's stop).</param>
    public static async Task<int> RunAsync(AgentRuntimeOptions options, ILogger<AgentRuntime> logger, SystemdNotifier systemd, CancellationToken stopRequested = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopRequested);
        void Stop(PosixSignalContext context)
        {
            if (stop.IsCancellationRequested)
            {
                return; // The second signal: let it end the process.
            }

            context.Cancel = true;
            systemd.Notify("STOPPING=1");
            stop.Cancel();
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        try
        {
            using var runtime = new AgentRuntime(options, logger);
            var run = runtime.RunAsync(stop.Token);
            systemd.Notify("READY=1");
            var settle = ReleaseWhenSettledAsync(stop.Token);
            await run.ConfigureAwait(false);
            await settle.ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
        {
            LogCannotRun(logger, ex.Message);
            return 1;
        }
        catch (IOException ex)
        {
            // The state directory could not be made or read (a file in its place, a read-only or full disk).
            LogCannotRun(logger, $"{ex.Message.TrimEnd('.')}. Check that the state directory {Path.GetFullPath(options.StateDirectory)} is a folder this user can write, or choose another with --state-dir.");
            return 1;
        }
        finally
        {
            systemd.Notify("STOPPING=1");
        }
    }

    private static async Task ReleaseWhenSettledAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(SettleTime, stop).ConfigureAwait(false);
            ProcessMemory.Release();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The agent cannot run: {Reason}")]
    private static partial void LogCannotRun(ILogger logger, string reason);
}
