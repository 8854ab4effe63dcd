using System.Text.Json;
using Monitoring.Manager.Storage;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Fleet;

/// <summary>What the other managers sharing the store change in this manager's fleet (see <see cref="Cluster.ClusterSync"/>).</summary>
internal sealed partial class FleetRegistry
{
    /// <summary>The sequence number of the newest snapshot held for the agent; -1 when it is unknown here.</summary>
    public long LatestSeqOf(string id)
    {
        if (!_agents.TryGetValue(id, out var entry))
        {
            return -1;
        }

        lock (entry.Gate)
        {
            return entry.HasLatest ? entry.LatestSeq : 0;
        }
    }

    /// <summary>
    /// An agent as the store has it after another manager changed it or took its report: its record and token, a
    /// later last contact, and a newer snapshot replace what is held here; nothing newer here is undone.
    /// </summary>
    public void Synced(StoredAgent agent, MetricSnapshot? latest)
    {
        Upsert(agent);
        if (latest is null || !_agents.TryGetValue(agent.Id, out var entry))
        {
            return;
        }

        lock (entry.Gate)
        {
            if (!entry.HasLatest || latest.Seq > entry.LatestSeq)
            {
                entry.SetLatest(latest, JsonSerializer.SerializeToUtf8Bytes(latest, MonitoringJsonContext.Default.MetricSnapshot));
            }
        }
    }

    /// <summary>The agent reported to another manager: its newest snapshot (with its JSON) and when that manager received it.</summary>
    public void ReportedElsewhere(string id, MetricSnapshot latest, byte[] json, DateTimeOffset receivedAt)
    {
        if (!_agents.TryGetValue(id, out var entry))
        {
            return;
        }

        lock (entry.Gate)
        {
            if (!entry.HasLatest || latest.Seq > entry.LatestSeq)
            {
                entry.SetLatest(latest, json);
            }

            if (entry.LastSeen is null || receivedAt > entry.LastSeen)
            {
                entry.LastSeen = receivedAt;
            }

            entry.LastSeq = Math.Max(entry.LastSeq, latest.Seq);
        }

        MarkOnlineIfBack(entry);
    }

    /// <summary>Another manager (the leader) raised or resolved the agent's offline alert.</summary>
    public void OfflineAlertRecorded(string agentId, bool open)
    {
        if (_agents.TryGetValue(agentId, out var entry))
        {
            lock (entry.Gate)
            {
                entry.OfflineAlertOpen = open;
            }
        }
    }
}
