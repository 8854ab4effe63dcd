using Monitoring.Manager.Commands;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Apis;

/// <summary>
/// The hand-over of a queued command to an agent's open stream, and what happens when the stream is gone: the command
/// is already stored, so whatever the agent holds next must be told to read the store.
/// </summary>
public sealed class CommandBrokerTests
{
    private static readonly CommandRecord Command = new()
    {
        Id = "c1", AgentId = "a1", Name = CommandNames.GetStatus, Status = CommandStatus.Delivered,
        CreatedAt = DateTimeOffset.UnixEpoch, DeliveredAt = DateTimeOffset.UnixEpoch, ExpiresAt = DateTimeOffset.UnixEpoch.AddHours(1), TimeoutSeconds = 30,
    };

    [Fact]
    public async Task AHandedCommand_WakesTheStream_WhichTakesItOnce()
    {
        var broker = new CommandBroker(new Monitoring.Manager.Cluster.SoloSignals());
        var inbox = broker.OpenStream("a1");
        Assert.True(inbox.TakeLookInStore()); // a new stream reads the store first
        var pending = inbox.Pending();
        Assert.False(pending.IsCompleted);

        broker.HandToStream(Command);

        await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(inbox.TryTake(out var taken));
        Assert.Equal("c1", taken.Id);
        Assert.False(inbox.TryTake(out _));
        Assert.False(inbox.TakeLookInStore());
        Assert.False(inbox.Pending().IsCompleted);
    }

    [Fact]
    public async Task ACommandForAnAgentWhoseStreamEnded_SendsItsNextPollToTheStore()
    {
        var broker = new CommandBroker(new Monitoring.Manager.Cluster.SoloSignals());
        var inbox = broker.OpenStream("a1");
        broker.CloseStream("a1", inbox, lost: false);
        var poll = broker.WorkQueued("a1");

        broker.HandToStream(Command);

        await poll.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(broker.IsStreaming("a1"));
        Assert.False(inbox.TryTake(out _));
    }

    [Fact]
    public async Task AStreamThatEnds_WithACommandNotYetWritten_SendsTheAgentsNextStreamToTheStore()
    {
        var broker = new CommandBroker(new Monitoring.Manager.Cluster.SoloSignals());
        var older = broker.OpenStream("a1");
        broker.HandToStream(Command);
        var newer = broker.OpenStream("a1");
        newer.TakeLookInStore(); // it has read the store already, before the command was handed to the older one
        var poll = broker.WorkQueued("a1");

        broker.CloseStream("a1", older, lost: false);

        Assert.True(newer.TakeLookInStore());
        await poll.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(broker.IsStreaming("a1"));
    }

    [Fact]
    public void AStreamThatEnds_WhileWritingACommand_SendsTheAgentsNextStreamToTheStore()
    {
        var broker = new CommandBroker(new Monitoring.Manager.Cluster.SoloSignals());
        var older = broker.OpenStream("a1");
        var newer = broker.OpenStream("a1");
        newer.TakeLookInStore();

        broker.CloseStream("a1", older, lost: true);

        Assert.True(newer.TakeLookInStore());
    }
}
