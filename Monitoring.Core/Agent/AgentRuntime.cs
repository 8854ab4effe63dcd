using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Monitoring.Alerts;
using Monitoring.Client;
using Monitoring.Commands;
using Monitoring.Internal;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>
/// An agent that any .NET app can host: it enrolls, then every interval collects a snapshot, stamps it with the
/// next sequence number, spools it to disk and reports the spool to the manager, replaying in order after an outage.
/// </summary>
public sealed partial class AgentRuntime : IDisposable
{
    private readonly AgentRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Random _jitter = new();
    private readonly AgentStateStore _stateStore;
    private readonly AgentConnection _connection;
    private readonly AgentConnection _poll;
    private readonly object _collectorGate = new();
    private IMetricCollector? _collector;
    private CommandRunner? _commands;
    private AlertPipeline? _alerts;
    private TaskCompletionSource<bool> _registeredSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SnapshotSpool? _spool;
    private AgentState _state = new();
    private long _nextSeq = 1;
    private bool _registered;
    private bool _everRegistered;
    private bool _pendingLogged;
    private string? _revoked;
    private string? _lastFailure;

    /// <summary>The manager asked to wait (Retry-After): no report is sent before this timestamp; snapshots keep spooling.</summary>
    private long _flushNotBefore;

    /// <summary>The longest Retry-After the agent honours, so a wrong header cannot silence it for long.</summary>
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);

    /// <summary>Creates the runtime; nothing happens until <see cref="RunAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message says which and how to fix it.</exception>
    public AgentRuntime(AgentRuntimeOptions options, ILogger<AgentRuntime>? logger = null)
    {
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger<AgentRuntime>.Instance;
        _time = options.TimeProvider;
        _stateStore = new AgentStateStore(options.StateDirectory);
        _connection = new AgentConnection(new ManagerConnectionOptions
        {
            BaseAddress = options.ManagerUrl,
            CertificateThumbprint = options.CertificateThumbprint,
            TimeProvider = options.TimeProvider,
            // The spool is the agent's retry: keep single calls short so a tick is never held up for long.
            MaxRetryAttempts = 1,
            AttemptTimeout = TimeSpan.FromSeconds(Math.Max(5, Math.Min(30, options.Interval.TotalSeconds))),
        });
        _poll = new AgentConnection(new ManagerConnectionOptions
        {
            BaseAddress = options.ManagerUrl,
            CertificateThumbprint = options.CertificateThumbprint,
            TimeProvider = options.TimeProvider,
            MaxRetryAttempts = 0,
        });
    }

    /// <summary>Why the manager no longer accepts this agent (its token was revoked, or its id is held); null while it does.</summary>
    public string? Rejection => _revoked;

    /// <summary>True while the last call to the manager succeeded.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>Snapshots waiting for the manager's acknowledgement.</summary>
    public int SpooledCount => (_spool?.Count ?? 0) + (_fresh is null ? 0 : 1);

    /// <summary>The highest sequence number the manager has acknowledged.</summary>
    public long LastAcknowledgedSeq => _state.LastAckedSeq;

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="InvalidOperationException">The agent has no token and no enrollment token to get one.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Start();
        if (_options.ManagerUrl.Scheme == Uri.UriSchemeHttp && !_options.ManagerUrl.IsLoopback)
        {
            _logger.LogWarning(
                "The manager URL {Url} is plain HTTP to a remote address: metrics and the agent token cross the network unencrypted. Use https://.",
                _options.ManagerUrl);
        }

        _logger.LogInformation(
            "Agent {AgentId} reporting to {Url} every {Interval}; state in {StateDir}",
            _options.AgentId, _options.ManagerUrl, Configuration.Duration.Format(_options.Interval), Path.GetFullPath(_options.StateDirectory));

        var commandLoop = CommandLoopAsync(cancellationToken);

        // The first sample needs a short baseline for its rates; later ones follow the interval.
        var due = _time.GetTimestamp() + ToTimestamp(TimeSpan.FromTicks(Math.Min(_options.Interval.Ticks, TimeSpan.TicksPerSecond)));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var wait = _time.GetElapsedTime(_time.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    await TickAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A full or read-only state disk must not stop monitoring; the next tick tries again.
                    _logger.LogError("Cannot write to the state directory {StateDir}: {Reason}. Free space or fix its permissions.",
                        Path.GetFullPath(_options.StateDirectory), ex.Message);
                }

                // Skip ticks missed while the manager was slow rather than bursting to catch up.
                var interval = ToTimestamp(_options.Interval);
                var now = _time.GetTimestamp();
                do
                {
                    due += interval;
                }
                while (due <= now);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await commandLoop.ConfigureAwait(false);
        SpoolFresh();
        _logger.LogInformation("Agent {AgentId} stopped; {Count} snapshot(s) spooled for the next run", _options.AgentId, SpooledCount);
    }

    /// <summary>Collects one snapshot and reports everything spooled; what <see cref="RunAsync"/> does every interval.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        Start();
        Collect();
        if (!_registered)
        {
            await RegisterAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_registered)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            if (await _alerts!.FlushAsync(cancellationToken).ConfigureAwait(false) is { } unreachable)
            {
                Failed(unreachable);
            }
        }
        else
        {
            SpoolFresh();
        }
    }

    /// <summary>The threshold rules in force: central rules for this agent, replaced by local ones of the same name.</summary>
    public IReadOnlyList<ThresholdRule> Rules => _alerts?.Rules ?? [];

    /// <inheritdoc />
    public void Dispose()
    {
        _connection.Dispose();
        _poll.Dispose();
        _collector?.Dispose();
    }

    private async Task CommandLoopAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromSeconds(1);
        TimeSpan? retryAfter = null;
        string? lastError = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await WhenRegisteredAsync(ct).ConfigureAwait(false);
                try
                {
                    await _commands!.PollOnceAsync(_options.CommandPollWait, ct).ConfigureAwait(false);
                    backoff = TimeSpan.FromSeconds(1);
                    lastError = null;
                    continue;
                }
                catch (MonitoringApiException ex) when (ex.StatusCode == 401)
                {
                    Revoked();
                    continue;
                }
                catch (MonitoringApiException ex) when (ex.Code == ErrorCodes.AgentPending)
                {
                    LostRegistration();
                    continue;
                }
                catch (MonitoringApiException ex)
                {
                    retryAfter = ex.RetryAfter;
                    if (ex.Message != lastError)
                    {
                        _logger.LogWarning("The command channel is down: {Reason}; retrying", ex.Message);
                        lastError = ex.Message;
                    }
                }

                // Jittered over the backoff window: after a manager restart a fleet comes back spread out, not in the same second.
                var wait = TimeSpan.FromTicks((long)(backoff.Ticks * (0.1 + (0.9 * _jitter.NextDouble()))));
                if (retryAfter is { } asked && asked > wait)
                {
                    wait = asked < MaxRetryAfter ? asked : MaxRetryAfter;
                }

                retryAfter = null;
                await DelayAsync(wait, ct).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        await _commands!.DrainAsync().ConfigureAwait(false);
    }

    private async Task WhenRegisteredAsync(CancellationToken ct)
    {
#if NET
        await _registeredSignal.Task.WaitAsync(ct).ConfigureAwait(false);
#else
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (ct.Register(() => cancelled.TrySetCanceled()))
        {
            await (await Task.WhenAny(_registeredSignal.Task, cancelled.Task).ConfigureAwait(false)).ConfigureAwait(false);
        }
#endif
    }

    private MetricSnapshot CollectNow()
    {
        lock (_collectorGate)
        {
            return _collector!.Collect();
        }
    }

    private void LostRegistration()
    {
        if (_registered)
        {
            _registered = false;
            _registeredSignal = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private void Start()
    {
        if (_spool is not null)
        {
            return;
        }

        SecureFile.CreateOwnerOnlyDirectory(_options.StateDirectory);
        _state = _stateStore.Load();
        if (_state.Token is not null && (_state.AgentId != _options.AgentId || _state.ManagerUrl != _options.ManagerUrl.ToString()))
        {
            _logger.LogInformation(
                "The agent id or manager changed since the last run ({OldId} at {OldUrl}); enrolling again", _state.AgentId, _state.ManagerUrl);
            _state = new AgentState();
        }

        if (_state.Token is null && string.IsNullOrWhiteSpace(_options.EnrollmentToken))
        {
            throw new InvalidOperationException(
                $"Agent '{_options.AgentId}' has no token in {Path.GetFullPath(_options.StateDirectory)} and no enrollment token to get one: " +
                "pass --enrollment-token-file with the manager's enrollment.token (from its data directory).");
        }

        if (_state.InstanceKey is null)
        {
            // Saved before the first enrollment, so a retry after a crash presents the same key.
            var key = new byte[32];
            using (var random = System.Security.Cryptography.RandomNumberGenerator.Create())
            {
                random.GetBytes(key);
            }

            _state.InstanceKey = Convert.ToBase64String(key).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            _stateStore.Save(_state);
        }

        _spool = new SnapshotSpool(Path.Combine(_options.StateDirectory, "spool"), _options.SpoolCapacity, _logger);
        _nextSeq = Math.Max(_state.LastAckedSeq, _spool.MaxSeq) + 1;
        _connection.Token = _state.Token;
        _poll.Token = _state.Token;
        _collector = _options.Collector ?? MetricCollector.CreateDefault(_time);
        var handlers = BuiltInCommands.Create(_options.Commands, _logger)
            .Append(new Commands.BuiltIn.SendFileHandler(_options.Files, _poll))
            .Append(new Commands.BuiltIn.ReceiveFileHandler(_options.Files, _poll))
            .Where(h => !_options.CommandHandlers.Any(c => c.Definition.Name == h.Definition.Name))
            .Concat(_options.CommandHandlers)
            .ToList();
        _commands = new CommandRunner(_options, _poll, handlers, CollectNow, _logger);

        _alerts = new AlertPipeline(_options, _connection, _logger);
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private Task DelayAsync(TimeSpan delay, CancellationToken ct) =>
#if NET
        Task.Delay(delay, _time, ct);
#else
        _time.Delay(delay, ct);
#endif
}
