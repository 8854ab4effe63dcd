using System.Collections.Concurrent;
using Monitoring.Protocol;

namespace Monitoring.Manager.Alerts;

/// <summary>
/// The alerts firing now, in memory: each agent's firing fingerprints with their severity, loaded from the store at
/// start and kept by <see cref="AlertService"/> as transitions are stored. The fleet view and the Prometheus export
/// read it instead of the alert history.
/// </summary>
internal sealed class FiringAlerts
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, AlertSeverity>> _byAgent = new(StringComparer.Ordinal);

    public void Load(IEnumerable<(string AgentId, string Fingerprint, AlertSeverity Severity)> firing)
    {
        _byAgent.Clear();
        foreach (var (agentId, fingerprint, severity) in firing)
        {
            _byAgent.GetOrAdd(agentId, _ => new(StringComparer.Ordinal))[fingerprint] = severity;
        }
    }

    /// <summary>Follows a stored transition: a firing one adds its fingerprint, a resolved one takes it away.</summary>
    public void Apply(string agentId, AlertTransition transition)
    {
        if (transition.State == AlertState.Firing)
        {
            _byAgent.GetOrAdd(agentId, _ => new(StringComparer.Ordinal))[transition.Fingerprint] = transition.Severity;
        }
        else if (_byAgent.TryGetValue(agentId, out var fingerprints))
        {
            fingerprints.TryRemove(transition.Fingerprint, out _);
        }
    }

    /// <summary>How many alerts the agent has firing.</summary>
    public int Count(string agentId) => _byAgent.TryGetValue(agentId, out var fingerprints) ? fingerprints.Count : 0;

    /// <summary>Firing alerts per agent and severity (agents with none left out).</summary>
    public IReadOnlyList<(string AgentId, AlertSeverity Severity, int Count)> Counts() =>
        [.. _byAgent.SelectMany(a => a.Value.Values.GroupBy(s => s).Select(g => (a.Key, g.Key, g.Count())))];
}
