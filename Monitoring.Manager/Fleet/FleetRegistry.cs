using System.Security.Claims;
using System.Text.Json;
using System.Collections.Concurrent;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Monitoring.Manager.Storage;

namespace Monitoring.Manager.Fleet;

/// <summary>
/// The fleet in memory: every agent with its token hash, last contact and latest snapshot, so listing agents and
/// authenticating them never touch the database.
/// </summary>
internal sealed partial class FleetRegistry(TimeProvider time, ManagerOptions options, Alerts.FiringAlerts firing, ILogger<FleetRegistry> logger)
{
    private readonly ConcurrentDictionary<string, Entry> _agents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _byTokenHash = new(StringComparer.Ordinal);

    /// <summary>The rule name of the alert the manager raises for an agent that stopped reporting.</summary>
    public const string OfflineRule = "agent-offline";

    /// <summary>
    /// One agent. A report changes fields in place and copies the newest snapshot's JSON into a buffer the entry
    /// keeps: ten thousand agents' snapshots allocated anew and held for an interval each were most of what every
    /// garbage collection had to copy (see docs/benchmarks.md, "Fleet").
    /// </summary>
    private sealed class Entry(StoredAgent agent)
    {
        public StoredAgent Agent = agent;
        public DateTimeOffset? LastSeen = agent.LastSeen;
        public long LastSeq = agent.LastSeq;
        public long LatestSeq;
        public long Dropped;
        public AgentState Logged = AgentState.Online;
        public bool OfflineAlertOpen;
        public readonly Lock Gate = new();

        /// <summary>The principal built for <see cref="PrincipalFor"/>, reused by every request while the agent's record is that one.</summary>
        public (StoredAgent For, ClaimsPrincipal Principal)? Principal;
        private byte[]? _latest;
        private int _latestLength;
        private MetricSnapshot? _parsed;

        public bool HasLatest => _latest is not null;

        /// <summary>The newest snapshot's numbers for the fleet view.</summary>
        public AgentVitals? Vitals;

        public void SetLatest(MetricSnapshot? snapshot, ReadOnlySpan<byte> json)
        {
            if (snapshot is null)
            {
                return;
            }

            if (_latest is null || _latest.Length < json.Length)
            {
                // Room to grow, so a snapshot a little larger than the last does not allocate again.
                _latest = new byte[json.Length + (json.Length / 4)];
            }

            json.CopyTo(_latest);
            _latestLength = json.Length;
            LatestSeq = snapshot.Seq;
            Vitals = AgentVitals.Of(snapshot);
            Dropped = snapshot.DroppedSnapshots ?? 0;
            _parsed = null;
        }

        /// <summary>The newest snapshot, parsed on first use after each report (listing reads it, reporting does not).</summary>
        public MetricSnapshot? Latest() =>
            _parsed ??= _latest is null ? null : JsonSerializer.Deserialize(_latest.AsSpan(0, _latestLength), MonitoringJsonContext.Default.MetricSnapshot);

        /// <summary>The newest snapshot, parsed for the caller alone: a scrape of every agent keeps no object graph per agent.</summary>
        public MetricSnapshot? LatestUncached() =>
            _parsed ?? (_latest is null ? null : JsonSerializer.Deserialize(_latest.AsSpan(0, _latestLength), MonitoringJsonContext.Default.MetricSnapshot));
    }

    public void Load(IEnumerable<(StoredAgent Agent, MetricSnapshot? Latest)> agents, IReadOnlySet<string> openOfflineAlerts)
    {
        foreach (var (agent, latest) in agents)
        {
            var entry = new Entry(agent) { OfflineAlertOpen = openOfflineAlerts.Contains(agent.Id) };
            if (latest is not null)
            {
                entry.SetLatest(latest, JsonSerializer.SerializeToUtf8Bytes(latest, MonitoringJsonContext.Default.MetricSnapshot));
            }
            entry.Logged = StateOf(entry);
            _agents[agent.Id] = entry;
            _byTokenHash[agent.TokenHash] = agent.Id;
        }
    }

