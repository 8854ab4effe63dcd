using System.Collections.Concurrent;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Monitoring.Manager.Storage;

namespace Monitoring.Manager.Fleet;

/// <summary>
/// The fleet in memory: every agent with its token hash, last contact and latest snapshot, so listing agents and
/// authenticating them never touch the database.
/// </summary>
internal sealed partial class FleetRegistry(TimeProvider time, ManagerOptions options, ILogger<FleetRegistry> logger)
{
    private readonly ConcurrentDictionary<string, Entry> _agents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _byTokenHash = new(StringComparer.Ordinal);

    /// <summary>The rule name of the alert the manager raises for an agent that stopped reporting.</summary>
    public const string OfflineRule = "agent-offline";

    private sealed class Entry(StoredAgent agent)
    {
        public StoredAgent Agent = agent;
        public MetricSnapshot? Latest;
        public AgentState Logged = AgentState.Online;
        public bool OfflineAlertOpen;
        public readonly Lock Gate = new();
    }

    public void Load(IEnumerable<(StoredAgent Agent, MetricSnapshot? Latest)> agents, IReadOnlySet<string> openOfflineAlerts)
    {
        foreach (var (agent, latest) in agents)
        {
            var entry = new Entry(agent) { Latest = latest, OfflineAlertOpen = openOfflineAlerts.Contains(agent.Id) };
            entry.Logged = StateOf(agent);
            _agents[agent.Id] = entry;
            _byTokenHash[agent.TokenHash] = agent.Id;
        }
    }

    /// <summary>The agent holding this token, unless an admin reset it (its token is revoked then).</summary>
    public StoredAgent? FindByTokenHash(string hash) =>
        _byTokenHash.TryGetValue(hash, out var id) && _agents.TryGetValue(id, out var e) && e.Agent.TokenHash == hash && e.Agent.Enrollment != AgentEnrollment.Reset
            ? e.Agent
            : null;

    /// <summary>How many agents are enrolled (any state).</summary>
    public int Count => _agents.Count;

    public StoredAgent? Find(string id) => _agents.TryGetValue(id, out var e) ? e.Agent : null;

    /// <summary>Adds or replaces an agent; a replaced token stops working at once.</summary>
    public void Upsert(StoredAgent agent)
    {
        var entry = _agents.GetOrAdd(agent.Id, _ => new Entry(agent));
        lock (entry.Gate)
        {
            if (entry.Agent.TokenHash != agent.TokenHash)
            {
                _byTokenHash.TryRemove(entry.Agent.TokenHash, out _);
            }

            entry.Agent = agent;
            _byTokenHash[agent.TokenHash] = agent.Id;
        }

        MarkOnlineIfBack(entry);
    }

    public bool Remove(string id)
    {
        if (!_agents.TryRemove(id, out var entry))
        {
            return false;
        }

        _byTokenHash.TryRemove(entry.Agent.TokenHash, out _);
        return true;
    }

    /// <summary>Records an accepted report: last contact, address, and the newest snapshot of the batch.</summary>
    public void Reported(string id, IReadOnlyList<MetricSnapshot> snapshots, long lastSeq, string? address)
    {
        if (!_agents.TryGetValue(id, out var entry))
        {
            return;
        }

        lock (entry.Gate)
        {
            var newest = snapshots.Count == 0 ? null : snapshots.MaxBy(s => s.Seq);
            if (newest is not null && (entry.Latest is null || newest.Seq > entry.Latest.Seq))
            {
                entry.Latest = newest;
            }

            entry.Agent = entry.Agent with { LastSeen = time.GetUtcNow(), LastSeq = Math.Max(entry.Agent.LastSeq, lastSeq), Address = address ?? entry.Agent.Address };
        }

        MarkOnlineIfBack(entry);
    }

    public IReadOnlyList<AgentInfo> List() =>
        [.. _agents.Values.Select(ToInfo).OrderBy(a => a.Id, StringComparer.Ordinal)];

    public AgentInfo? Get(string id) => _agents.TryGetValue(id, out var e) ? ToInfo(e) : null;

