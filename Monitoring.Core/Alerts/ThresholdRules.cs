using System.Globalization;
using Monitoring.Configuration;
using Monitoring.Protocol;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Monitoring.Alerts;

/// <summary>Reads threshold rules from YAML, with errors that name the file, line, column and key.</summary>
public static class ThresholdRules
{
    private static readonly HashSet<string> Keys = new(StringComparer.Ordinal)
    {
        "name", "metric", "above", "below", "for", "resolveBelow", "resolveAbove", "severity", "target", "mount",
        "agents", "agentLabels", "labels", "message",
    };

    /// <summary>The shipped defaults: CPU above 80% for 1 minute, memory above 90%, any disk above 90%, each with a clear line.</summary>
    public static IReadOnlyList<ThresholdRule> Defaults { get; } =
    [
        new() { Name = "cpu-high", Metric = "cpu.percent", Above = 80, For = TimeSpan.FromMinutes(1), ResolveBelow = 70, Message = "CPU at {value}% (above {threshold}% for {for})" },
        new() { Name = "memory-high", Metric = "memory.percent", Above = 90, For = TimeSpan.FromMinutes(1), ResolveBelow = 85, Message = "Memory at {value}% (above {threshold}%)" },
        new() { Name = "disk-full", Metric = "disk.percent", Above = 90, ResolveBelow = 85, Severity = AlertSeverity.Critical, Message = "Disk {target} at {value}% (above {threshold}%)" },
    ];