    /// <summary>
    /// The principal of the agent holding this token, unless an admin reset it (its token is revoked then), built by
    /// <paramref name="create"/> once per change of the agent's record and shared by its requests after that: a
    /// long-poll holds its principal for the whole wait, and ten thousand agents renew theirs all the time.
    /// </summary>
    public ClaimsPrincipal? AgentPrincipal(string hash, Func<StoredAgent, ClaimsPrincipal> create)
    {
        if (!_byTokenHash.TryGetValue(hash, out var id) || !_agents.TryGetValue(id, out var e))
        {
            return null;
        }

        lock (e.Gate)
        {
            var agent = e.Agent;
            if (agent.TokenHash != hash || agent.Enrollment == AgentEnrollment.Reset)
            {
                return null;
            }

            if (e.Principal is not { } cached || !ReferenceEquals(cached.For, agent))
            {
                cached = (agent, create(agent));
                e.Principal = cached;
            }

            return cached.Principal;
        }
    }

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
            if (agent.LastSeen > entry.LastSeen || entry.LastSeen is null)
            {
                entry.LastSeen = agent.LastSeen;
            }

            entry.LastSeq = Math.Max(entry.LastSeq, agent.LastSeq);
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

    /// <summary>
    /// Records an accepted report: last contact, address, and the newest snapshot of the batch, given with its JSON
    /// (<paramref name="json"/>[i] is <paramref name="snapshots"/>[i] serialized).
    /// </summary>
    public void Reported(string id, IReadOnlyList<MetricSnapshot> snapshots, IReadOnlyList<byte[]> json, long lastSeq, string? address)
    {
        if (!_agents.TryGetValue(id, out var entry))
        {
            return;
        }

        var newest = -1;
        for (var i = 0; i < snapshots.Count; i++)
        {
            if (newest < 0 || snapshots[i].Seq > snapshots[newest].Seq)
            {
                newest = i;
            }
        }

        lock (entry.Gate)
        {
            if (newest >= 0 && (!entry.HasLatest || snapshots[newest].Seq > entry.LatestSeq))
            {
                entry.SetLatest(snapshots[newest], json[newest]);
            }

            entry.LastSeen = time.GetUtcNow();
            entry.LastSeq = Math.Max(entry.LastSeq, lastSeq);
            if (address is not null && address != entry.Agent.Address)
            {
                entry.Agent = entry.Agent with { Address = address };
            }
        }

        MarkOnlineIfBack(entry);
    }

    public IReadOnlyList<AgentInfo> List() =>
        [.. _agents.Values.Select(ToInfo).OrderBy(a => a.Id, StringComparer.Ordinal)];

    public AgentInfo? Get(string id) => _agents.TryGetValue(id, out var e) ? ToInfo(e) with { Commands = e.Agent.Commands } : null;

    /// <summary>Every agent in a line, by id: what the dashboard's fleet view lists.</summary>
    public IReadOnlyList<AgentSummary> Summaries() =>
        [.. _agents.Values.Select(Summarize).OrderBy(a => a.Id, StringComparer.Ordinal)];

    /// <summary>One agent in a line, or null.</summary>
    public AgentSummary? Summary(string id) => _agents.TryGetValue(id, out var e) ? Summarize(e) : null;

    private AgentSummary Summarize(Entry e)
    {
        lock (e.Gate)
        {
            var v = e.Vitals;
            return new AgentSummary
            {
                Id = e.Agent.Id, Status = StateOf(e), Hostname = e.Agent.Hostname, LastSeen = e.LastSeen, Seq = e.LatestSeq,
                Timestamp = v?.Timestamp, Cpu = v?.Cpu, Memory = v?.Memory, WorstDisk = v?.WorstDisk, WorstDiskPercent = v?.WorstDiskPercent,
                RxBytesPerSec = v?.Rx, TxBytesPerSec = v?.Tx, UptimeSeconds = v?.Uptime, AlertsFiring = firing.Count(e.Agent.Id),
            };
        }
    }

