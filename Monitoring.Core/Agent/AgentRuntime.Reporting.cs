using Microsoft.Extensions.Logging;
using Monitoring.Client;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>The report path: collect a snapshot into the spool, send the spool in order, and track whether the manager answers.</summary>
public sealed partial class AgentRuntime
{
    private void Collect()
    {
        MetricSnapshot snapshot;
        try
        {
            snapshot = CollectNow() with { Seq = _nextSeq, DroppedSnapshots = _state.DroppedSnapshots > 0 ? _state.DroppedSnapshots : null };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            _logger.LogWarning(ex, "Collecting metrics failed; skipping this interval");
            return;
        }

        _nextSeq = checked(_nextSeq + 1);
        _spool!.Add(snapshot);
        ReloadRulesIfChanged();
        var transitions = _alerts.Evaluate(snapshot);
        if (transitions.Count > 0)
        {
            foreach (var t in transitions)
            {
                _logger.LogWarning("Alert {State}: {Message}", t.State.ToString().ToLowerInvariant(), t.Message);
            }

            _alertFile.Outbox.AddRange(transitions);
            SaveAlerts();
        }
        if (_spool.Dropped > 0)
        {
            _state.DroppedSnapshots += _spool.Dropped;
            _stateStore.Save(_state);
            _logger.LogWarning(
                "The spool is full ({Capacity} snapshots): dropped the oldest {Dropped} ({Total} in all, reported to the manager). Raise SpoolCapacity to keep more during long outages.",
                _options.SpoolCapacity, _spool.Dropped, _state.DroppedSnapshots);
            _spool.Dropped = 0;
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        if (_time.GetTimestamp() < _flushNotBefore)
        {
            return;
        }

        while (_spool!.Count > 0 && !ct.IsCancellationRequested)
        {
            var batch = _spool.Peek(_options.BatchSize);
            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var ack = await _connection.ReportAsync(_options.AgentId, batch, ct).ConfigureAwait(false);
                await RefreshCentralRulesAsync(ack.ThresholdsVersion, ct).ConfigureAwait(false);
                var through = batch[batch.Count - 1].Seq;
                _spool.RemoveThrough(through);
                _state.LastAckedSeq = Math.Max(_state.LastAckedSeq, Math.Max(ack.LastSeq, through));
                _stateStore.Save(_state);
                if (_lastFailure is not null && _spool.Count + batch.Count > 1)
                {
                    _logger.LogInformation("Replayed {Count} spooled snapshot(s) to the manager", batch.Count);
                }

                Succeeded();
            }
            catch (MonitoringApiException ex) when (ex.StatusCode == 401)
            {
                Revoked();
                return;
            }
            catch (MonitoringApiException ex) when (ex.Code == ErrorCodes.AgentPending)
            {
                LostRegistration();
                return;
            }
            catch (MonitoringApiException ex) when (ex.StatusCode is 400 or 413 or 422)
            {
                // The manager will never take these: keep the spool moving rather than retry them forever.
                _logger.LogError(
                    "The manager refused snapshots {First}..{Last} and they were dropped: {Message}",
                    batch[0].Seq, batch[batch.Count - 1].Seq, ex.Message);
                _spool.RemoveThrough(batch[batch.Count - 1].Seq);
            }
            catch (MonitoringApiException ex)
            {
                if (ex.RetryAfter is { } wait)
                {
                    _flushNotBefore = _time.GetTimestamp() + ToTimestamp(wait < MaxRetryAfter ? wait : MaxRetryAfter);
                }

                Failed($"{ex.Message} ({_spool.Count} snapshot(s) spooled, replayed when the manager is back)");
                return;
            }
        }
    }

    private void Failed(string reason)
    {
        IsConnected = false;
        if (reason != _lastFailure)
        {
            _logger.LogWarning("Cannot report to the manager: {Reason}", reason);
            _lastFailure = reason;
        }
    }

    private void Succeeded()
    {
        if (_lastFailure is not null)
        {
            _logger.LogInformation("Connected to the manager at {Url} again", _options.ManagerUrl);
            _lastFailure = null;
        }

        IsConnected = true;
    }
}
