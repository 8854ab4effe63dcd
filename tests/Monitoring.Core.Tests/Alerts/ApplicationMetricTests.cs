using Monitoring.Alerts;
using Monitoring.Configuration;
using Monitoring.Metrics;

namespace Monitoring.Core.Tests.Alerts;

/// <summary>The embedding app's process and values as rules and series see them.</summary>
public sealed class ApplicationMetricTests
{
    private static readonly MetricSnapshot Snapshot = new()
    {
        Application = new ApplicationMetrics
        {
            Name = "orders-api", CpuPercent = 12.5, WorkingSetBytes = 300_000_000, GcHeapBytes = 40_000_000,
            Values = new Dictionary<string, double> { ["orders.queued"] = 17, ["orders.failed"] = 2, ["sessions"] = 40 },
        },
    };

    [Theory]
    [InlineData("app.cpu.percent", null, "=12.5")]
    [InlineData("app.memory.workingSetBytes", null, "=300000000")]
    [InlineData("app.value", null, "orders.queued=17 orders.failed=2 sessions=40")]
    [InlineData("app.value", "orders.*", "orders.queued=17 orders.failed=2")]
    [InlineData("app.value", "sessions", "sessions=40")]
    public void Extract_GivesTheAppsFigures_AndEachValueByItsName(string metric, string? target, string expected)
    {
        var values = MetricValues.Extract(Snapshot, metric, target).Select(v => $"{v.Target}={v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

        Assert.Equal(expected, string.Join(" ", values));
    }

    [Fact]
    public void Extract_ForAStandaloneAgent_GivesNothing()
    {
        foreach (var metric in new[] { "app.cpu.percent", "app.memory.workingSetBytes", "app.value" })
        {
            Assert.Empty(MetricValues.Extract(new MetricSnapshot(), metric, null));
        }
    }

    [Fact]
    public void Names_ChartTheAppBesideTheMachine()
    {
        var names = MetricNames.Of(Snapshot).ToDictionary(kv => kv.Key, kv => kv.Value);

        Assert.Equal(12.5, names["app.cpu.percent"]);
        Assert.Equal(300_000_000, names["app.memory.workingSetBytes"]);
        Assert.Equal(40_000_000, names["app.memory.gcHeapBytes"]);
        Assert.Equal(17, names["app.value:orders.queued"]);
        Assert.True(names.ContainsKey("cpu.percent"));
        Assert.DoesNotContain(MetricNames.Of(new MetricSnapshot()), kv => kv.Key.StartsWith("app.", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_WatchAnAppValueByName_ButTheAppsOwnFiguresTakeNoTarget()
    {
        var rules = ThresholdRules.Parse("- name: backlog\n  metric: app.value\n  target: orders.queued\n  above: 1000\n- name: app-cpu\n  metric: app.cpu.percent\n  above: 50\n");

        Assert.Equal("orders.queued", rules[0].Target);
        Assert.Equal("app.cpu.percent", rules[1].Metric);
        var ex = Assert.Throws<ConfigurationException>(() => ThresholdRules.Parse("- name: x\n  metric: app.cpu.percent\n  target: a\n  above: 1\n"));
        Assert.Contains("target", ex.Message, StringComparison.Ordinal);
    }
}
