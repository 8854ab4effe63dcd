using Microsoft.Extensions.Logging;
using Monitoring.Alerts;
using Monitoring.Client;
using Monitoring.Metrics;

namespace Monitoring.Agent;

/// <summary>
/// The agent's alert pipeline: threshold rules (local, reloaded when their file changes, and the manager's central
/// ones), their evaluation on each snapshot, and the outbox of transitions sent to the manager, kept on disk.
/// </summary>
internal sealed partial class AlertPipeline
{
    private const int AlertBatch = 500;

    private readonly AgentRuntimeOptions _options;
    private readonly AgentConnection _connection;
    private readonly ILogger _logger;
    private readonly AlertEvaluator _alerts;
    private readonly AlertOutbox _store;
    private readonly AlertFile _file;
    private IReadOnlyList<ThresholdRule> _localRules;
    private IReadOnlyList<ThresholdRule> _centralRules = [];
    private string? _centralVersion;
    private DateTime _rulesWrittenAt;

    /// <summary>Loads the outbox and the alert state kept in the state directory and applies the local rules.</summary>
    public AlertPipeline(AgentRuntimeOptions options, AgentConnection connection, ILogger logger)
    {
        _options = options;
        _connection = connection;
        _logger = logger;
        _alerts = new AlertEvaluator(options.TimeProvider);
        _store = new AlertOutbox(options.StateDirectory);
        _file = _store.Load();
        _alerts.Restore(_file.Tracking);
        _localRules = options.ThresholdsFile is { } rulesFile ? ThresholdRules.Load(rulesFile) : options.Thresholds ?? ThresholdRules.Defaults;
        _rulesWrittenAt = options.ThresholdsFile is { } f ? File.GetLastWriteTimeUtc(f) : default;
        ApplyRules();
    }

    /// <summary>The rules in force: central rules for this agent, replaced by local ones of the same name.</summary>
    public IReadOnlyList<ThresholdRule> Rules => _alerts.Rules;

    /// <summary>Evaluates a new snapshot (after reloading the local rules if their file changed); transitions are logged and queued.</summary>
    public void Observe(MetricSnapshot snapshot)
    {
        ReloadRulesIfChanged();
        var transitions = _alerts.Evaluate(snapshot);
        if (transitions.Count == 0)
        {
            return;
        }

        foreach (var t in transitions)
        {
            LogTransition(_logger, t.State.ToString().ToLowerInvariant(), t.Message);
        }

        _file.Outbox.AddRange(transitions);
        Save();
    }

    /// <summary>Fetches and applies the manager's rules when their version differs from the one applied.</summary>
    public async Task RefreshCentralRulesAsync(string? version, CancellationToken ct)
    {
        if (version == _centralVersion)
        {
            return;
        }

        try
        {
            var document = await _connection.GetThresholdsAsync(ct).ConfigureAwait(false);
            _centralRules = ThresholdRules.Parse(document.Yaml, "the manager's thresholds");
            _centralVersion = document.Version;
            ApplyRules();
            LogCentralApplied(_logger, document.Version);
        }
        catch (Exception ex) when (ex is MonitoringApiException or Configuration.ConfigurationException)
        {
            LogCentralFailed(_logger, ex.Message);
        }
    }

    /// <summary>Sends the oldest queued transitions; returns why the manager could not be reached, or null.</summary>
    public async Task<string?> FlushAsync(CancellationToken ct)
    {
        if (_file.Outbox.Count == 0)
        {
            return null;
        }

        var batch = _file.Outbox.Take(AlertBatch).ToList();
        try
        {
            await _connection.SendAlertsAsync(_options.AgentId, batch, ct).ConfigureAwait(false);
            _file.Outbox.RemoveRange(0, batch.Count);
            Save();
        }
        catch (MonitoringApiException ex) when (ex.StatusCode is 400 or 413)
        {
            LogRefused(_logger, batch.Count, ex.Message);
            _file.Outbox.RemoveRange(0, batch.Count);
            Save();
        }
        catch (MonitoringApiException ex)
        {
            return ex.Message;
        }

        return null;
    }

    private void ApplyRules()
    {
        var central = _centralRules.Where(r => ThresholdRules.AppliesTo(r, _options.AgentId, new Dictionary<string, string>(_options.Labels)));
        var resolved = _alerts.SetRules(ThresholdRules.Merge(central, _localRules));
        if (resolved.Count > 0)
        {
            _file.Outbox.AddRange(resolved);
        }

        Save();
    }

    private void ReloadRulesIfChanged()
    {
        if (_options.ThresholdsFile is not { } path)
        {
            return;
        }

        var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : default;
        if (written == _rulesWrittenAt)
        {
            return;
        }

        _rulesWrittenAt = written;
        try
        {
            _localRules = ThresholdRules.Load(path);
            ApplyRules();
            LogReloaded(_logger, _localRules.Count, path);
        }
        catch (Configuration.ConfigurationException ex)
        {
            LogReloadFailed(_logger, ex.Message);
        }
    }

    private void Save()
    {
        _file.Tracking = _alerts.State.ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
        _store.Save(_file);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {State}: {Message}")]
    private static partial void LogTransition(ILogger logger, string state, string? message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied the manager's threshold rules (version {Version})")]
    private static partial void LogCentralApplied(ILogger logger, string? version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot apply the manager's threshold rules: {Reason}")]
    private static partial void LogCentralFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The manager refused {Count} alert transition(s), dropped: {Reason}")]
    private static partial void LogRefused(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded {Count} threshold rule(s) from {Path}")]
    private static partial void LogReloaded(ILogger logger, int count, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kept the last good threshold rules: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
