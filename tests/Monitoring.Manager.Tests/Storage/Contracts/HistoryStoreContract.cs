using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;

namespace Monitoring.Manager.Tests.Storage.Contracts;

/// <summary>
/// What every history store must do, whatever its engine: a subclass supplies a fresh, initialized store (SQLite
/// here; PostgreSQL implements the same contract).
/// </summary>
public abstract class HistoryStoreContract : IAsyncLifetime
{
    private protected IHistoryStore Store { get; private set; } = null!;

    private protected static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private protected abstract Task<IHistoryStore> CreateAsync();

    private protected abstract Task RegisterAgentAsync(string agentId);

    public async Task InitializeAsync()
    {
        Store = await CreateAsync();
        await RegisterAgentAsync("c1");
    }

    public abstract Task DisposeAsync();

    private Task<AppendResult> AppendAsync(params long[] seqs) =>
        Store.AppendSnapshotsAsync("c1", [.. seqs.Select(s => TestManager.Snapshot(s, Start.AddSeconds(10 * s)))], null, Start.AddSeconds(10 * seqs.Max()), "127.0.0.1", default);

    [Fact]
    public async Task Append_StoresNewSequenceNumbersOnce_AndReportsTheHighest()
    {
        var first = await AppendAsync(1, 2, 3);
        var again = await AppendAsync(2, 3, 4);

        Assert.Equal(new AppendResult(3, 0, 3), first);
        Assert.Equal(new AppendResult(1, 2, 4), again);
        Assert.Equal(4, await Store.GetLastSeqAsync("c1", default));
        Assert.Equal([4L, 3L, 2L, 1L], (await Store.GetSnapshotsAsync("c1", null, null, 10, default)).Select(s => s.Seq));
    }

    [Fact]
    public async Task Append_TakesABatchInSequenceOrder_AndTakesNumbersAtOrBelowTheHighestForReplays()
    {
        var shuffled = await AppendAsync(3, 1, 2, 2);
        var gap = await AppendAsync(6);
        var below = await AppendAsync(4, 5, 7);

        Assert.Equal(new AppendResult(3, 1, 3), shuffled);
        Assert.Equal(new AppendResult(1, 0, 6), gap);
        // An agent sends oldest first and numbers after what the manager holds: 4 and 5 can only be replays.
        Assert.Equal(new AppendResult(1, 2, 7), below);
        Assert.Equal([7L, 6L, 3L, 2L, 1L], (await Store.GetSnapshotsAsync("c1", null, null, 10, default)).Select(s => s.Seq));
    }

    [Fact]
    public async Task Sealing_KeepsEverySnapshotReadable_AndReplaysStayDuplicates()
    {
        await AppendAsync([.. Enumerable.Range(1, 50).Select(i => (long)i)]);

        var sealedRows = await Store.SealAsync(Start.AddDays(1), default);
        var replay = await AppendAsync(10, 51);

        Assert.Equal(50, sealedRows);
        Assert.Equal(new AppendResult(1, 1, 51), replay);
        var all = await Store.GetSnapshotsAsync("c1", null, null, 100, default);
        Assert.Equal(Enumerable.Range(1, 51).Reverse().Select(i => (long)i), all.Select(s => s.Seq));
        var range = await Store.GetSnapshotsAsync("c1", Start.AddSeconds(100), Start.AddSeconds(200), 100, default);
        Assert.Equal(Enumerable.Range(10, 11).Reverse().Select(i => (long)i), range.Select(s => s.Seq));
        Assert.Equal(51, (await Store.GetLatestAsync("c1", default))!.Seq);
    }

    [Fact]
    public async Task Series_ComeFromEachTier()
    {
        await AppendAsync([.. Enumerable.Range(0, 120).Select(i => (long)i + 1)]);
        await Store.SealAsync(Start.AddDays(1), default);

        var raw = await Store.GetSeriesAsync("c1", Start, Start.AddHours(1), 0, default);
        var minutes = await Store.GetSeriesAsync("c1", Start, Start.AddHours(1), 60, default);
        var hours = await Store.GetSeriesAsync("c1", Start, Start.AddHours(1), 3600, default);

        Assert.Equal(("raw", 120), (raw.Tier, raw.Points.Count));
        Assert.Equal("1m", minutes.Tier);
        Assert.Equal(120, minutes.Points.Sum(p => p.Count));
        Assert.Equal(120, Assert.Single(hours.Points).Count);
    }

    [Fact]
    public async Task Purge_GoesByReceiveTime()
    {
        await AppendAsync(1, 2);
        await Store.SealAsync(Start.AddDays(1), default);
        await AppendAsync(3);

        Assert.Equal(0, await Store.PurgeSnapshotsAsync(Start, default));
        Assert.True(await Store.PurgeSnapshotsAsync(Start.AddDays(1), default) > 0);
        Assert.Empty(await Store.GetSnapshotsAsync("c1", null, null, 10, default));
        Assert.Equal(3, await Store.GetLastSeqAsync("c1", default));
    }
}
