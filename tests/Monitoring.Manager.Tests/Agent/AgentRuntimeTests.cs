using Monitoring.Agent;
using Monitoring.Tests;

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

    private AgentRuntimeOptions Options(string? enrollmentToken, string? stateDirectory = null) => new()
    {
        ManagerUrl = _manager.Url,
        AgentId = "rt1",
        EnrollmentToken = enrollmentToken,
        StateDirectory = stateDirectory ?? _state,
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
    public async Task WhileTheManagerAnswers_SnapshotsGoStraightFromMemory_AndTheSpoolIsNotWritten()
    {
        using var runtime = new AgentRuntime(Options(_manager.EnrollmentToken));
        await runtime.TickAsync(CancellationToken.None);
        var spool = Path.Combine(_state, "spool");
        using var watcher = new FileSystemWatcher(spool) { IncludeSubdirectories = true };
        var created = new System.Collections.Concurrent.ConcurrentQueue<string>();
        watcher.Created += (_, e) => created.Enqueue(e.Name!);
        watcher.Renamed += (_, e) => created.Enqueue(e.Name!);
        watcher.EnableRaisingEvents = true;

        for (var i = 0; i < 5; i++)
        {
            await runtime.TickAsync(CancellationToken.None);
        }

        // inotify delivers in order: once the marker's event is in, any spool write before it would be too.
        await File.WriteAllTextAsync(Path.Combine(spool, "marker"), "");
        await TestNet.WaitUntilAsync(() => Task.FromResult(created.Contains("marker")), TimeSpan.FromSeconds(10), "the marker's event");
        Assert.Equal(["marker"], created);
        File.Delete(Path.Combine(spool, "marker"));
        using var admin = _manager.AdminClient();
        Assert.Equal([6L, 5L, 4L, 3L, 2L, 1L], (await admin.GetStatusHistoryAsync("rt1")).Select(s => s.Seq));
        Assert.Equal(6, runtime.LastAcknowledgedSeq);
    }

    [Fact]
    public async Task OutageLongerThanTheSpool_DropsTheOldest_CountsThem_AndTheManagerShowsTheCount()
    {
        var options = Options(_manager.EnrollmentToken);
        options.SpoolCapacity = 3;
        using var runtime = new AgentRuntime(options);
        await runtime.TickAsync(CancellationToken.None);
        await _manager.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            await runtime.TickAsync(CancellationToken.None);
        }

        Assert.Equal(3, runtime.SpooledCount);
        await _manager.StartAgainAsync();
        await runtime.TickAsync(CancellationToken.None);
        await runtime.TickAsync(CancellationToken.None);

        // Generated 1..8. The spool held 3 while the manager was down, so 2, 3 and 4 were dropped by design (the oldest
        // first); every other one is stored exactly once, and the count the manager shows accounts for the rest.
        using var admin = _manager.AdminClient();
        Assert.Equal([8L, 7L, 6L, 5L, 1L], (await admin.GetStatusHistoryAsync("rt1")).Select(s => s.Seq));
        Assert.Equal(3, (await admin.GetAgentAsync("rt1")).DroppedSnapshots);
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
    public async Task AfterACrash_TheAcknowledgedNumberItDidNotSave_CostsNoSnapshot()
    {
        // The acknowledged sequence number is saved when the agent stops, not on every report; a crash loses it.
        using (var first = new AgentRuntime(Options(_manager.EnrollmentToken)))
        {
            for (var i = 0; i < 3; i++)
            {
                await first.TickAsync(CancellationToken.None);
            }

            Assert.Equal(3, first.LastAcknowledgedSeq);
        }

        // The restarted agent starts from the older number: one snapshot spools while the manager is away, the next
        // is collected as it comes back. Both were never sent, so both get numbers after the manager's.
        await _manager.StopAsync();
        using var second = new AgentRuntime(Options(null));
        await second.TickAsync(CancellationToken.None);
        Assert.Equal(1, second.SpooledCount);
        await _manager.StartAgainAsync();
        await second.TickAsync(CancellationToken.None);

        Assert.True(second.IsConnected);
        Assert.Equal(0, second.SpooledCount);
        using var admin = _manager.AdminClient();
        Assert.Equal([5L, 4L, 3L, 2L, 1L], (await admin.GetStatusHistoryAsync("rt1")).Select(s => s.Seq));
        Assert.Equal(5, second.LastAcknowledgedSeq);
    }

    [Fact]
    public async Task RevokedToken_StopsReportingWithOneClearError_InsteadOfReEnrolling()
    {
        var log = new ListLogger();
        using var runtime = new AgentRuntime(Options(_manager.EnrollmentToken), log);
        await runtime.TickAsync(CancellationToken.None);
        using var admin = _manager.AdminClient();
        await admin.ResetAgentAsync("rt1");

        await runtime.TickAsync(CancellationToken.None);
        await runtime.TickAsync(CancellationToken.None);
        await runtime.TickAsync(CancellationToken.None);

        Assert.False(runtime.IsConnected);
        Assert.Contains("revoked", runtime.Rejection, StringComparison.Ordinal);
        var error = Assert.Single(log.Errors);
        Assert.Contains("Reset-MonAgent -Agent rt1", error, StringComparison.Ordinal);
        Assert.Equal(Protocol.AgentEnrollment.Reset, (await admin.GetAgentAsync("rt1")).Enrollment);
        Assert.Equal([1L], (await admin.GetStatusHistoryAsync("rt1")).Select(s => s.Seq));
    }

    [Fact]
    public async Task AfterAReset_ARestartedAgentEnrollsAgain_AndKeepsItsSequence()
    {
        using (var first = new AgentRuntime(Options(_manager.EnrollmentToken)))
        {
            await first.TickAsync(CancellationToken.None);
        }

        using var admin = _manager.AdminClient();
        await admin.ResetAgentAsync("rt1");
        using var restarted = new AgentRuntime(Options(_manager.EnrollmentToken));

        await restarted.TickAsync(CancellationToken.None);

        Assert.True(restarted.IsConnected);
        Assert.Null(restarted.Rejection);
        Assert.Equal([2L, 1L], (await admin.GetStatusHistoryAsync("rt1")).Select(s => s.Seq));
    }

    [Fact]
    public async Task AnAgentStoppedBeforeItSavedItsToken_EnrollsAgainOnRestart()
    {
        using (var first = new AgentRuntime(Options(_manager.EnrollmentToken)))
        {
            await first.TickAsync(CancellationToken.None);
        }

        // As if the process had died between the manager's answer and saving the token: the key was saved before.
        var statePath = Path.Combine(_state, "state.json");
        var state = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(statePath))!.AsObject();
        Assert.False(string.IsNullOrEmpty(state["instanceKey"]?.GetValue<string>()));
        state.Remove("token");
        await File.WriteAllTextAsync(statePath, state.ToJsonString());
        using var restarted = new AgentRuntime(Options(_manager.EnrollmentToken));

        await restarted.TickAsync(CancellationToken.None);

        Assert.True(restarted.IsConnected);
        Assert.Null(restarted.Rejection);
    }

    [Fact]
    public async Task AnotherMachineWithTheSameId_IsRefused_AndTheRealAgentKeepsReporting()
    {
        using var real = new AgentRuntime(Options(_manager.EnrollmentToken));
        await real.TickAsync(CancellationToken.None);
        var otherState = Directory.CreateTempSubdirectory("monitoring-agent-").FullName;
        try
        {
            using var impostor = new AgentRuntime(Options(_manager.EnrollmentToken, otherState));
            await impostor.TickAsync(CancellationToken.None);
            await real.TickAsync(CancellationToken.None);

            Assert.False(impostor.IsConnected);
            Assert.Contains("already enrolled", impostor.Rejection, StringComparison.Ordinal);
            Assert.True(real.IsConnected);
            using var admin = _manager.AdminClient();
            Assert.Equal([2L, 1L], (await admin.GetStatusHistoryAsync("rt1")).Select(s => s.Seq));
        }
        finally
        {
            Directory.Delete(otherState, recursive: true);
        }
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