    /// <summary>
    /// Logs agents that went offline since the last check, and returns the offline alerts to raise or resolve: one
    /// firing per outage (not before <paramref name="alertsFrom"/>, so a restarted manager does not call every agent
    /// offline), one resolved when the agent is back. The offline monitor calls this every second.
    /// </summary>
    public IReadOnlyList<(string AgentId, AlertTransition Transition)> CheckOffline(DateTimeOffset alertsFrom)
    {
        var now = time.GetUtcNow();
        var changes = new List<(string, AlertTransition)>();
        foreach (var entry in _agents.Values)
        {
            lock (entry.Gate)
            {
                var state = StateOf(entry.Agent);
                if (entry.Logged == AgentState.Online && state == AgentState.Offline)
                {
                    entry.Logged = AgentState.Offline;
                    LogOffline(logger, entry.Agent.Id, entry.Agent.LastSeen, options.OfflineAfterMissedIntervals, entry.Agent.IntervalSeconds);
                }

                if (state == AgentState.Offline && !entry.OfflineAlertOpen && now >= alertsFrom)
                {
                    entry.OfflineAlertOpen = true;
                    changes.Add((entry.Agent.Id, OfflineTransition(entry.Agent, AlertState.Firing, now)));
                }
                else if (state == AgentState.Online && entry.OfflineAlertOpen)
                {
                    entry.OfflineAlertOpen = false;
                    changes.Add((entry.Agent.Id, OfflineTransition(entry.Agent, AlertState.Resolved, now)));
                }
            }
        }

        return changes;
    }

    /// <summary>Undoes what <see cref="CheckOffline"/> assumed about a transition the store did not take, so the next check sends it again.</summary>
    public void OfflineAlertNotRecorded(string agentId, AlertTransition transition)
    {
        if (_agents.TryGetValue(agentId, out var entry))
        {
            lock (entry.Gate)
            {
                entry.OfflineAlertOpen = transition.State != AlertState.Firing;
            }
        }
    }

    private static AlertTransition OfflineTransition(StoredAgent agent, AlertState state, DateTimeOffset now) => new()
    {
        Fingerprint = OfflineRule,
        Rule = OfflineRule,
        State = state,
        Severity = AlertSeverity.Critical,
        Timestamp = now,
        Since = agent.LastSeen,
        DurationSeconds = state == AlertState.Resolved && agent.LastSeen is { } seen ? Math.Round((now - seen).TotalSeconds, 3) : null,
        Message = state == AlertState.Firing
            ? $"Agent '{agent.Id}' is offline: no report since {agent.LastSeen:u}."
            : $"Agent '{agent.Id}' is reporting again.",
    };

    private void MarkOnlineIfBack(Entry entry)
    {
        lock (entry.Gate)
        {
            if (entry.Logged == AgentState.Offline && StateOf(entry.Agent) == AgentState.Online)
            {
                entry.Logged = AgentState.Online;
                LogOnline(logger, entry.Agent.Id);
            }
        }
    }

    private AgentState StateOf(StoredAgent agent)
    {
        if (agent.LastSeen is not { } seen)
        {
            return AgentState.Offline;
        }

        var interval = Math.Max(agent.IntervalSeconds, 0.1);
        var allowed = TimeSpan.FromSeconds(interval * options.OfflineAfterMissedIntervals);
        return time.GetUtcNow() - seen > allowed ? AgentState.Offline : AgentState.Online;
    }

    private AgentInfo ToInfo(Entry e)
    {
        lock (e.Gate)
        {
            var a = e.Agent;
            return new AgentInfo
            {
                Id = a.Id,
                Status = StateOf(a),
                Enrollment = a.Enrollment,
                LastSeen = a.LastSeen,
                RegisteredAt = a.RegisteredAt,
                Address = a.Address,
                Hostname = a.Hostname,
                Os = a.Os,
                OsVersion = a.OsVersion,
                AgentVersion = a.AgentVersion,
                IntervalSeconds = a.IntervalSeconds,
                Labels = a.Labels,
                LastSeq = a.LastSeq,
                DroppedSnapshots = e.Latest?.DroppedSnapshots ?? 0,
                Latest = e.Latest,
            };
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} is offline: no report since {LastSeen:u} ({Missed} intervals of {Interval}s missed)")]
    private static partial void LogOffline(ILogger logger, string agentId, DateTimeOffset? lastSeen, int missed, double interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} is online again")]
    private static partial void LogOnline(ILogger logger, string agentId);
}
