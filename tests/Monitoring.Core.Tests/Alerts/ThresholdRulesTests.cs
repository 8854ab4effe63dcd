using Monitoring.Alerts;
using Monitoring.Configuration;
using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Alerts;

public class ThresholdRulesTests
{
    [Fact]
    public void Parse_ReadsEveryField()
    {
        var rules = ThresholdRules.Parse("""
            thresholds:
              - name: cpu-high
                metric: cpu.percent
                above: 80
                for: 1m
                resolveBelow: 70
                severity: critical
                labels: { team: ops }
                message: "CPU {value}%"
              - name: disk
                metric: disk.percent
                mount: /data*
                above: 90
              - name: web-procs
                metric: processes.count
                below: 5
                resolveAbove: 10
                agents: web*
                agentLabels: { role: web }
            """, "rules.yaml");

        Assert.Equal(3, rules.Count);
        Assert.Equal(TimeSpan.FromMinutes(1), rules[0].For);
        Assert.Equal(70, rules[0].ResolveBelow);
        Assert.Equal(AlertSeverity.Critical, rules[0].Severity);
        Assert.Equal("ops", rules[0].Labels!["team"]);
        Assert.Equal("/data*", rules[1].Target);
        Assert.Equal(AlertSeverity.Warning, rules[1].Severity);
        Assert.True(ThresholdRules.AppliesTo(rules[2], "web1", new Dictionary<string, string> { ["role"] = "web" }));
        Assert.False(ThresholdRules.AppliesTo(rules[2], "web1", null));
        Assert.False(ThresholdRules.AppliesTo(rules[2], "db1", new Dictionary<string, string> { ["role"] = "web" }));
    }

    [Theory]
    [InlineData("- name: a\n  metric: cpu.percent\n  above: high\n", "thresholds[0].above", 3, "is not a number")]
    [InlineData("- name: a\n  metric: cpu.pct\n  above: 1\n", "thresholds[0].metric", 2, "cpu.percent")]
    [InlineData("- name: a\n  metric: cpu.percent\n", "thresholds[0]", 1, "exactly one of above or below")]
    [InlineData("- name: a\n  metric: cpu.percent\n  above: 80\n  resolveBelow: 90\n", "thresholds[0].resolveBelow", 4, "must not be higher")]
    [InlineData("- name: a\n  metric: cpu.percent\n  above: 80\n  for: soon\n", "thresholds[0].for", 4, "not a duration")]
    [InlineData("- name: a\n  metric: cpu.percent\n  above: 80\n  severity: huge\n", "thresholds[0].severity", 4, "info, warning or critical")]
    [InlineData("- name: a\n  metric: cpu.percent\n  above: 80\n  colour: red\n", "thresholds[0].colour", 4, "unknown key")]
    [InlineData("- name: a\n  metric: cpu.percent\n  above: 80\n- name: a\n  metric: cpu.percent\n  above: 90\n", "thresholds[1].name", 4, "used twice")]
    [InlineData("- name: a\n  metric: cpu.percent\n  mount: /\n  above: 80\n", "thresholds[0].target", 3, "only applies to disk")]
    public void Parse_Errors_NameFileLineAndKey(string yaml, string key, int line, string text)
    {
        var ex = Assert.Throws<ConfigurationException>(() => ThresholdRules.Parse(yaml, "rules.yaml"));

        Assert.Equal("rules.yaml", ex.File);
        Assert.Equal(key, ex.Key);
        Assert.Equal(line, ex.Line);
        Assert.Contains(text, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_LocalRuleOfTheSameNameWins()
    {
        var central = ThresholdRules.Parse("- name: cpu-high\n  metric: cpu.percent\n  above: 80\n- name: mem\n  metric: memory.percent\n  above: 90\n");
        var local = ThresholdRules.Parse("- name: cpu-high\n  metric: cpu.percent\n  above: 95\n");

        var merged = ThresholdRules.Merge(central, local);

        Assert.Equal(2, merged.Count);
        Assert.Equal(95, merged.Single(r => r.Name == "cpu-high").Above);
    }

    [Fact]
    public void Defaults_ReproduceTheOriginalIntent()
    {
        var cpu = ThresholdRules.Defaults.Single(r => r.Metric == "cpu.percent");
        Assert.Equal((80d, TimeSpan.FromMinutes(1)), (cpu.Above!.Value, cpu.For));
        Assert.Equal(90, ThresholdRules.Defaults.Single(r => r.Metric == "memory.percent").Above);
        Assert.Null(ThresholdRules.Defaults.Single(r => r.Metric == "disk.percent").Target);
        Assert.All(ThresholdRules.Defaults, r => Assert.NotNull(r.ResolveBelow));
    }
}
