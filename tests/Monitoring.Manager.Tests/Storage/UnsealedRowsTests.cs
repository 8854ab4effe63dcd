using Microsoft.Data.Sqlite;
using Monitoring.Manager.Storage;
using Monitoring.Manager.Storage.History;

namespace Monitoring.Manager.Tests.Storage;

/// <summary>The SQLite history keeps where unsealed rows are in memory: a new store finds them again in the file.</summary>
public sealed class UnsealedRowsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static Task<AppendResult> AppendAsync(SqliteHistoryStore store, string agentId, params long[] seqs) =>
        store.AppendSnapshotsAsync(agentId, [.. seqs.Select(s => TestManager.Snapshot(s, Start.AddSeconds(10 * s)))], null, Start.AddSeconds(10 * seqs.Max()), null, default);

    private static async Task<long> TableRowsAsync(SqliteDatabase database)
    {
        await using var conn = await database.OpenReaderAsync(default);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM snapshots";
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ANewStore_FindsTheRowsAnEarlierOneWrote_RefusesTheirReplays_AndForgetsWhatItSealsOrPurges()
    {
        var dir = Directory.CreateTempSubdirectory("monitoring-unsealed-").FullName;
        try
        {
            using (var database = new SqliteDatabase(dir))
            {
                var first = new SqliteHistoryStore(database);
                await first.InitializeAsync(default);
                await AppendAsync(first, "u1", 1, 2, 3);
                await AppendAsync(first, "u2", 1);
            }

            SqliteConnection.ClearAllPools();
            using (var database = new SqliteDatabase(dir))
            {
                // No InitializeAsync: the first use reads the table.
                var store = new SqliteHistoryStore(database);
                Assert.Equal([3L, 2L, 1L], (await store.GetSnapshotsAsync("u1", null, null, 10, default)).Select(s => s.Seq));
                Assert.Equal(4, store.UnsealedCount);
                Assert.Equal(new AppendResult(1, 1, 4), await AppendAsync(store, "u1", 3, 4));
                Assert.Equal(4, await store.GetLastSeqAsync("u1", default));
                Assert.Equal(3, (await store.GetSeriesAsync("u1", Start, Start.AddSeconds(35), 0, default)).Points.Count);

                // u2's row (received at second 10) is sealed; u1's rows up to 3 (received at second 30) are purged
                // with u2's chunk; u1's row 4 (received at second 40) is sealed last.
                Assert.Equal(1, await store.SealAsync(Start.AddSeconds(20), default));
                Assert.Equal(4, store.UnsealedCount);
                Assert.Equal(4, await store.PurgeSnapshotsAsync(Start.AddSeconds(35), default));
                Assert.Equal(1, store.UnsealedCount);
                Assert.Equal([4L], (await store.GetSnapshotsAsync("u1", null, null, 10, default)).Select(s => s.Seq));
                Assert.Empty(await store.GetSnapshotsAsync("u2", null, null, 10, default));
                Assert.Equal(new AppendResult(0, 1, 4), await AppendAsync(store, "u1", 2));
                Assert.Equal(new AppendResult(0, 1, 1), await AppendAsync(store, "u2", 1));
                Assert.Equal(1, await store.SealAsync(Start.AddSeconds(50), default));
                Assert.Equal(0, store.UnsealedCount);
                Assert.Equal(0L, await TableRowsAsync(database));
                Assert.Equal([4L], (await store.GetSnapshotsAsync("u1", null, null, 10, default)).Select(s => s.Seq));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
