using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent;
using Monitoring.Metrics;

namespace Monitoring.Core.Tests.Agent;

/// <summary>The embedding app's own process and values, added to each snapshot of the machine collector.</summary>
public sealed class ApplicationCollectorTests
{
    [Fact]
    public void Collect_AddsThisProcess_ToTheMachinesSnapshot()
    {
        var options = new ApplicationOptions { Name = "orders-api", Version = "1.2.3" };
        using var collector = new ApplicationCollector(new Machine(), options, TimeProvider.System, new ListLogger());

        var snapshot = collector.Collect();

        Assert.Equal(42, snapshot.Processes.Count); // the machine's snapshot, kept
        var app = snapshot.Application!;
        Assert.Equal("orders-api", app.Name);
        Assert.Equal("1.2.3", app.Version);
        Assert.Equal(Environment.ProcessId, app.ProcessId);
        Assert.InRange(app.StartTime, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow);
        Assert.InRange(app.CpuPercent, 0, 100);
        Assert.InRange(app.WorkingSetBytes, Environment.WorkingSet / 2, Environment.WorkingSet * 2); // read from /proc/self/statm here
        Assert.True(app.GcHeapBytes > 0);
        Assert.True(app.ThreadPoolThreads >= 0);
        Assert.Null(app.Values);
    }

    [Fact]
    public void CpuPercent_IsThisProcessesShareOfTheWholeMachine_SinceTheLastSample()
    {
        var time = new FakeTimeProvider();
        using var collector = new ApplicationCollector(new Machine(), new ApplicationOptions(), time, new ListLogger());
        var before = Environment.CpuUsage.TotalTime;
        while (Environment.CpuUsage.TotalTime - before < TimeSpan.FromMilliseconds(200))
        {
            Thread.SpinWait(1000); // Processor time this process certainly spends.
        }

        // Over a made-up second, 200 ms or more of processor time is at least 20 % of one core.
        time.Advance(TimeSpan.FromSeconds(1));
        var app = collector.Collect().Application!;

        Assert.InRange(app.CpuPercent, 20.0 / Environment.ProcessorCount, 100);
    }

    [Fact]
    public void Values_AreReadEachSample_AndABadReaderIsLeftOut_AndLoggedOnceUntilItWorks()
    {
        var queued = 5.0;
        var failing = true;
        var options = new ApplicationOptions();
        options.Values["orders.queued"] = () => queued;
        options.Values["broken"] = () => failing ? throw new InvalidOperationException("the queue is gone") : 1;
        options.Values["not.a.number"] = () => double.NaN;
        var log = new ListLogger();
        using var collector = new ApplicationCollector(new Machine(), options, TimeProvider.System, log);

        var first = collector.Collect().Application!.Values!;
        queued = 7;
        var second = collector.Collect().Application!.Values!;

        Assert.Equal(new Dictionary<string, double> { ["orders.queued"] = 5 }, first);
        Assert.Equal(new Dictionary<string, double> { ["orders.queued"] = 7 }, second);
        Assert.Equal(2, log.Warnings.Count);
        Assert.Contains(log.Warnings, w => w.Contains("broken", StringComparison.Ordinal) && w.Contains("InvalidOperationException: the queue is gone", StringComparison.Ordinal));
        Assert.Contains(log.Warnings, w => w.Contains("not.a.number", StringComparison.Ordinal) && w.Contains("not a finite number", StringComparison.Ordinal));
        failing = false;
        Assert.Equal(1, collector.Collect().Application!.Values!["broken"]);
        failing = true;
        collector.Collect();
        Assert.Equal(3, log.Warnings.Count);
    }

    [Theory]
    [InlineData("", null, "application name")]
    [InlineData("orders api", null, "application name")]
    [InlineData("orders", "bad name", "application value 'bad name'")]
    [InlineData("orders", "", "application value ''")]
    public void Options_WithABadName_AreRefused_WithWhatToUse(string name, string? value, string expected)
    {
        var options = new ApplicationOptions { Name = name };
        if (value is not null)
        {
            options.Values[value] = () => 1;
        }

        var ex = Assert.Throws<ArgumentException>(() => new AgentRuntimeOptions { Application = options, StateDirectory = "s" }.Validate());

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("letters, digits", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_WithMoreValuesThanASnapshotCarries_AreRefused()
    {
        var options = new ApplicationOptions { Name = "orders" };
        for (var i = 0; i <= ApplicationMetrics.MaxValues; i++)
        {
            options.Values["v" + i] = () => i;
        }

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains($"at most {ApplicationMetrics.MaxValues}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ByDefault_NameTheEntryAssembly()
    {
        var options = new ApplicationOptions();

        Assert.True(AgentIds.IsValid(options.Name), options.Name);
        Assert.Equal(AgentIds.FromHostName(System.Reflection.Assembly.GetEntryAssembly()!.GetName().Name!), options.Name);
        options.Validate();
    }

    private sealed class Machine : IMetricCollector
    {
        public MetricSnapshot Collect() => new() { Processes = new ProcessMetrics { Count = 42 } };

        public void Dispose()
        {
        }
    }
}
