using Microsoft.Extensions.Logging;

namespace Monitoring.Agent;

/// <summary>
/// Whether the agent's last call to the manager worked, shared by the report and command paths: a failure is logged
/// once per distinct reason and the recovery once, so an outage does not fill the log.
/// </summary>
internal sealed partial class ConnectionHealth
{
    private readonly Func<Uri> _manager;
    private readonly ILogger _logger;
    private string? _lastFailure;

    public ConnectionHealth(Func<Uri> manager, ILogger logger)
    {
        _manager = manager;
        _logger = logger;
    }

    /// <summary>True while the last call to the manager succeeded.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>True after a failure until the next success.</summary>
    public bool IsRecovering => _lastFailure is not null;

    /// <summary>A call failed for <paramref name="reason"/> (a sentence that says what to do).</summary>
    public void Failed(string reason)
    {
        IsConnected = false;
        if (reason != _lastFailure)
        {
            LogCannotReport(_logger, reason);
            _lastFailure = reason;
        }
    }

    /// <summary>The manager stopped accepting the agent; not a network failure, so nothing is logged here.</summary>
    public void Disconnected() => IsConnected = false;

    /// <summary>A call succeeded.</summary>
    public void Succeeded()
    {
        if (_lastFailure is not null)
        {
            LogReconnected(_logger, _manager());
            _lastFailure = null;
        }

        IsConnected = true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot report to the manager: {Reason}")]
    private static partial void LogCannotReport(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to the manager at {Url} again")]
    private static partial void LogReconnected(ILogger logger, Uri url);
}
