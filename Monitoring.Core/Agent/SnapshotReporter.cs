using Microsoft.Extensions.Logging;
using Monitoring.Client;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>
/// The report path: stamp each collected snapshot with the next sequence number, send it, and keep what the manager
/// has not acknowledged. A snapshot that cannot be sent at once (the manager is away or behind, or older ones wait)
/// goes to the spool on disk, which is sent oldest first; while the manager answers, nothing touches the disk but the
/// acknowledged sequence number.
/// </summary>
internal sealed partial class SnapshotReporter
{
    /// <summary>The longest Retry-After the agent honours, so a wrong header cannot silence it for long.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromMinutes(5);

    private readonly AgentRuntimeOptions _options;
    private readonly AgentConnection _connection;
    private readonly AgentRegistration _registration;
    private readonly ConnectionHealth _health;
    private readonly AlertPipeline _alerts;
    private readonly Func<MetricSnapshot> _collect;
    private readonly ILogger _logger;
    private readonly SnapshotSpool _spool;

    /// <summary>The first sequence number this run gave out: snapshots from it on were never sent before the first registration.</summary>
    private readonly long _firstSeqOfRun;
    private long _nextSeq;
    private bool _registeredThisRun;

    /// <summary>The snapshot collected this tick and not sent yet: in memory only until its send fails.</summary>
    private MetricSnapshot? _fresh;

    /// <summary>The manager asked to wait (Retry-After): no report is sent before this time; snapshots keep spooling.</summary>
    private DateTimeOffset _notBefore;

    public SnapshotReporter(
        AgentRuntimeOptions options,
        AgentConnection connection,
        AgentRegistration registration,
        ConnectionHealth health,
        AlertPipeline alerts,
        Func<MetricSnapshot> collect,
        ILogger logger)
    {
        _options = options;
        _connection = connection;
        _registration = registration;
        _health = health;
        _alerts = alerts;
        _collect = collect;
        _logger = logger;
        _spool = new SnapshotSpool(Path.Combine(options.StateDirectory, "spool"), options.SpoolCapacity, logger);
        _nextSeq = Math.Max(registration.State.LastAckedSeq, _spool.MaxSeq) + 1;
        _firstSeqOfRun = _nextSeq;
    }

    /// <summary>Snapshots waiting for the manager's acknowledgement.</summary>
    public int Count => _spool.Count + (_fresh is null ? 0 : 1);

    /// <summary>Collects a snapshot and evaluates the alert rules on it; it waits in memory for <see cref="FlushAsync"/>.</summary>
    public void Collect()
    {
        MetricSnapshot snapshot;
        try
        {
            var dropped = _registration.State.DroppedSnapshots;
            snapshot = _collect() with { Seq = _nextSeq, DroppedSnapshots = dropped > 0 ? dropped : null };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            LogCollectFailed(_logger, ex);
            return;
        }

        _nextSeq = checked(_nextSeq + 1);
        SpoolFresh();
        _fresh = snapshot;
        _alerts.Observe(snapshot);
    }

    /// <summary>Puts the snapshot not sent yet into the spool, so it survives a restart and goes out in order.</summary>
    public void SpoolFresh()
    {
        if (_fresh is not { } snapshot)
        {
            return;
        }

        _spool.Add(snapshot);
        _fresh = null;
        if (_spool.Dropped > 0)
        {
            var state = _registration.State;
            state.DroppedSnapshots += _spool.Dropped;
            _registration.Save();
            LogSpoolFull(_logger, _options.SpoolCapacity, _spool.Dropped, state.DroppedSnapshots);
            _spool.Dropped = 0;
        }
    }