    /// <summary>Reads rules from a file: a list, or a mapping with a <c>thresholds</c> list.</summary>
    /// <exception cref="ConfigurationException">The file cannot be read or a rule is invalid.</exception>
    public static IReadOnlyList<ThresholdRule> Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot read the thresholds file: {ex.Message}", path, inner: ex);
        }
    }

    /// <summary>Reads rules from YAML text; <paramref name="file"/> only names it in errors.</summary>
    /// <exception cref="ConfigurationException">The YAML is invalid or a rule is; the message says where and what is allowed.</exception>
    public static IReadOnlyList<ThresholdRule> Parse(string yaml, string? file = null)
    {
        var stream = Configuration.YamlGuard.Load(yaml, file);

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        var root = stream.Documents[0].RootNode;
        if (root is YamlMappingNode map)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode("thresholds"), out var list))
            {
                return [];
            }

            root = list;
        }

        if (root is not YamlSequenceNode sequence)
        {
            throw Error(file, "thresholds", root, "thresholds must be a list of rules, each starting with '- name: …'.");
        }

        var rules = new List<ThresholdRule>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var rule = ParseRule(sequence.Children[i], $"thresholds[{i}]", file);
            if (rules.Any(r => r.Name == rule.Name))
            {
                throw Error(file, $"thresholds[{i}].name", sequence.Children[i], $"the rule name '{rule.Name}' is used twice; names must be unique.");
            }

            rules.Add(rule);
        }

        return rules;
    }

    /// <summary>Central rules first, local rules of the same name replacing them.</summary>
    public static IReadOnlyList<ThresholdRule> Merge(IEnumerable<ThresholdRule> central, IEnumerable<ThresholdRule> local)
    {
        var byName = new Dictionary<string, ThresholdRule>(StringComparer.Ordinal);
        foreach (var rule in central.Concat(local))
        {
            byName[rule.Name] = rule;
        }

        return [.. byName.Values];
    }

    /// <summary>True when a central rule applies to an agent (by id pattern and labels).</summary>
    public static bool AppliesTo(ThresholdRule rule, string agentId, IReadOnlyDictionary<string, string>? labels) =>
        MetricValues.Matches(agentId, rule.Agents)
        && (rule.AgentLabels is null || rule.AgentLabels.All(l => labels is not null && labels.TryGetValue(l.Key, out var v) && v == l.Value));

    private static ThresholdRule ParseRule(YamlNode node, string path, string? file)
    {
        if (node is not YamlMappingNode map)
        {
            throw Error(file, path, node, "a rule is a mapping such as '- name: cpu-high' with metric, above or below, and so on.");
        }

        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var entry in map.Children)
        {
            var key = (entry.Key as YamlScalarNode)?.Value ?? throw Error(file, path, entry.Key, "a key must be a plain name.");
            if (!Keys.Contains(key))
            {
                throw Error(file, $"{path}.{key}", entry.Key, $"unknown key '{key}'; a rule has: {string.Join(", ", Keys)}.");
            }

            values[key] = entry.Value;
        }

        string? Str(string key) => values.TryGetValue(key, out var n) ? (n as YamlScalarNode)?.Value ?? throw Error(file, $"{path}.{key}", n, "must be a single value.") : null;
        double? Num(string key)
        {
            var s = Str(key);
            if (s is null)
            {
                return null;
            }

            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw Error(file, $"{path}.{key}", values[key], $"'{s}' is not a number.");
        }

        IReadOnlyDictionary<string, string>? Map(string key)
        {
            if (!values.TryGetValue(key, out var n))
            {
                return null;
            }

            if (n is not YamlMappingNode m)
            {
                throw Error(file, $"{path}.{key}", n, "must be a mapping of names to values.");
            }

            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var e in m.Children)
            {
                if (e.Key is not YamlScalarNode { Value: { } k } || e.Value is not YamlScalarNode { Value: { } v })
                {
                    throw Error(file, $"{path}.{key}", e.Key, "must map plain names to plain values.");
                }

                if (result.ContainsKey(k))
                {
                    throw Error(file, $"{path}.{key}.{k}", e.Key, "the name appears twice; keep one.");
                }

                result[k] = v;
            }

            return result;
        }

        var name = Str("name");
        if (string.IsNullOrWhiteSpace(name) || name!.Length > 128 || !name.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw Error(file, $"{path}.name", values.TryGetValue("name", out var nn) ? nn : map, "every rule needs a name of letters, digits, '-', '_' or '.' (at most 128).");
        }

        var metric = Str("metric");
        if (metric is null || !MetricValues.Known.Contains(metric))
        {
            throw Error(file, $"{path}.metric", values.TryGetValue("metric", out var mn) ? mn : map, $"'{metric}' is not a metric rules can watch; use one of {string.Join(", ", MetricValues.Known)}.");
        }

        var above = Num("above");
        var below = Num("below");
        if (above is null == below is null)
        {
            throw Error(file, path, map, $"rule '{name}' needs exactly one of above or below.");
        }

        var resolveBelow = Num("resolveBelow");
        var resolveAbove = Num("resolveAbove");
        if (resolveBelow is { } rb && (above is null || rb > above))
        {
            throw Error(file, $"{path}.resolveBelow", values["resolveBelow"], "resolveBelow goes with above and must not be higher than it.");
        }

        if (resolveAbove is { } ra && (below is null || ra < below))
        {
            throw Error(file, $"{path}.resolveAbove", values["resolveAbove"], "resolveAbove goes with below and must not be lower than it.");
        }

        var forText = Str("for");
        var duration = TimeSpan.Zero;
        if (forText is not null && !Duration.TryParse(forText, out duration))
        {
            throw Error(file, $"{path}.for", values["for"], $"'{forText}' is not a duration; write for example 30s, 1m or 5m.");
        }

        var severityText = Str("severity") ?? "warning";
        var severity = WireNames.Parse(severityText, MonitoringJsonContext.Default.AlertSeverity)
            ?? throw Error(file, $"{path}.severity", values["severity"], $"'{severityText}' is not a severity; use info, warning or critical.");

        var target = Str("target") ?? Str("mount");
        if (target is not null && !MetricValues.HasTargets(metric))
        {
            throw Error(file, $"{path}.target", values.TryGetValue("target", out var tn) ? tn : values["mount"], "target (or mount) only applies to disk, network, gpu and sensor metrics.");
        }

        return new ThresholdRule
        {
            Name = name,
            Metric = metric,
            Above = above,
            Below = below,
            For = duration,
            ResolveBelow = resolveBelow,
            ResolveAbove = resolveAbove,
            Severity = severity,
            Target = target == "*" ? null : target,
            Agents = Str("agents"),
            AgentLabels = Map("agentLabels"),
            Labels = Map("labels"),
            Message = Str("message"),
        };
    }

    private static ConfigurationException Error(string? file, string key, YamlNode node, string message) =>
        new(message, file, key, (int)node.Start.Line, (int)node.Start.Column);
}
