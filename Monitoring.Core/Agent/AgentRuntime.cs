using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Monitoring.Alerts;
using Monitoring.Client;
using Monitoring.Commands;
using Monitoring.Internal;
using Monitoring.Metrics;

namespace Monitoring.Agent;

/// <summary>
/// An agent that any .NET app can host: it enrolls, then every interval collects a snapshot, stamps it with the
/// next sequence number and reports it to the manager, spooling to disk what it cannot send and replaying it in
/// order after an outage; meanwhile it evaluates alert rules and runs the manager's commands.
/// </summary>
/// <remarks>
/// A small composition of parts with one job each: <see cref="AgentRegistration"/> (state, enrollment, rejection),
/// <see cref="SnapshotReporter"/> (the report path and its spool), <see cref="AlertPipeline"/> (rules and the alert
/// outbox) and <see cref="CommandLoop"/> (the command long-poll).
/// </remarks>
public sealed partial class AgentRuntime : IDisposable
{
    private readonly AgentRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly AgentConnection _connection;
    private readonly AgentConnection _poll;
    private readonly Client.ManagerAddresses _managers;
    private readonly ConnectionHealth _health;
    private readonly AgentRegistration _registration;
    private readonly object _collectorGate = new();
    private IMetricCollector? _collector;
    private bool _sourcesLogged;
    private CommandRunner? _commands;
    private AlertPipeline? _alerts;
    private SnapshotReporter? _reports;

    /// <summary>How long after a failover the agent tries its preferred manager again.</summary>
    public static readonly TimeSpan ReturnToPreferredAfter = TimeSpan.FromMinutes(3);

    /// <summary>Creates the runtime; nothing happens until <see cref="RunAsync"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message says which and how to fix it.</exception>
    public AgentRuntime(AgentRuntimeOptions options, ILogger<AgentRuntime>? logger = null)
    {
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger<AgentRuntime>.Instance;
        _time = options.TimeProvider;
        Uri[] managers = [options.ManagerUrl, .. options.AlternateManagerUrls];
        _managers = new Client.ManagerAddresses(managers, Client.ManagerAddresses.PreferredFor(options.AgentId, managers.Length), options.TimeProvider);
        _managers.Moved += (from, to) => LogMoved(_logger, from, to);
        _connection = new AgentConnection(new ManagerConnectionOptions
        {
            BaseAddress = options.ManagerUrl,
            CertificateThumbprint = options.CertificateThumbprint,
            TimeProvider = options.TimeProvider,
            // The spool is the agent's retry: one short attempt per call, so a tick is never held up for long.
            MaxRetryAttempts = 0,
            AttemptTimeout = TimeSpan.FromSeconds(Math.Max(5, Math.Min(30, options.Interval.TotalSeconds))),
        }, pipeline: null, _managers);
        _poll = new AgentConnection(new ManagerConnectionOptions
        {
            BaseAddress = options.ManagerUrl,
            CertificateThumbprint = options.CertificateThumbprint,
            TimeProvider = options.TimeProvider,
            MaxRetryAttempts = 0,
        }, pipeline: null, _managers);
        _health = new ConnectionHealth(() => _managers.Current, _logger);
        _registration = new AgentRegistration(options, _connection, _poll, _health, _logger);
    }

    /// <summary>Why the manager no longer accepts this agent (its token was revoked, or its id is held); null while it does.</summary>
    public string? Rejection => _registration.Rejection;

    /// <summary>True while the last call to the manager succeeded.</summary>
    public bool IsConnected => _health.IsConnected;

    /// <summary>Snapshots waiting for the manager's acknowledgement.</summary>
    public int SpooledCount => _reports?.Count ?? 0;

    /// <summary>The highest sequence number the manager has acknowledged.</summary>
    public long LastAcknowledgedSeq => _registration.State.LastAckedSeq;

    /// <summary>The threshold rules in force: central rules for this agent, replaced by local ones of the same name.</summary>
    public IReadOnlyList<ThresholdRule> Rules => _alerts?.Rules ?? [];

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <exception cref="InvalidOperationException">The agent has no token and no enrollment token to get one.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Start();
        if (_options.ManagerUrl.Scheme == Uri.UriSchemeHttp && !_options.ManagerUrl.IsLoopback)
        {
            LogPlainHttp(_logger, _options.ManagerUrl);
        }

