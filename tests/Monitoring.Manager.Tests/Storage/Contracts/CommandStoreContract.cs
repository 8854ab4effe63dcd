using System.Text.Json;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>What every command store must do, whatever its engine.</summary>
public abstract class CommandStoreContract : StoreContract
{
    private static CommandRecord Command(string id, DateTimeOffset created, string agentId = "a1", int timeoutSeconds = 30, TimeSpan? ttl = null) => new()
    {
        Id = id, AgentId = agentId, Name = CommandNames.GetLogs, Status = CommandStatus.Queued, RequestedBy = "alice", CreatedAt = created,
        ExpiresAt = created + (ttl ?? TimeSpan.FromHours(1)), TimeoutSeconds = timeoutSeconds,
        Arguments = new Dictionary<string, JsonElement> { ["lines"] = JsonSerializer.SerializeToElement(50) },
    };

    [Fact]
    public async Task Commands_RoundTrip_AndListNewestFirstUpToTheLimit()
    {
        await Stores.Commands.InsertCommandAsync(Command("c1", T0), default);
        await Stores.Commands.InsertCommandAsync(Command("c2", T0.AddSeconds(1)), default);
        await Stores.Commands.InsertCommandAsync(Command("other", T0, agentId: "a2"), default);

        var c1 = await Stores.Commands.GetCommandAsync("c1", default);

        Assert.Equal(("a1", CommandNames.GetLogs, CommandStatus.Queued, "alice", T0, T0.AddHours(1), 30), (c1!.AgentId, c1.Name, c1.Status, c1.RequestedBy, c1.CreatedAt, c1.ExpiresAt, c1.TimeoutSeconds));
        Assert.Equal(50, c1.Arguments!["lines"].GetInt32());
        Assert.Null(await Stores.Commands.GetCommandAsync("unknown", default));
        Assert.Equal(["c2", "c1"], (await Stores.Commands.ListCommandsAsync("a1", 10, default)).Select(c => c.Id));
        Assert.Equal(["c2"], (await Stores.Commands.ListCommandsAsync("a1", 1, default)).Select(c => c.Id));
        Assert.Equal(["c2", "other", "c1"], (await Stores.Commands.ListRecentCommandsAsync(10, default)).Select(c => c.Id));
        Assert.Equal(["c2", "other"], (await Stores.Commands.ListRecentCommandsAsync(2, default)).Select(c => c.Id));
    }

    [Fact]
    public async Task DeliverNext_HandsOutTheOldestOpenCommand_SkipsWhatTheAgentHolds_AndRedeliversTheUnanswered()
    {
        await Stores.Commands.InsertCommandAsync(Command("c1", T0), default);
        await Stores.Commands.InsertCommandAsync(Command("c2", T0.AddSeconds(1)), default);
        await Stores.Commands.InsertCommandAsync(Command("stale", T0.AddSeconds(2), ttl: TimeSpan.FromSeconds(5)), default);
        var now = T0.AddSeconds(10);

        var first = await Stores.Commands.DeliverNextAsync("a1", [], now, default);
        var second = await Stores.Commands.DeliverNextAsync("a1", ["c1"], now.AddSeconds(1), default);
        var again = await Stores.Commands.DeliverNextAsync("a1", [], now.AddSeconds(2), default);

        Assert.Equal(("c1", CommandStatus.Delivered, now), (first!.Id, first.Status, first.DeliveredAt));
        Assert.Equal((CommandStatus.Delivered, (DateTimeOffset?)now), ((await Stores.Commands.GetCommandAsync("c1", default))!.Status, (await Stores.Commands.GetCommandAsync("c1", default))!.DeliveredAt));
        Assert.Equal("c2", second!.Id);
        Assert.Equal(("c1", now), (again!.Id, again.DeliveredAt!.Value));
        Assert.Null(await Stores.Commands.DeliverNextAsync("a1", ["c1", "c2"], now, default));
        Assert.Null(await Stores.Commands.DeliverNextAsync("a2", [], now, default));
    }

