using System.Runtime.Versioning;
using System.ServiceProcess;

namespace Monitoring.AgentHost;

/// <summary>
/// The agent under the Windows Service Control Manager (started with <c>--windows-service</c>, as docs/windows.md
/// installs it): the service starts the agent, a stop or a system shutdown stops it gracefully, and an agent that
/// cannot run stops the service with its exit code, which the SCM records. No generic host: the same small process
/// as on Linux.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsAgentService : ServiceBase
{
    /// <summary>The service name docs/windows.md installs the agent under.</summary>
    public const string DefaultName = "MonitoringAgent";

    /// <summary>How long a stop waits for the agent to save its state and spool (the SCM's own limit is longer).</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(20);

    private readonly Func<CancellationToken, Task<int>> _run;
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private volatile bool _ended;

    private WindowsAgentService(Func<CancellationToken, Task<int>> run)
    {
        _run = run;
        ServiceName = DefaultName;
        CanStop = true;
        CanShutdown = true;
        CanPauseAndContinue = false;
        AutoLog = false;
    }

    /// <summary>Hands the process to the SCM until the service stops; returns the agent's exit code.</summary>
    public static int Run(Func<CancellationToken, Task<int>> run)
    {
        using var service = new WindowsAgentService(run);
        ServiceBase.Run(service);
        return service.ExitCode;
    }

    protected override void OnStart(string[] args) => _running = Task.Run(RunAgentAsync);

    protected override void OnStop()
    {
        _stop.Cancel();
        if (!_ended)
        {
            _running?.Wait(StopWait);
        }
    }

    protected override void OnShutdown() => OnStop();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task RunAgentAsync()
    {
        try
        {
            ExitCode = await _run(_stop.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever ended the agent, the service must not stay "running" without it.
        catch (Exception)
#pragma warning restore CA1031
        {
            ExitCode = 1;
        }

        if (!_stop.IsCancellationRequested)
        {
            // The agent ended by itself (it cannot run: the reason is in its log): the service stops with its code.
            _ended = true;
            Stop();
        }
    }
}
