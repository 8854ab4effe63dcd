using System.Globalization;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Alerts;

/// <summary>
/// Evaluates threshold rules against each snapshot and returns transitions only: one <c>firing</c> when a
/// condition has held for the rule's <c>for</c>, one <c>resolved</c> when the clear line is crossed. One alert per
/// rule and target (mount, interface), identified by a stable fingerprint.
/// </summary>
public sealed class AlertEvaluator
{
    private readonly TimeProvider _time;
    private readonly Dictionary<string, AlertTracking> _state = new(StringComparer.Ordinal);
    private IReadOnlyList<ThresholdRule> _rules = [];

    /// <summary>Creates an evaluator.</summary>
    public AlertEvaluator(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>What the evaluator tracks for one alert: pending since, or firing since.</summary>
    public sealed record AlertTracking
    {
        /// <summary>The rule's name.</summary>
        public string Rule { get; init; } = "";

        /// <summary>The target (mount, interface), or null.</summary>
        public string? Target { get; init; }

        /// <summary>When the condition began to hold.</summary>
        public DateTimeOffset PendingSince { get; init; }

        /// <summary>When the alert fired; null while only pending.</summary>
        public DateTimeOffset? FiringSince { get; init; }
    }

    /// <summary>The rules in force.</summary>
    public IReadOnlyList<ThresholdRule> Rules => _rules;

    /// <summary>Alerts pending or firing, by fingerprint: what to persist across restarts.</summary>
    public IReadOnlyDictionary<string, AlertTracking> State => _state;

    /// <summary>Restores tracked alerts saved before a restart, so none fires twice.</summary>
    public void Restore(IEnumerable<KeyValuePair<string, AlertTracking>> state)
    {
        foreach (var kv in state)
        {
            _state[kv.Key] = kv.Value;
        }
    }

    /// <summary>Replaces the rules; alerts of rules that are gone resolve.</summary>
    public IReadOnlyList<AlertTransition> SetRules(IReadOnlyList<ThresholdRule> rules)
    {
        _rules = rules;
        var now = _time.GetUtcNow();
        var transitions = new List<AlertTransition>();
        foreach (var entry in _state.ToList())
        {
            var (fingerprint, tracking) = (entry.Key, entry.Value);
            if (rules.Any(r => r.Name == tracking.Rule))
            {
                continue;
            }

            _state.Remove(fingerprint);
            if (tracking.FiringSince is { } since)
            {
                transitions.Add(new AlertTransition
                {
                    Fingerprint = fingerprint, Rule = tracking.Rule, Target = tracking.Target, State = AlertState.Resolved,
                    Timestamp = now, Since = since, DurationSeconds = Math.Round((now - since).TotalSeconds, 3),
                    Message = $"Rule '{tracking.Rule}' was removed.",
                });
            }
        }

        return transitions;
    }

    /// <summary>Evaluates every rule against a snapshot and returns the transitions it causes.</summary>
    public IReadOnlyList<AlertTransition> Evaluate(MetricSnapshot snapshot)
    {
        var now = _time.GetUtcNow();
        var transitions = new List<AlertTransition>();
        foreach (var rule in _rules)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (target, value) in MetricValues.Extract(snapshot, rule.Metric, rule.Target))
            {
                var fingerprint = target is null ? rule.Name : rule.Name + ":" + target;
                seen.Add(fingerprint);
                _state.TryGetValue(fingerprint, out var tracking);
                if (tracking?.FiringSince is { } firingSince)
                {
                    if (rule.IsClear(value))
                    {
                        _state.Remove(fingerprint);
                        transitions.Add(Transition(rule, fingerprint, target, value, AlertState.Resolved, now, firingSince));
                    }
                }
                else if (rule.IsBreached(value))
                {
                    var pendingSince = tracking?.PendingSince ?? now;
                    if (now - pendingSince >= rule.For)
                    {
                        _state[fingerprint] = new AlertTracking { Rule = rule.Name, Target = target, PendingSince = pendingSince, FiringSince = now };
                        transitions.Add(Transition(rule, fingerprint, target, value, AlertState.Firing, now, pendingSince));
                    }
                    else if (tracking is null)
                    {
                        _state[fingerprint] = new AlertTracking { Rule = rule.Name, Target = target, PendingSince = now };
                    }
                }
                else if (tracking is not null)
                {
                    // Pending, and the condition stopped holding before 'for' passed: start over.
                    _state.Remove(fingerprint);
                }
            }

            // A mount or interface that disappeared drops its pending state; a firing alert waits for data.
            foreach (var fingerprint in _state.Where(s => s.Value.Rule == rule.Name && s.Value.FiringSince is null && !seen.Contains(s.Key)).Select(s => s.Key).ToList())
            {
                _state.Remove(fingerprint);
            }
        }

        return transitions;
    }

    private static AlertTransition Transition(ThresholdRule rule, string fingerprint, string? target, double value, AlertState state, DateTimeOffset now, DateTimeOffset since) => new()
    {
        Fingerprint = fingerprint,
        Rule = rule.Name,
        State = state,
        Severity = rule.Severity,
        Metric = rule.Metric,
        Target = target,
        Value = Math.Round(value, 2),
        Threshold = rule.Threshold,
        Timestamp = now,
        Since = since,
        DurationSeconds = state == AlertState.Resolved ? Math.Round((now - since).TotalSeconds, 3) : null,
        Labels = rule.Labels,
        Message = Format(rule, target, value, state),
    };

    private static string Format(ThresholdRule rule, string? target, double value, AlertState state)
    {
        var template = rule.Message ?? "{rule}: {metric}{target} is {value} ({direction} {threshold})";
        var text = template
            .Replace("{rule}", rule.Name)
            .Replace("{metric}", rule.Metric)
            .Replace("{target}", target is null ? "" : (rule.Message is null ? " on " : "") + target)
            .Replace("{value}", value.ToString("0.##", CultureInfo.InvariantCulture))
            .Replace("{threshold}", rule.Threshold.ToString("0.##", CultureInfo.InvariantCulture))
            .Replace("{direction}", rule.Above is null ? "below" : "above")
            .Replace("{for}", Configuration.Duration.Format(rule.For));
        return state == AlertState.Resolved ? "Resolved: " + text : text;
    }
}
