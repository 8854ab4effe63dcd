using Microsoft.Extensions.Time.Testing;
using Monitoring.Alerts;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Alerts;

public class AlertEvaluatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    private static readonly ThresholdRule Cpu = new()
    {
        Name = "cpu-high", Metric = "cpu.percent", Above = 80, ResolveBelow = 70, For = TimeSpan.FromMinutes(1), Severity = AlertSeverity.Critical,
    };

    private static MetricSnapshot Cpu_(double percent) => new() { Cpu = new CpuMetrics { Percent = percent } };

    private AlertEvaluator Evaluator(params ThresholdRule[] rules)
    {
        var e = new AlertEvaluator(_time);
        e.SetRules(rules);
        return e;
    }

    private List<AlertTransition> Feed(AlertEvaluator e, TimeSpan step, params double[] values)
    {
        var all = new List<AlertTransition>();
        foreach (var v in values)
        {
            all.AddRange(e.Evaluate(Cpu_(v)));
            _time.Advance(step);
        }

        return all;
    }

    [Fact]
    public void Fires_OnlyAfterTheConditionHeldFor_TheWholeDuration()
    {
        var e = Evaluator(Cpu);

        var early = Feed(e, TimeSpan.FromSeconds(20), 90, 95, 91);
        var late = Feed(e, TimeSpan.FromSeconds(20), 92, 93);

        Assert.Empty(early);
        var fired = Assert.Single(late);
        Assert.Equal(AlertState.Firing, fired.State);
        Assert.Equal(92, fired.Value);
        Assert.Equal(80, fired.Threshold);
        Assert.Equal(AlertSeverity.Critical, fired.Severity);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), fired.Since);
        Assert.Equal("cpu-high", fired.Fingerprint);
    }

    [Fact]
    public void ADipBeforeForPasses_StartsTheWaitOver()
    {
        var e = Evaluator(Cpu);

        var transitions = Feed(e, TimeSpan.FromSeconds(20), 90, 90, 50, 90, 90, 90);

        Assert.Empty(transitions);
        Assert.Single(Feed(e, TimeSpan.FromSeconds(20), 90));
    }

    [Fact]
    public void Hysteresis_HoveringAtTheLine_DoesNotFlap_AndResolvesOnceBelowTheClearLine()
    {
        var e = Evaluator(Cpu with { For = TimeSpan.Zero });

        var hovering = Feed(e, TimeSpan.FromSeconds(10), 81, 79, 81, 75, 80.5, 71);
        var cleared = Feed(e, TimeSpan.FromSeconds(10), 69);
        var again = Feed(e, TimeSpan.FromSeconds(10), 72, 79, 85);

        var fired = Assert.Single(hovering);
        Assert.Equal(AlertState.Firing, fired.State);
        var resolved = Assert.Single(cleared);
        Assert.Equal(AlertState.Resolved, resolved.State);
        Assert.Equal(60, resolved.DurationSeconds);
        Assert.Equal(fired.Fingerprint, resolved.Fingerprint);
        Assert.Equal(AlertState.Firing, Assert.Single(again).State);
    }

    [Fact]
    public void FlappingInput_FiresAndResolvesOncePerRealEpisode()
    {
        var e = Evaluator(Cpu with { For = TimeSpan.FromSeconds(30) });
        var rng = new Random(3);
        var transitions = new List<AlertTransition>();
        for (var i = 0; i < 500; i++)
        {
            // Noise of ±4 around 80: breaches come and go but never hold 30 s, nor drop under the clear line.
            transitions.AddRange(e.Evaluate(Cpu_(80 + (rng.NextDouble() * 8) - 4)));
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.True(transitions.Count <= 2);
        Assert.All(transitions.Zip(transitions.Skip(1)), p => Assert.NotEqual(p.First.State, p.Second.State));
    }

    [Fact]
    public void BelowRules_UseResolveAbove()
    {
        var e = Evaluator(new ThresholdRule { Name = "procs-low", Metric = "processes.count", Below = 10, ResolveAbove = 20 });

        var fired = e.Evaluate(new MetricSnapshot { Processes = new() { Count = 5 } });
        var stillFiring = e.Evaluate(new MetricSnapshot { Processes = new() { Count = 15 } });
        var resolved = e.Evaluate(new MetricSnapshot { Processes = new() { Count = 25 } });

        Assert.Equal(AlertState.Firing, Assert.Single(fired).State);
        Assert.Empty(stillFiring);
        Assert.Equal(AlertState.Resolved, Assert.Single(resolved).State);
    }

    [Fact]
    public void DiskRules_RaiseOneAlertPerMount()
    {
        var e = Evaluator(new ThresholdRule { Name = "disk-full", Metric = "disk.percent", Above = 90, ResolveBelow = 85 });
        var snapshot = new MetricSnapshot
        {
            Disks = [new DiskMetrics { Mount = "/", Percent = 95 }, new DiskMetrics { Mount = "/data", Percent = 50 }, new DiskMetrics { Mount = "/var", Percent = 91 }],
        };

        var transitions = e.Evaluate(snapshot);

        Assert.Equal(["disk-full:/", "disk-full:/var"], transitions.Select(t => t.Fingerprint));
        Assert.Equal("/var", transitions[1].Target);
        Assert.Empty(e.Evaluate(snapshot));
    }

    [Fact]
    public void RestoredState_DoesNotFireAgain_AndStillResolves()
    {
        var first = Evaluator(Cpu with { For = TimeSpan.Zero });
        Assert.Single(first.Evaluate(Cpu_(95)));

        var second = Evaluator(Cpu with { For = TimeSpan.Zero });
        second.Restore(first.State);

        Assert.Empty(second.Evaluate(Cpu_(95)));
        Assert.Equal(AlertState.Resolved, Assert.Single(second.Evaluate(Cpu_(10))).State);
    }

    [Fact]
    public void RemovingARule_ResolvesItsFiringAlert()
    {
        var e = Evaluator(Cpu with { For = TimeSpan.Zero });
        e.Evaluate(Cpu_(95));

        var transitions = e.SetRules([]);

        Assert.Equal(AlertState.Resolved, Assert.Single(transitions).State);
        Assert.Empty(e.State);
    }

    [Fact]
    public void Messages_FillTheTemplate()
    {
        var e = Evaluator(Cpu with { For = TimeSpan.Zero, Message = "CPU {value}% over {threshold}% on {rule}" });

        Assert.Equal("CPU 95.5% over 80% on cpu-high", e.Evaluate(Cpu_(95.5))[0].Message);
    }
}
