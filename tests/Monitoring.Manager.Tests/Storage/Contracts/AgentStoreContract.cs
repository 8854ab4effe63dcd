using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>What every agent store must do, whatever its engine.</summary>
public abstract class AgentStoreContract : StoreContract
{
    private static StoredAgent Agent(string id) => new()
    {
        Id = id, TokenHash = "hash-" + id, Hostname = "host-" + id, Os = "Linux", OsVersion = "6.1", AgentVersion = "1.2.3", IntervalSeconds = 10,
        Labels = new Dictionary<string, string> { ["site"] = "paris" }, RegisteredAt = T0, LastSeen = T0.AddMinutes(1), Address = "10.0.0.7",
        Enrollment = AgentEnrollment.Pending, InstanceKeyHash = "key-" + id, EnrolledWith = "token-1",
        Commands = [new CommandDefinition { Name = "rotate_logs", Description = "Rotates the logs" }],
    };

    [Fact]
    public async Task SavedAgents_LoadWithEveryField_AndSavingAgainUpdatesInPlace()
    {
        await Stores.Agents.SaveAgentAsync(Agent("a1"), default);
        await Stores.Agents.SaveAgentAsync(Agent("a1") with { Hostname = "renamed", Enrollment = AgentEnrollment.Active, TokenHash = "hash-2" }, default);

        var (stored, latest) = Assert.Single(await Stores.Agents.LoadAgentsAsync(default));

        Assert.Null(latest);
        Assert.Equal(("a1", "hash-2", "renamed", "Linux", "6.1", "1.2.3", 10.0), (stored.Id, stored.TokenHash, stored.Hostname, stored.Os, stored.OsVersion, stored.AgentVersion, stored.IntervalSeconds));
        Assert.Equal((T0, T0.AddMinutes(1), "10.0.0.7"), (stored.RegisteredAt, stored.LastSeen, stored.Address));
        Assert.Equal((AgentEnrollment.Active, "key-a1", "token-1"), (stored.Enrollment, stored.InstanceKeyHash, stored.EnrolledWith));
        Assert.Equal("paris", stored.Labels!["site"]);
        Assert.Equal("rotate_logs", Assert.Single(stored.Commands!).Name);
    }

    [Fact]
    public async Task Load_GivesEachAgentItsLatestSnapshot_HighestSequenceNumber_AndLastReport()
    {
        await Stores.Agents.SaveAgentAsync(Agent("a1"), default);
        await Stores.Agents.SaveAgentAsync(Agent("a2"), default);
        await Stores.History.AppendSnapshotsAsync("a1", [TestManager.Snapshot(1, T0), TestManager.Snapshot(2, T0.AddSeconds(10))], null, T0.AddMinutes(5), null, default);
        await Stores.History.AppendSnapshotsAsync("a1", [TestManager.Snapshot(3, T0.AddSeconds(20))], null, T0.AddMinutes(5).AddSeconds(10), null, default);

        var loaded = (await Stores.Agents.LoadAgentsAsync(default)).ToDictionary(x => x.Agent.Id);

        Assert.Equal((3L, 3L), (loaded["a1"].Agent.LastSeq, loaded["a1"].Latest!.Seq));
        Assert.Equal(T0.AddMinutes(5).AddSeconds(10), loaded["a1"].Agent.LastSeen);
        Assert.Equal(T0.AddMinutes(1), loaded["a2"].Agent.LastSeen);
        Assert.Equal(0, loaded["a2"].Agent.LastSeq);
        Assert.Null(loaded["a2"].Latest);
    }

    [Fact]
    public async Task Delete_RemovesTheAgentOnce()
    {
        await Stores.Agents.SaveAgentAsync(Agent("a1"), default);

        Assert.True(await Stores.Agents.DeleteAgentAsync("a1", default));
        Assert.False(await Stores.Agents.DeleteAgentAsync("a1", default));
        Assert.Empty(await Stores.Agents.LoadAgentsAsync(default));
    }
}