        LogStarted(_logger, _options.AgentId, _managers.Current, Configuration.Duration.Format(_options.Interval), Path.GetFullPath(_options.StateDirectory));
        var commandLoop = new CommandLoop(_commands!, _registration, _options.CommandPollWait, _time, _logger).RunAsync(cancellationToken);

        // The first sample needs a short baseline for its rates; later ones follow the interval.
        var due = _time.GetTimestamp() + ToTimestamp(TimeSpan.FromTicks(Math.Min(_options.Interval.Ticks, TimeSpan.TicksPerSecond)));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var wait = _time.GetElapsedTime(_time.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await _time.DelayAsync(wait, cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    await TickAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A full or read-only state disk must not stop monitoring; the next tick tries again.
                    LogStateDirectoryFailed(_logger, Path.GetFullPath(_options.StateDirectory), ex.Message);
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
        _reports!.SpoolFresh();
        _registration.Save();
        LogStopped(_logger, _options.AgentId, SpooledCount);
    }

    /// <summary>Collects one snapshot and reports everything spooled; what <see cref="RunAsync"/> does every interval.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        Start();
        // Back to the preferred manager a while after a failover, so the fleet spreads over the managers again.
        _managers.ReturnToPreferred(ReturnToPreferredAfter);
        _reports!.Collect();
        if (!_registration.IsRegistered)
        {
            await _registration.RegisterAsync(_commands!.Definitions, _reports.Registered, cancellationToken).ConfigureAwait(false);
        }

        if (_registration.IsRegistered)
        {
            await _reports.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (await _alerts!.FlushAsync(cancellationToken).ConfigureAwait(false) is { } unreachable)
            {
                _health.Failed(unreachable);
            }
        }
        else
        {
            _reports.SpoolFresh();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _connection.Dispose();
        _poll.Dispose();
        _collector?.Dispose();
        _commands?.Dispose();
    }

    private MetricSnapshot CollectNow()
    {
        lock (_collectorGate)
        {
            var snapshot = _collector!.Collect();
            if (!_sourcesLogged)
            {
                // After the first sample, which is when the sensors are first found.
                _sourcesLogged = true;
                if (MetricCollector.SourcesOf(_collector) is { } sources)
                {
                    LogSources(_logger, sources);
                }
            }

            return snapshot;
        }
    }

    private void Start()
    {
        if (_reports is not null)
        {
            return;
        }

        _registration.Load();
        _collector = _options.Collector ?? MetricCollector.CreateDefault(_time, _options.Metrics);
        if (_options.Application is { } application)
        {
            _collector = new ApplicationCollector(_collector, application, _time, _logger);
        }

        var handlers = BuiltInCommands.Create(_options.Commands, _logger)
            .Append(new Commands.BuiltIn.SendFileHandler(_options.Files, _poll))
            .Append(new Commands.BuiltIn.ReceiveFileHandler(_options.Files, _poll))
            .Where(h => !_options.CommandHandlers.Any(c => c.Definition.Name == h.Definition.Name))
            .Concat(_options.CommandHandlers)
            .ToList();
        _commands = new CommandRunner(_options, _poll, handlers, CollectNow, _logger);
        _alerts = new AlertPipeline(_options, _connection, _logger);
        _reports = new SnapshotReporter(_options, _connection, _registration, _health, _alerts, CollectNow, _logger);
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The manager URL {Url} is plain HTTP to a remote address: metrics and the agent token cross the network unencrypted. Use https://.")]
    private static partial void LogPlainHttp(ILogger logger, Uri url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving from the manager at {From} to {To}; snapshots keep their numbers and nothing spooled is lost")]
    private static partial void LogMoved(ILogger logger, Uri from, Uri to);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} reporting to {Url} every {Interval}; state in {StateDir}")]
    private static partial void LogStarted(ILogger logger, string agentId, Uri url, string interval, string stateDir);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot write to the state directory {StateDir}: {Reason}. Free space or fix its permissions.")]
    private static partial void LogStateDirectoryFailed(ILogger logger, string stateDir, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hardware sensors: {Sources}")]
    private static partial void LogSources(ILogger logger, string sources);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} stopped; {Count} snapshot(s) spooled for the next run")]
    private static partial void LogStopped(ILogger logger, string agentId, int count);
}