    [Fact]
    public async Task Complete_SetsTheOutcomeOnce()
    {
        await Stores.Commands.InsertCommandAsync(Command("c1", T0), default);
        await Stores.Commands.DeliverNextAsync("a1", [], T0.AddSeconds(1), default);
        var result = JsonSerializer.SerializeToElement(new { lines = 3 });

        Assert.Null(await Stores.Commands.CompleteCommandAsync("a2", "c1", CommandStatus.Succeeded, result, null, T0.AddSeconds(2), default));
        var done = await Stores.Commands.CompleteCommandAsync("a1", "c1", CommandStatus.Succeeded, result, null, T0.AddSeconds(2), default);

        Assert.Equal((CommandStatus.Succeeded, T0.AddSeconds(2), 3), (done!.Status, done.CompletedAt!.Value, done.Result!.Value.GetProperty("lines").GetInt32()));
        Assert.Null(await Stores.Commands.CompleteCommandAsync("a1", "c1", CommandStatus.Failed, null, "late", T0.AddSeconds(3), default));
        Assert.Null(await Stores.Commands.CompleteCommandAsync("a1", "unknown", CommandStatus.Failed, null, "x", T0, default));
        Assert.Equal(CommandStatus.Succeeded, (await Stores.Commands.GetCommandAsync("c1", default))!.Status);
        Assert.Null(await Stores.Commands.DeliverNextAsync("a1", [], T0.AddSeconds(4), default));
    }

    [Fact]
    public async Task ACommandStoredAsDelivered_IsHandedOutAgainUntilAnswered_AndTimesOutFromItsDelivery()
    {
        // What the manager stores when it hands a command to the agent's open stream from memory.
        await Stores.Commands.InsertCommandAsync(
            Command("handed", T0, timeoutSeconds: 10) with { Status = CommandStatus.Delivered, DeliveredAt = T0 }, default);

        var stored = await Stores.Commands.GetCommandAsync("handed", default);
        var again = await Stores.Commands.DeliverNextAsync("a1", [], T0.AddSeconds(1), default);

        Assert.Equal((CommandStatus.Delivered, T0), (stored!.Status, stored.DeliveredAt!.Value));
        Assert.Equal(("handed", T0), (again!.Id, again.DeliveredAt!.Value));
        Assert.Null(await Stores.Commands.DeliverNextAsync("a1", ["handed"], T0.AddSeconds(1), default));
        Assert.Equal("handed", Assert.Single(await Stores.Commands.ExpireCommandsAsync(T0.AddSeconds(15), TimeSpan.FromSeconds(5), default)).Id);
    }

    [Fact]
    public async Task Expire_ExpiresTheUndelivered_AndTimesOutTheUnansweredAfterTheGrace()
    {
        await Stores.Commands.InsertCommandAsync(Command("queued", T0, ttl: TimeSpan.FromSeconds(30)), default);
        await Stores.Commands.InsertCommandAsync(Command("delivered", T0, agentId: "a2", timeoutSeconds: 10), default);
        await Stores.Commands.DeliverNextAsync("a2", [], T0, default);
        var grace = TimeSpan.FromSeconds(5);

        Assert.Empty(await Stores.Commands.ExpireCommandsAsync(T0.AddSeconds(14), grace, default));
        var timedOut = Assert.Single(await Stores.Commands.ExpireCommandsAsync(T0.AddSeconds(15), grace, default));
        var expired = Assert.Single(await Stores.Commands.ExpireCommandsAsync(T0.AddSeconds(30), grace, default));

        Assert.Equal(("delivered", CommandStatus.TimedOut), (timedOut.Id, timedOut.Status));
        Assert.Equal(("queued", CommandStatus.Expired), (expired.Id, expired.Status));
        Assert.Contains("expired", expired.Error, StringComparison.Ordinal);
        Assert.Equal(CommandStatus.Expired, (await Stores.Commands.GetCommandAsync("queued", default))!.Status);
        Assert.Equal(CommandStatus.TimedOut, (await Stores.Commands.GetCommandAsync("delivered", default))!.Status);
    }

    [Fact]
    public async Task Purge_RemovesOnlyFinishedCommandsThatEndedBeforeTheCutoff()
    {
        await Stores.Commands.InsertCommandAsync(Command("old", T0), default);
        await Stores.Commands.InsertCommandAsync(Command("recent", T0), default);
        await Stores.Commands.InsertCommandAsync(Command("open", T0, agentId: "a2", ttl: TimeSpan.FromDays(30)), default);
        await Stores.Commands.CompleteCommandAsync("a1", "old", CommandStatus.Failed, null, "x", T0.AddMinutes(1), default);
        await Stores.Commands.CompleteCommandAsync("a1", "recent", CommandStatus.Succeeded, null, null, T0.AddDays(2), default);

        Assert.Equal(1, await Stores.Commands.PurgeCommandsAsync(T0.AddDays(1), default));
        Assert.Null(await Stores.Commands.GetCommandAsync("old", default));
        Assert.NotNull(await Stores.Commands.GetCommandAsync("recent", default));
        Assert.NotNull(await Stores.Commands.GetCommandAsync("open", default));
    }
}
