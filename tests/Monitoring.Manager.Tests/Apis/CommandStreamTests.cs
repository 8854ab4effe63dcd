using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Monitoring.Client;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Apis;

/// <summary>The command stream: one held response per agent that carries each command as it is queued.</summary>
public sealed class CommandStreamTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    // A short heartbeat and lifetime so that both can be seen within a test.
    public async Task InitializeAsync() =>
        _manager = await TestManager.StartAsync("--commands:streamHeartbeat", "1s", "--commands:streamLifetime", "4s");

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact]
    public async Task TheStream_CarriesWhatWasQueuedBefore_AndEachCommandQueuedLater_Once()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        using var admin = _manager.AdminClient();
        var before = await admin.SubmitCommandAsync("a1", CommandNames.GetStatus);
        var received = Channel.CreateUnbounded<CommandDelivery>();
        var stream = agent.StreamCommandsAsync("a1", [], (d, _) => received.Writer.WriteAsync(d).AsTask());

        Assert.Equal(before.Id, (await NextAsync(received)).Id);
        var later = await admin.SubmitCommandAsync("a1", CommandNames.GetProcessCount);
        var delivered = await NextAsync(received);
        Assert.Equal(later.Id, delivered.Id);
        Assert.Equal(CommandNames.GetProcessCount, delivered.Name);
        Assert.Equal(CommandStatus.Delivered, (await admin.GetCommandAsync(later.Id)).Status);

        // Both are delivered and unanswered, and neither comes again on the same stream.
        await stream.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(received.Reader.TryRead(out var again), $"delivered twice: {again?.Id}");
    }

    [Fact]
    public async Task ACommandForAnAgentHoldingItsStream_IsHandedOverAtOnce_AndOneForAnAgentWithout_IsQueued()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        await _manager.EnrollAsync("a2");
        using var admin = _manager.AdminClient();
        var received = Channel.CreateUnbounded<CommandDelivery>();
        using var stop = new CancellationTokenSource();
        var stream = agent.StreamCommandsAsync("a1", [], (d, _) => received.Writer.WriteAsync(d).AsTask(), stop.Token);
        await TestNet.WaitUntilAsync(
            () => Task.FromResult(_manager.Services.GetRequiredService<Commands.CommandBroker>().IsStreaming("a1")), TimeSpan.FromSeconds(10), "the stream to open");

        var handed = await admin.SubmitCommandAsync("a1", CommandNames.GetStatus);
        var queued = await admin.SubmitCommandAsync("a2", CommandNames.GetStatus);

        // Handed over from memory, then marked delivered once written; the other agent's stays queued.
        Assert.Equal(handed.Id, (await NextAsync(received)).Id);
        await TestNet.WaitUntilAsync(
            async () => (await admin.GetCommandAsync(handed.Id)).Status == CommandStatus.Delivered, TimeSpan.FromSeconds(10), "the command to be marked delivered");
        Assert.Equal((CommandStatus.Queued, null), ((await admin.GetCommandAsync(queued.Id)).Status, queued.DeliveredAt));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream);
    }

    [Fact]
    public async Task AnIdleStream_SendsHeartbeats_AndEndsAfterItsLifetime()
    {
        await _manager.EnrollAsync("a1");
        var token = (await _manager.EnrollAsync("a2")).Token;
        using var http = _manager.Http(token);
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(ApiRoutes.ForCommandStream("a2"), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            lines.Add(line);
        }

        // Nothing was queued: a 4 s stream with a 1 s heartbeat is a few empty lines, then the end.
        Assert.InRange(lines.Count, 2, 5);
        Assert.All(lines, l => Assert.Equal("", l));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ANewerStream_EndsTheOneBefore()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        var opened = Stopwatch.StartNew();
        var older = agent.StreamCommandsAsync("a1", [], (_, _) => Task.CompletedTask);
        await TestNet.WaitUntilAsync(
            () => Task.FromResult(_manager.Services.GetRequiredService<Commands.CommandBroker>().OpenPolls == 1), TimeSpan.FromSeconds(10), "the first stream to open");

        var newer = agent.StreamCommandsAsync("a1", [], (_, _) => Task.CompletedTask);

        // The older stream ends normally well before its 4 s lifetime: the manager closed it for the newer one.
        await older.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(opened.Elapsed < TimeSpan.FromSeconds(3.5), $"the older stream lasted {opened.Elapsed}");
        Assert.False(newer.IsCompleted);
        await newer.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AStreamOfAnotherAgent_IsRefused()
    {
        var (agent, _) = await _manager.EnrollAsync("a1");
        await _manager.EnrollAsync("b1");

        var refused = await Assert.ThrowsAsync<MonitoringApiException>(() => agent.StreamCommandsAsync("b1", [], (_, _) => Task.CompletedTask));

        Assert.Equal(403, refused.StatusCode);
        Assert.Equal(ErrorCodes.AgentMismatch, refused.Code);
    }

    private static async Task<CommandDelivery> NextAsync(Channel<CommandDelivery> received)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await received.Reader.ReadAsync(deadline.Token);
    }
}
