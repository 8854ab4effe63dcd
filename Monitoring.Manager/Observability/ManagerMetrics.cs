using Monitoring.Manager.Commands;
using Monitoring.Manager.Fleet;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;
using Prometheus;

namespace Monitoring.Manager.Observability;

/// <summary>
/// The manager's own metrics, kept by prometheus-net in a registry of this manager's (not the library's global
/// one): reports ingested and their store latency, the writer's queue and commits, HTTP requests (through
/// prometheus-net's middleware, see <see cref="Factory"/>), open command streams and polls, and agents by state.
/// </summary>
internal sealed class ManagerMetrics
{
    public ManagerMetrics(IStoreStats database, FleetRegistry fleet, CommandBroker broker)
    {
        Factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        SnapshotsStored = Factory.CreateCounter("monitoring_snapshots_stored_total", "Snapshots stored from agents' status reports.");
        SnapshotsReplayed = Factory.CreateCounter("monitoring_snapshots_replayed_total", "Snapshots agents sent again that were already stored (replays after a lost answer).");
        ReportStoreSeconds = Factory.CreateHistogram(
            "monitoring_report_store_seconds",
            "Time from a status report's write being queued to its commit being on disk.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });
        _notificationAttempts = Factory.CreateCounter(
            "monitoring_notification_attempts_total", "Attempts to deliver alert notifications, by receiver and outcome.", new CounterConfiguration { LabelNames = ["receiver", "outcome"] });
        _receiverFailing = Factory.CreateGauge(
            "monitoring_notification_receiver_failing", "1 while a receiver's last delivery attempt failed (its messages wait and are retried).", new GaugeConfiguration { LabelNames = ["receiver"] });
        var queue = Factory.CreateGauge("monitoring_store_queue_depth", "Writes waiting for the store's writer.");
        var commits = Factory.CreateCounter("monitoring_store_commits_total", "Commits of the store's writer (each carries a group of writes).");
        var writes = Factory.CreateCounter("monitoring_store_writes_total", "Writes committed by the store's writer.");
        var streams = Factory.CreateGauge("monitoring_command_streams_open", "Agents holding a command stream or long-poll open.");
        var agents = Factory.CreateGauge("monitoring_agents", "Enrolled agents by state.", new GaugeConfiguration { LabelNames = ["state"] });
        Registry.AddBeforeCollectCallback(() =>
        {
            queue.Set(database.QueueDepth);
            var (commitCount, writeCount) = database.CommitStats;
            commits.IncTo(commitCount);
            writes.IncTo(writeCount);
            streams.Set(broker.OpenPolls);
            foreach (var (state, count) in fleet.CountByState())
            {
                agents.WithLabels(WireNames.Of(state, MonitoringJsonContext.Default.AgentState)).Set(count);
            }
        });
    }

    private readonly Counter _notificationAttempts;
    private readonly Gauge _receiverFailing;

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    /// <summary>Creates metrics in <see cref="Registry"/>; the HTTP middleware records request counts and durations through it.</summary>
    public IMetricFactory Factory { get; }

    public Counter SnapshotsStored { get; }

    public Counter SnapshotsReplayed { get; }

    public Histogram ReportStoreSeconds { get; }

    /// <summary>Records one status report's outcome and how long the store took to make it durable.</summary>
    public void Reported(AppendResult result, TimeSpan stored)
    {
        SnapshotsStored.Inc(result.Accepted);
        SnapshotsReplayed.Inc(result.Duplicates);
        ReportStoreSeconds.Observe(stored.TotalSeconds);
    }

    /// <summary>Counts a delivery's attempts by outcome and marks its receiver failing (1) or not (0) by the last one.</summary>
    public void NotificationAttempted(string receiver, IReadOnlyList<NotificationAttempt> attempts)
    {
        foreach (var attempt in attempts)
        {
            _notificationAttempts.WithLabels(receiver, attempt.Succeeded ? "succeeded" : "failed").Inc();
        }

        if (attempts.Count > 0)
        {
            _receiverFailing.WithLabels(receiver).Set(attempts[^1].Succeeded ? 0 : 1);
        }
    }

    /// <summary>Sets the failing gauge of each receiver from the store's state (at start).</summary>
    public void ReceiverStates(IEnumerable<(string Receiver, bool Failing)> states)
    {
        foreach (var (receiver, failing) in states)
        {
            _receiverFailing.WithLabels(receiver).Set(failing ? 1 : 0);
        }
    }
}
