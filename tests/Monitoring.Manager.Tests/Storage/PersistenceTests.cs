using Monitoring.Protocol;

namespace Monitoring.Manager.Tests.Storage;

public sealed class PersistenceTests : IAsyncLifetime
{
    private TestManager _manager = null!;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact]
    public async Task Restart_KeepsAgentsTokensLatestSnapshotsAndSequence()
    {
        var (a, token) = await _manager.EnrollAsync("a1");
        await a.ReportAsync("a1", [TestManager.Snapshot(1), TestManager.Snapshot(2)]);

        await _manager.StartAgainAsync();

        using var admin = _manager.AdminClient();
        var agent = await admin.GetAgentAsync("a1");
        Assert.Equal(2, agent.Latest!.Seq);
        Assert.Equal(2, agent.LastSeq);
        using var again = _manager.AgentConnection(token);
        var registration = await again.RegisterAsync(new RegisterRequest { AgentId = "a1", IntervalSeconds = 10 }, token);
        Assert.Equal(2, registration.LastSeq);
        var ack = await again.ReportAsync("a1", [TestManager.Snapshot(2), TestManager.Snapshot(3)]);
        Assert.Equal((1, 1), (ack.Accepted, ack.Duplicates));
        Assert.Equal(3, (await admin.GetStatusHistoryAsync("a1")).Count);
    }

    [Fact]
    public async Task ReEnrollingARemovedAgent_ContinuesItsSequence()
    {
        var (a, _) = await _manager.EnrollAsync("a1");
        await a.ReportAsync("a1", [TestManager.Snapshot(1), TestManager.Snapshot(7)]);
        using var admin = _manager.AdminClient();
        await admin.RemoveAgentAsync("a1");

        using var connection = _manager.AgentConnection();
        var response = await connection.RegisterAsync(new RegisterRequest { AgentId = "a1", IntervalSeconds = 10 }, _manager.EnrollmentToken);

        Assert.Equal(7, response.LastSeq);
    }

    [Fact]
    public async Task TheDatabase_IsInWalMode()
    {
        await _manager.EnrollAsync("a1");
        using var conn = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_manager.DataDir, "monitoring.db")}");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", cmd.ExecuteScalar());
    }
}
