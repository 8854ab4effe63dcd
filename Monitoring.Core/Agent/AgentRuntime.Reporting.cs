using Microsoft.Extensions.Logging;
using Monitoring.Client;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>
/// The report path: collect a snapshot, send it, and track whether the manager answers. A snapshot that cannot be
/// sent at once (the manager is away or behind, or older ones wait) goes to the spool on disk, which is sent in order;
/// while the manager answers, nothing touches the disk but the acknowledged sequence number.
/// </summary>
public sealed partial class AgentRuntime
{
    /// <summary>The snapshot collected this tick and not sent yet: in memory only until its send fails.</summary>
    private MetricSnapshot? _fresh;

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
        SpoolFresh();
        _fresh = snapshot;
        _alerts!.Observe(snapshot);
    }

    /// <summary>Puts the snapshot not sent yet into the spool, so it survives a restart and goes out in order.</summary>
    private void SpoolFresh()
    {
        if (_fresh is not { } snapshot)
        {
            return;
        }

        _spool!.Add(snapshot);
        _fresh = null;
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
            SpoolFresh();
            return;
        }

        while ((_fresh is not null || _spool!.Count > 0) && !ct.IsCancellationRequested)
        {
            // The usual case: nothing waits in the spool, so the new snapshot goes straight from memory. Otherwise it
            // joins the spool, which goes out oldest first.
            var fromMemory = _fresh is not null && _spool!.Count == 0;
            if (!fromMemory)
            {
                SpoolFresh();
            }

            var batch = fromMemory ? [_fresh!] : _spool!.Peek(_options.BatchSize);
            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var ack = await _connection.ReportAsync(_options.AgentId, batch, ct).ConfigureAwait(false);
                await _alerts!.RefreshCentralRulesAsync(ack.ThresholdsVersion, ct).ConfigureAwait(false);
                var through = batch[batch.Count - 1].Seq;
                if (fromMemory)
                {
                    _fresh = null;
                }
                else
                {
                    _spool!.RemoveThrough(through);
                }

                _state.LastAckedSeq = Math.Max(_state.LastAckedSeq, Math.Max(ack.LastSeq, through));
                _stateStore.Save(_state);
                if (_lastFailure is not null && _spool!.Count + batch.Count > 1)
                {
                    _logger.LogInformation("Replayed {Count} spooled snapshot(s) to the manager", batch.Count);
                }

                Succeeded();
            }
            catch (MonitoringApiException ex) when (ex.StatusCode == 401)
            {
                SpoolFresh();
                Revoked();
                return;
            }
            catch (MonitoringApiException ex) when (ex.Code == ErrorCodes.AgentPending)
            {
                SpoolFresh();
                LostRegistration();
                return;
            }
            catch (MonitoringApiException ex) when (ex.StatusCode is 400 or 413 or 422)
            {
                // The manager will never take these: keep the spool moving rather than retry them forever.
                _logger.LogError(
                    "The manager refused snapshots {First}..{Last} and they were dropped: {Message}",
                    batch[0].Seq, batch[batch.Count - 1].Seq, ex.Message);
                if (fromMemory)
                {
                    _fresh = null;
                }
                else
                {
                    _spool!.RemoveThrough(batch[batch.Count - 1].Seq);
                }
            }
            catch (MonitoringApiException ex)
            {
                SpoolFresh();
                if (ex.RetryAfter is { } wait)
                {
                    _flushNotBefore = _time.GetTimestamp() + ToTimestamp(wait < MaxRetryAfter ? wait : MaxRetryAfter);
                }

                Failed($"{ex.Message} ({_spool!.Count} snapshot(s) spooled, replayed when the manager is back)");
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
