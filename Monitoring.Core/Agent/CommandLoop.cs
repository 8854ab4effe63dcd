using Microsoft.Extensions.Logging;
using Monitoring.Client;
using Monitoring.Internal;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>
/// Keeps the command stream open while the agent is registered (long-polls instead against a manager without
/// streams): backs off with jitter when the manager is away (honouring Retry-After up to a limit), and stops
/// registration when the manager rejects the agent.
/// </summary>
internal sealed partial class CommandLoop
{
    private readonly CommandRunner _runner;
    private readonly AgentRegistration _registration;
    private readonly TimeSpan _pollWait;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _jitter = new();

    /// <summary>A command stream that ends sooner than this is treated as a failure: the next one waits for the backoff.</summary>
    private static readonly TimeSpan MinStreamLife = TimeSpan.FromSeconds(1);

    /// <summary>Set once the manager answered the stream route with 404 (an older manager): long-polls from then on.</summary>
    private bool _pollOnly;

    public CommandLoop(CommandRunner runner, AgentRegistration registration, TimeSpan pollWait, TimeProvider time, ILogger logger)
    {
        _runner = runner;
        _registration = registration;
        _pollWait = pollWait;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The configured wait less up to a fifth, at random: agents that started polling together (after a manager
    /// restart, or a fleet started at once) drift apart instead of renewing their polls in the same second for ever.
    /// </summary>
    private TimeSpan JitteredPollWait()
    {
        var wait = TimeSpan.FromTicks((long)(_pollWait.Ticks * (0.8 + (0.2 * _jitter.NextDouble()))));
        return wait < TimeSpan.FromSeconds(1) ? _pollWait : wait;
    }

    /// <summary>Polls until <paramref name="ct"/> is cancelled, then waits for the commands still running.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromSeconds(1);
        string? lastError = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _registration.WhenRegisteredAsync(ct).ConfigureAwait(false);
                TimeSpan? retryAfter;
                try
                {
                    if (_pollOnly)
                    {
                        await _runner.PollOnceAsync(JitteredPollWait(), ct).ConfigureAwait(false);
                    }
                    else
                    {
                        var opened = _time.GetTimestamp();
                        await _runner.StreamOnceAsync(ct).ConfigureAwait(false);
                        if (_time.GetElapsedTime(opened) < MinStreamLife)
                        {
                            // Ended as soon as it opened (a manager on its way down, a proxy that cuts streams): wait
                            // as after an error rather than reopen in a tight loop.
                            retryAfter = null;
                            goto BackOff;
                        }
                    }

                    backoff = TimeSpan.FromSeconds(1);
                    lastError = null;
                    continue;
                }
                catch (MonitoringApiException ex) when (ex.StatusCode == 404 && !_pollOnly && ex.Code != ErrorCodes.AgentNotFound)
                {
                    LogNoStreams(_logger);
                    _pollOnly = true;
                    continue;
                }
                catch (MonitoringApiException ex) when (ex.StatusCode == 401)
                {
                    _registration.Revoked();
                    continue;
                }
                catch (MonitoringApiException ex) when (ex.Code == ErrorCodes.AgentPending)
                {
                    _registration.Lost();
                    continue;
                }
                catch (MonitoringApiException ex)
                {
                    retryAfter = ex.RetryAfter;
                    if (ex.Message != lastError)
                    {
                        LogChannelDown(_logger, ex.Message);
                        lastError = ex.Message;
                    }
                }

            BackOff:
                // Jittered over the backoff window: after a manager restart a fleet comes back spread out, not in the same second.
                var wait = TimeSpan.FromTicks((long)(backoff.Ticks * (0.1 + (0.9 * _jitter.NextDouble()))));
                if (retryAfter is { } asked && asked > wait)
                {
                    wait = asked < SnapshotReporter.MaxRetryAfter ? asked : SnapshotReporter.MaxRetryAfter;
                }

                await _time.DelayAsync(wait, ct).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        await _runner.DrainAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The command channel is down: {Reason}; retrying")]
    private static partial void LogChannelDown(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The manager has no command stream (an older version): the agent long-polls for commands instead")]
    private static partial void LogNoStreams(ILogger logger);
}
