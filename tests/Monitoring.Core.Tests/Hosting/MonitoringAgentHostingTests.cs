using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Monitoring.Agent;
using Monitoring.Commands;
using Monitoring.Hosting;
using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Hosting;

/// <summary><c>services.AddMonitoringAgent(...)</c>: what the container gives the embedded agent.</summary>
public sealed class MonitoringAgentHostingTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("monitoring-hosting-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    [Fact]
    public void TheAgent_GetsTheContainersHandlers_Values_AndClock_AndRunsAsAHostedService()
    {
        var clock = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(new Shelf(3));
        services.AddMonitoringAgent((provider, agent) =>
            {
                agent.AgentId = "shop-app";
                agent.EnrollmentToken = "token";
                agent.StateDirectory = _state;
                agent.Labels["role"] = provider.GetRequiredService<Shelf>().Items.ToString(System.Globalization.CultureInfo.InvariantCulture);
            })
            .ReportApplication("shop", "2.0.0")
            .AddValue("shelf.items", provider => provider.GetRequiredService<Shelf>().Items)
            .AddCommandHandler<CountShelfHandler>()
            .AddCommandHandler<CountShelfHandler>();
        using var provider = services.BuildServiceProvider();

        var hosted = Assert.Single(provider.GetServices<IHostedService>());

        var service = provider.GetRequiredService<MonitoringAgentService>();
        Assert.Same(service, hosted);
        var options = service.Options;
        Assert.Equal("shop-app", options.AgentId);
        Assert.Equal("3", options.Labels["role"]);
        Assert.Same(clock, options.TimeProvider);
        Assert.Equal("shop", options.Application!.Name);
        Assert.Equal("2.0.0", options.Application.Version);
        provider.GetRequiredService<Shelf>().Items = 9;
        Assert.Equal(9, options.Application.Values["shelf.items"]());
        var handler = Assert.IsType<CountShelfHandler>(Assert.Single(options.CommandHandlers));
        Assert.Same(provider.GetRequiredService<Shelf>(), handler.Shelf);
    }

    [Fact]
    public void AValue_AloneTurnsOnTheAppReport_UnderTheEntryAssemblysName()
    {
        var services = new ServiceCollection();
        services.AddMonitoringAgent(agent => (agent.EnrollmentToken, agent.StateDirectory) = ("token", _state)).AddValue("one", _ => 1);
        using var provider = services.BuildServiceProvider();

        var application = provider.GetRequiredService<MonitoringAgentService>().Options.Application!;

        Assert.Equal(new ApplicationOptions().Name, application.Name);
        Assert.Equal(1, application.Values["one"]());
    }

    [Fact]
    public void WithoutAppCalls_TheAgentReportsTheMachineOnly()
    {
        var services = new ServiceCollection();
        services.AddMonitoringAgent(agent => (agent.EnrollmentToken, agent.StateDirectory) = ("token", _state));
        using var provider = services.BuildServiceProvider();

        Assert.Null(provider.GetRequiredService<MonitoringAgentService>().Options.Application);
    }

    [Fact]
    public void WrongOptions_StopTheHostsStart_WithWhatToFix()
    {
        var services = new ServiceCollection();
        services.AddMonitoringAgent(agent => (agent.AgentId, agent.StateDirectory) = ("not an id", _state));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<ArgumentException>(() => provider.GetServices<IHostedService>().ToList());

        Assert.Contains("The agent id 'not an id' is not valid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASecondAgent_IsRefused()
    {
        var services = new ServiceCollection();
        services.AddMonitoringAgent(_ => { });

        var ex = Assert.Throws<InvalidOperationException>(() => services.AddMonitoringAgent(_ => { }));

        Assert.Contains("one agent", ex.Message, StringComparison.Ordinal);
    }

    private sealed class Shelf(int items)
    {
        public int Items { get; set; } = items;
    }

    private sealed class CountShelfHandler(Shelf shelf) : ICommandHandler
    {
        public Shelf Shelf => shelf;

        public CommandDefinition Definition { get; } = new() { Name = "count_shelf" };

        public Task<CommandOutcome> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) =>
            Task.FromResult(CommandOutcome.Fail("not run here"));
    }
}