    /// <summary>How many agents are in each state.</summary>
    public Dictionary<AgentState, int> CountByState()
    {
        var counts = Enum.GetValues<AgentState>().ToDictionary(s => s, _ => 0);
        foreach (var entry in _agents.Values)
        {
            lock (entry.Gate)
            {
                counts[StateOf(entry)]++;
            }
        }

        return counts;
    }

    /// <summary>Every agent's id, state, last contact and newest snapshot (parsed for this call, not kept), by id.</summary>
    public IEnumerable<(string Id, AgentState State, DateTimeOffset? LastSeen, MetricSnapshot? Latest)> Export()
    {
        foreach (var entry in _agents.Values.OrderBy(e => e.Agent.Id, StringComparer.Ordinal))
        {
            (string, AgentState, DateTimeOffset?, MetricSnapshot?) row;
            lock (entry.Gate)
            {
                row = (entry.Agent.Id, StateOf(entry), entry.LastSeen, entry.LatestUncached());
            }

            yield return row;
        }
    }

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
                var state = StateOf(entry);
                if (entry.Logged == AgentState.Online && state == AgentState.Offline)
                {
                    entry.Logged = AgentState.Offline;
                    LogOffline(logger, entry.Agent.Id, entry.LastSeen, options.OfflineAfterMissedIntervals, entry.Agent.IntervalSeconds);
                }

                if (state == AgentState.Offline && !entry.OfflineAlertOpen && now >= alertsFrom)
                {
                    entry.OfflineAlertOpen = true;
                    changes.Add((entry.Agent.Id, OfflineTransition(entry.Agent.Id, entry.LastSeen, AlertState.Firing, now)));
                }
                else if (state == AgentState.Online && entry.OfflineAlertOpen)
                {
                    entry.OfflineAlertOpen = false;
                    changes.Add((entry.Agent.Id, OfflineTransition(entry.Agent.Id, entry.LastSeen, AlertState.Resolved, now)));
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

    private static AlertTransition OfflineTransition(string agentId, DateTimeOffset? lastSeen, AlertState state, DateTimeOffset now) => new()
    {
        Fingerprint = OfflineRule,
        Rule = OfflineRule,
        State = state,
        Severity = AlertSeverity.Critical,
        Timestamp = now,
        Since = lastSeen,
        DurationSeconds = state == AlertState.Resolved && lastSeen is { } seen ? Math.Round((now - seen).TotalSeconds, 3) : null,
        Message = state == AlertState.Firing
            ? $"Agent '{agentId}' is offline: no report since {lastSeen:u}."
            : $"Agent '{agentId}' is reporting again.",
    };

    private void MarkOnlineIfBack(Entry entry)
    {
        lock (entry.Gate)
        {
            if (entry.Logged == AgentState.Offline && StateOf(entry) == AgentState.Online)
            {
                entry.Logged = AgentState.Online;
                LogOnline(logger, entry.Agent.Id);
            }
        }
    }

    private AgentState StateOf(Entry entry)
    {
        if (entry.LastSeen is not { } seen)
        {
            return AgentState.Offline;
        }

        var interval = Math.Max(entry.Agent.IntervalSeconds, 0.1);
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
                Status = StateOf(e),
                Enrollment = a.Enrollment,
                LastSeen = e.LastSeen,
                RegisteredAt = a.RegisteredAt,
                Address = a.Address,
                Hostname = a.Hostname,
                Os = a.Os,
                OsVersion = a.OsVersion,
                AgentVersion = a.AgentVersion,
                IntervalSeconds = a.IntervalSeconds,
                Labels = a.Labels,
                LastSeq = e.LastSeq,
                DroppedSnapshots = e.Dropped,
                Latest = e.Latest(),
            };
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} is offline: no report since {LastSeen:u} ({Missed} intervals of {Interval}s missed)")]
    private static partial void LogOffline(ILogger logger, string agentId, DateTimeOffset? lastSeen, int missed, double interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} is online again")]
    private static partial void LogOnline(ILogger logger, string agentId);
}