    /// <summary>
    /// The manager registered the agent and said the last sequence number it holds: number new snapshots after it.
    /// After a fresh enrollment of an id the manager has history for, spooled snapshots are numbered after it too,
    /// or the manager would take them for replays and drop them. The same holds at the first registration of a run
    /// for the snapshots this run collected before it: the acknowledged number is saved lazily (not on every report),
    /// so after a crash the run may have started from an older one; those snapshots were never sent, so new numbers
    /// cannot duplicate anything.
    /// </summary>
    public void Registered(long managerLastSeq, bool enrolled)
    {
        var firstOfRun = _registeredThisRun ? long.MaxValue : _firstSeqOfRun;
        _registeredThisRun = true;
        var renumbered = true;
        if (enrolled && _spool.Count > 0 && _spool.Peek(1)[0].Seq <= managerLastSeq)
        {
            _nextSeq = _spool.Renumber(managerLastSeq + 1);
        }
        else if (firstOfRun <= managerLastSeq && _nextSeq > firstOfRun)
        {
            _nextSeq = _spool.Renumber(managerLastSeq + 1, fromSeq: firstOfRun);
        }
        else
        {
            renumbered = false;
        }

        _nextSeq = Math.Max(_nextSeq, checked(managerLastSeq + 1));
        if (_fresh is { } fresh && (renumbered || fresh.Seq <= managerLastSeq))
        {
            // This tick's snapshot was never sent (it is in memory only until a send fails): it goes after the rest.
            _fresh = fresh with { Seq = _nextSeq };
            _nextSeq = checked(_nextSeq + 1);
        }
    }

    /// <summary>Sends the fresh snapshot, or the spool oldest first, until everything is acknowledged or a send fails.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_options.TimeProvider.GetUtcNow() < _notBefore)
        {
            SpoolFresh();
            return;
        }

        while ((_fresh is not null || _spool.Count > 0) && !ct.IsCancellationRequested)
        {
            // The usual case: nothing waits in the spool, so the new snapshot goes straight from memory. Otherwise it
            // joins the spool, which goes out oldest first.
            var fromMemory = _fresh is not null && _spool.Count == 0;
            if (!fromMemory)
            {
                SpoolFresh();
            }

            var batch = fromMemory ? [_fresh!] : _spool.Peek(_options.BatchSize);
            if (batch.Count == 0)
            {
                continue;
            }

            var through = batch[batch.Count - 1].Seq;
            try
            {
                var ack = await _connection.ReportAsync(_options.AgentId, batch, ct).ConfigureAwait(false);
                await _alerts.RefreshCentralRulesAsync(ack.ThresholdsVersion, ct).ConfigureAwait(false);
                Remove(fromMemory, through);
                // Kept in memory and saved when the agent stops: after a crash the first registration renumbers what
                // this run collected (see Registered), so a write and fsync per report buys nothing.
                var state = _registration.State;
                state.LastAckedSeq = Math.Max(state.LastAckedSeq, Math.Max(ack.LastSeq, through));
                if (_health.IsRecovering && _spool.Count + batch.Count > 1)
                {
                    LogReplayed(_logger, batch.Count);
                }

                _health.Succeeded();
            }
            catch (MonitoringApiException ex) when (ex.StatusCode == 401)
            {
                SpoolFresh();
                _registration.Revoked();
                return;
            }
            catch (MonitoringApiException ex) when (ex.Code == ErrorCodes.AgentPending)
            {
                SpoolFresh();
                _registration.Lost();
                return;
            }
            catch (MonitoringApiException ex) when (ex.StatusCode is 400 or 413 or 422)
            {
                // The manager will never take these: keep the spool moving rather than retry them forever.
                LogRefused(_logger, batch[0].Seq, through, ex.Message);
                Remove(fromMemory, through);
            }
            catch (MonitoringApiException ex)
            {
                SpoolFresh();
                if (ex.RetryAfter is { } wait)
                {
                    _notBefore = _options.TimeProvider.GetUtcNow() + (wait < MaxRetryAfter ? wait : MaxRetryAfter);
                }

                _health.Failed($"{ex.Message} ({_spool.Count} snapshot(s) spooled, replayed when the manager is back)");
                return;
            }
        }
    }

    private void Remove(bool fromMemory, long through)
    {
        if (fromMemory)
        {
            _fresh = null;
        }
        else
        {
            _spool.RemoveThrough(through);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collecting metrics failed; skipping this interval")]
    private static partial void LogCollectFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The spool is full ({Capacity} snapshots): dropped the oldest {Dropped} ({Total} in all, reported to the manager). Raise SpoolCapacity to keep more during long outages.")]
    private static partial void LogSpoolFull(ILogger logger, int capacity, long dropped, long total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} spooled snapshot(s) to the manager")]
    private static partial void LogReplayed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The manager refused snapshots {First}..{Last} and they were dropped: {Message}")]
    private static partial void LogRefused(ILogger logger, long first, long last, string message);
}
