using Microsoft.Extensions.Logging;
using Monitoring.Alerts;
using Monitoring.Client;

namespace Monitoring.Agent;

/// <summary>Threshold rules (local and central, reloaded on change) and the alert transitions sent to the manager.</summary>
public sealed partial class AgentRuntime
{
    private void ApplyRules()
    {
        var central = _centralRules.Where(r => ThresholdRules.AppliesTo(r, _options.AgentId, new Dictionary<string, string>(_options.Labels)));
        var resolved = _alerts.SetRules(ThresholdRules.Merge(central, _localRules));
        if (resolved.Count > 0)
        {
            _alertFile.Outbox.AddRange(resolved);
        }

        SaveAlerts();
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
            _logger.LogInformation("Reloaded {Count} threshold rule(s) from {Path}", _localRules.Count, path);
        }
        catch (Configuration.ConfigurationException ex)
        {
            _logger.LogError("Kept the last good threshold rules: {Reason}", ex.Message);
        }
    }

    private async Task RefreshCentralRulesAsync(string? version, CancellationToken ct)
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
            _logger.LogInformation("Applied the manager's threshold rules (version {Version})", document.Version);
        }
        catch (Exception ex) when (ex is MonitoringApiException or Configuration.ConfigurationException)
        {
            _logger.LogWarning("Cannot apply the manager's threshold rules: {Reason}", ex.Message);
        }
    }

    private async Task FlushAlertsAsync(CancellationToken ct)
    {
        if (_alertFile.Outbox.Count == 0)
        {
            return;
        }

        var batch = _alertFile.Outbox.Take(AlertBatch).ToList();
        try
        {
            await _connection.SendAlertsAsync(_options.AgentId, batch, ct).ConfigureAwait(false);
            _alertFile.Outbox.RemoveRange(0, batch.Count);
            SaveAlerts();
        }
        catch (MonitoringApiException ex) when (ex.StatusCode is 400 or 413)
        {
            _logger.LogError("The manager refused {Count} alert transition(s), dropped: {Reason}", batch.Count, ex.Message);
            _alertFile.Outbox.RemoveRange(0, batch.Count);
            SaveAlerts();
        }
        catch (MonitoringApiException ex)
        {
            Failed(ex.Message);
        }
    }

    private void SaveAlerts()
    {
        _alertFile.Tracking = _alerts.State.ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);
        _alertStore!.Save(_alertFile);
    }

    private const int AlertBatch = 500;
}
