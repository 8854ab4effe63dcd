using Monitoring.Agent;

namespace Monitoring.Manager.Tests.Agent;

public sealed class AgentRuntimeTests : IAsyncLifetime
{
    private TestManager _manager = null!;
    private readonly string _state = Directory.CreateTempSubdirectory("monitoring-agent-").FullName;

    public async Task InitializeAsync() => _manager = await TestManager.StartAsync();

    public async Task DisposeAsync()
    {
        await _manager.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }

    private AgentRuntimeOptions Options(string? enrollmentToken) => new()
    {
        ManagerUrl = _manager.Url,
        AgentId = "rt1",
        EnrollmentToken = enrollmentToken,
        StateDirectory = _state,
        Interval = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task Outage_SpoolsSnapshotsAndReplaysThemInOrderWithoutGapsOrDuplicates()
    {
        using var runtime = new AgentRuntime(Options(_manager.EnrollmentToken));
        await runtime.TickAsync(CancellationToken.None);
        await runtime.TickAsync(CancellationToken.None);
        Assert.True(runtime.IsConnected);
        Assert.Equal(0, runtime.SpooledCount);

        await _manager.StopAsync();
        await runtime.TickAsync(CancellationToken.None);
        await runtime.TickAsync(CancellationToken.None);
        await runtime.TickAsync(CancellationToken.None);
        Assert.False(runtime.IsConnected);
        Assert.Equal(3, runtime.SpooledCount);

        await _manager.StartAgainAsync();
        await runtime.TickAsync(CancellationToken.None);

        Assert.True(runtime.IsConnected);
        Assert.Equal(0, runtime.SpooledCount);
        using var admin = _manager.AdminClient();
        var history = await admin.GetStatusHistoryAsync("rt1");
        Assert.Equal([6L, 5L, 4L, 3L, 2L, 1L], history.Select(s => s.Seq));
        Assert.Equal(6, runtime.LastAcknowledgedSeq);
    }

    [Fact]
    public async Task AgentRestartDuringOutage_KeepsItsTokenAndSpool()
    {
        using (var first = new AgentRuntime(Options(_manager.EnrollmentToken)))
        {
            await first.TickAsync(CancellationToken.None);
            await _manager.StopAsync();
            await first.TickAsync(CancellationToken.None);
            Assert.Equal(1, first.SpooledCount);
        }

        await _manager.StartAgainAsync();
        // No enrollment token this time: the agent must reuse the token it saved.
        using var second = new AgentRuntime(Options(null));
        await second.TickAsync(CancellationToken.None);

        Assert.True(second.IsConnected);
        using var admin = _manager.AdminClient();
        Assert.Equal([3L, 2L, 1L], (await admin.GetStatusHistoryAsync("rt1")).Select(s => s.Seq));
        var state = File.ReadAllText(Path.Combine(_state, "state.json"));
        Assert.Contains("mon_agt_", state, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_state, "state.json")));
    }

    [Fact]
    public async Task RevokedToken_ReEnrollsWithTheEnrollmentToken()
    {
        using var runtime = new AgentRuntime(Options(_manager.EnrollmentToken));
        await runtime.TickAsync(CancellationToken.None);
        using var admin = _manager.AdminClient();
        await admin.RemoveAgentAsync("rt1");

        await runtime.TickAsync(CancellationToken.None);
        await runtime.TickAsync(CancellationToken.None);

        Assert.True(runtime.IsConnected);
        Assert.Equal([3L, 2L, 1L], (await admin.GetStatusHistoryAsync("rt1")).Select(s => s.Seq));
    }

    [Fact]
    public async Task NoTokenAndNoEnrollmentToken_FailsWithWhatToDo()
    {
        using var runtime = new AgentRuntime(Options(null));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => runtime.RunAsync(CancellationToken.None));

        Assert.Contains("--enrollment-token-file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ReportsUntilCancelled()
    {
        using var runtime = new AgentRuntime(Options(_manager.EnrollmentToken));
        using var cts = new CancellationTokenSource();
        var run = runtime.RunAsync(cts.Token);
        using var admin = _manager.AdminClient();

        await TestNet.WaitUntilAsync(
            async () => (await admin.GetAgentsAsync()).Any(a => a.Id == "rt1" && a.LastSeq >= 2), TimeSpan.FromSeconds(15), "two reports");
        await cts.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        var agent = await admin.GetAgentAsync("rt1");
        Assert.True(agent.Latest!.Memory.TotalBytes > 0);
        Assert.Equal(1, agent.IntervalSeconds);
    }
}
