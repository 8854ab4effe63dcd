using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Apis;

public sealed class CommandsApiTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact]
    public async Task LongPoll_ReturnsAtOnceWhenACommandIsQueued_And204WhenNone()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        using var admin = _manager.AdminClient();

        Assert.Null(await agent.NextCommandAsync("a1", [], TimeSpan.FromSeconds(1)));
        var poll = agent.NextCommandAsync("a1", [], TimeSpan.FromSeconds(30));
        var sent = await admin.SubmitCommandAsync("a1", CommandNames.GetStatus);
        var delivery = await poll.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(sent.Id, delivery!.Id);
        Assert.Equal(CommandNames.GetStatus, delivery.Name);
        Assert.Equal(CommandStatus.Delivered, (await admin.GetCommandAsync(sent.Id)).Status);
    }

    [Fact]
    public async Task ADeliveredCommandWithoutResult_IsDeliveredAgain_UnlessTheAgentSaysItIsRunning()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        using var admin = _manager.AdminClient();
        var sent = await admin.SubmitCommandAsync("a1", CommandNames.GetStatus);

        var first = await agent.NextCommandAsync("a1", [], TimeSpan.Zero);
        var whileRunning = await agent.NextCommandAsync("a1", [sent.Id], TimeSpan.Zero);
        var afterReconnect = await agent.NextCommandAsync("a1", [], TimeSpan.Zero);

        Assert.Equal(sent.Id, first!.Id);
        Assert.Null(whileRunning);
        Assert.Equal(sent.Id, afterReconnect!.Id);
        Assert.Equal(first.Id, afterReconnect.Id);
        var record = await admin.GetCommandAsync(sent.Id);
        Assert.NotNull(record.DeliveredAt);
    }

    [Fact]
    public async Task AResult_IsAcceptedOnce()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        using var admin = _manager.AdminClient();
        var sent = await admin.SubmitCommandAsync("a1", CommandNames.GetProcessCount);
        await agent.NextCommandAsync("a1", [], TimeSpan.Zero);
        var ok = System.Text.Json.JsonSerializer.SerializeToElement(new Monitoring.Commands.ProcessCountResult { Count = 7 }, MonitoringJsonContext.Default.ProcessCountResult);

        var first = await agent.PostCommandResultAsync("a1", sent.Id, new CommandResult { Success = true, Result = ok });
        var second = await agent.PostCommandResultAsync("a1", sent.Id, new CommandResult { Success = false, Error = "late" });

        Assert.True(first);
        Assert.False(second);
        var record = await admin.GetCommandAsync(sent.Id);
        Assert.Equal(CommandStatus.Succeeded, record.Status);
        Assert.Equal(7, record.Result!.Value.GetProperty("count").GetInt32());
        Assert.Null(record.Error);
    }

    [Fact]
    public async Task AnotherAgent_CannotPollOrAnswerForIt()
    {
        await _manager.EnrollAsync("a1");
        var (other, _) = await _manager.EnrollAsync("a2");
        using var admin = _manager.AdminClient();
        var sent = await admin.SubmitCommandAsync("a1", CommandNames.GetStatus);

        var poll = await Assert.ThrowsAsync<MonitoringApiException>(() => other.NextCommandAsync("a1", [], TimeSpan.Zero));
        var answer = await Assert.ThrowsAsync<MonitoringApiException>(() =>
            other.PostCommandResultAsync("a2", sent.Id, new CommandResult { Success = false, Error = "x" }));

        Assert.Equal(ErrorCodes.AgentMismatch, poll.Code);
        Assert.Equal(ErrorCodes.CommandNotFound, answer.Code);
        Assert.Equal(CommandStatus.Queued, (await admin.GetCommandAsync(sent.Id)).Status);
    }

    [Fact]
    public async Task DeliveredButUnanswered_TimesOutForTheWaitingAdmin()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        using var admin = _manager.AdminClient();
        var silentAgent = Task.Run(async () =>
        {
            while (await agent.NextCommandAsync("a1", [], TimeSpan.FromSeconds(10)) is null)
            {
            }
        });

        var record = await admin.InvokeCommandAsync("a1", CommandNames.GetStatus, timeout: TimeSpan.FromSeconds(1));
        await silentAgent;

        Assert.Equal(CommandStatus.TimedOut, record.Status);
        Assert.Contains("no result within its timeout of 1 s", record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentsAdvertisingTheirOwnCommands_AreValidatedAgainstThem()
    {
        using var connection = _manager.AgentConnection();
        await connection.RegisterAsync(
            new RegisterRequest
            {
                AgentId = "custom",
                IntervalSeconds = 10,
                Commands = [new CommandDefinition { Name = "flush_cache", Arguments = [new() { Name = "region", Type = CommandArgumentType.String, Required = true }] }],
            },
            _manager.EnrollmentToken);
        using var admin = _manager.AdminClient();

        var missing = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.SubmitCommandAsync("custom", "flush_cache"));
        var builtIn = await Assert.ThrowsAsync<MonitoringApiException>(() => admin.SubmitCommandAsync("custom", CommandNames.GetStatus));
        var ok = await admin.SubmitCommandAsync("custom", "flush_cache", new Dictionary<string, object?> { ["region"] = "eu" });

        Assert.Contains("needs the argument region", missing.Message, StringComparison.Ordinal);
        Assert.Contains("knows: flush_cache", builtIn.Message, StringComparison.Ordinal);
        Assert.Equal(CommandStatus.Queued, ok.Status);
        Assert.Equal("eu", (await admin.GetCommandAsync(ok.Id)).Arguments!["region"].GetString());
    }

    [Fact]
    public async Task CommandRecords_SurviveAManagerRestart()
    {
        await _manager.EnrollAsync("a1");
        using (var admin = _manager.AdminClient())
        {
            await admin.SubmitCommandAsync("a1", CommandNames.GetStatus);
        }

        await _manager.StartAgainAsync();

        using var again = _manager.AdminClient();
        var history = await again.GetCommandsAsync("a1");
        Assert.Equal(CommandStatus.Queued, Assert.Single(history).Status);
        var unknown = await Assert.ThrowsAsync<MonitoringApiException>(() => again.GetCommandAsync("ffffffffffffffffffffffffffffffff"));
        Assert.Equal(ErrorCodes.CommandNotFound, unknown.Code);
    }
}
