using Microsoft.Extensions.DependencyInjection;
using Monitoring.Manager.Storage;

namespace Monitoring.Manager.Tests.Storage;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task ConcurrentReports_AreAllStoredExactlyOnce_InFewerCommitsThanWrites()
    {
        await using var manager = await TestManager.StartAsync("--rateLimits:enrollmentsPerMinutePerAddress", "100000");
        var agents = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => manager.EnrollAsync("g" + i)));
        var database = manager.Services.GetRequiredService<SqliteDatabase>();
        var before = database.CommitStats;

        // Every agent sends 25 reports, and each report is sent twice (a replay after a lost answer).
        await Task.WhenAll(agents.Select((a, i) => Task.Run(async () =>
        {
            for (var seq = 1; seq <= 25; seq++)
            {
                var first = a.Connection.ReportAsync("g" + i, [TestManager.Snapshot(seq)]);
                var replay = a.Connection.ReportAsync("g" + i, [TestManager.Snapshot(seq)]);
                var acks = await Task.WhenAll(first, replay);
                Assert.Equal(1, acks.Sum(x => x.Accepted));
                Assert.Equal(1, acks.Sum(x => x.Duplicates));
            }
        })));

        var after = database.CommitStats;
        using var admin = manager.AdminClient();
        for (var i = 0; i < agents.Length; i++)
        {
            Assert.Equal(Enumerable.Range(1, 25).Reverse().Select(s => (long)s), (await admin.GetStatusHistoryAsync("g" + i, limit: 100)).Select(s => s.Seq));
        }

        Assert.True(after.Writes - before.Writes >= 2000, $"{after.Writes - before.Writes} writes");
        Assert.True(after.Commits - before.Commits < after.Writes - before.Writes, $"{after.Commits - before.Commits} commits for {after.Writes - before.Writes} writes: nothing was grouped");
    }

    [Fact]
    public Task AFailingWrite_RollsBackAlone_AndTheRestOfItsGroupCommits() => WithTableAsync(async database =>
    {
        var results = await OutcomesAsync(Enumerable.Range(0, 200).Select(i => database.WriteAsync(async (c, t) =>
        {
            await SqliteDatabase.ExecAsync(c, t, $"INSERT INTO t VALUES ({i})", default);
            if (i % 10 == 0)
            {
                await SqliteDatabase.ExecAsync(c, t, $"INSERT INTO t VALUES ({i})", default);
            }

            return i;
        }, default)));

        Assert.Equal(20, results.Count(ok => !ok));
        await using var reader = await database.OpenReaderAsync(default);
        using var count = reader.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM t";
        Assert.Equal(180L, (long)(await count.ExecuteScalarAsync())!);
    });

    [Fact]
    public Task AFailingRepeatableWrite_FailsItsCaller_KeepsWhatItWroteBefore_AndTheRestOfItsGroupCommits() => WithTableAsync(async database =>
    {
        // Without a savepoint of its own, a failing piece keeps its statements before the failure; the failing
        // statement alone is undone, and the pieces around it in the same group commit. Each piece hears of the
        // commit, the failed ones too (what they wrote is committed), and none of a rollback.
        var committed = 0;
        var rolledBack = 0;
        var results = await OutcomesAsync(Enumerable.Range(0, 200).Select(i => database.WriteRepeatableAsync(
            async (c, t) =>
            {
                await SqliteDatabase.ExecAsync(c, t, $"INSERT INTO t VALUES ({i})", default);
                if (i % 10 == 0)
                {
                    await SqliteDatabase.ExecAsync(c, t, $"INSERT INTO t VALUES ({i + 1000}), ({i})", default);
                }

                return i;
            },
            default,
            committed: () => Interlocked.Increment(ref committed),
            rolledBack: () => Interlocked.Increment(ref rolledBack))));

        Assert.Equal(20, results.Count(ok => !ok));
        await TestNet.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref committed) == 200), TimeSpan.FromSeconds(10), "every piece to hear of its commit");
        Assert.Equal(0, Volatile.Read(ref rolledBack));
        await using var reader = await database.OpenReaderAsync(default);
        using var count = reader.CreateCommand();
        count.CommandText = "SELECT COUNT(*), COUNT(CASE WHEN v >= 1000 THEN 1 END) FROM t";
        using var r = await count.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(200L, r.GetInt64(0));
        Assert.Equal(0L, r.GetInt64(1));
    });

    /// <summary>Runs <paramref name="test"/> on a new database in a temporary folder that holds one table, <c>t (v INTEGER PRIMARY KEY)</c>.</summary>
    private static async Task WithTableAsync(Func<SqliteDatabase, Task> test)
    {
        var dir = Directory.CreateTempSubdirectory("monitoring-db-").FullName;
        try
        {
            using var database = new SqliteDatabase(dir);
            await database.WriteAsync(async (c, t) => { await SqliteDatabase.ExecAsync(c, t, "CREATE TABLE t (v INTEGER PRIMARY KEY)", default); return 0; }, default);
            await test(database);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Whether each write succeeded (false where SQLite refused it).</summary>
    private static Task<bool[]> OutcomesAsync(IEnumerable<Task<int>> writes) =>
        Task.WhenAll(writes.ToList().Select(async w =>
        {
            try
            {
                await w;
                return true;
            }
            catch (Microsoft.Data.Sqlite.SqliteException)
            {
                return false;
            }
        }));
}
