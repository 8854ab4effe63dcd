using Monitoring.Agent;
using Monitoring.Protocol;

namespace Monitoring.Core.Tests.Commands;

public sealed class ExecutedCommandStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-executed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Id(int n) => n.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789ABCDEF", false)]
    [InlineData("../../etc/passwd", false)]
    [InlineData("0123456789abcdef0123456789abcde", false)]
    public void IsValidId_AcceptsOnlyLowercaseHexOf32(string id, bool valid) => Assert.Equal(valid, ExecutedCommandStore.IsValidId(id));

    [Fact]
    public void SavedRecords_SurviveAReopen_WithTheLatestRecordOfEachCommand()
    {
        using (var store = new ExecutedCommandStore(_dir))
        {
            store.Save(new ExecutedCommand { Id = Id(1), Name = "get_status" });
            store.Save(new ExecutedCommand { Id = Id(2), Name = "restart" });
            store.Save(new ExecutedCommand { Id = Id(2), Name = "restart", Result = new CommandResult { Success = false, Error = "no" } }, durable: false);
        }

        using var reopened = new ExecutedCommandStore(_dir);

        Assert.Null(reopened.Get(Id(1))!.Result);
        Assert.Equal("no", reopened.Get(Id(2))!.Result!.Error);
        Assert.Null(reopened.Get(Id(3)));
        Assert.Equal([ExecutedCommandStore.JournalName], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void AJournalWithResultsLargerThanItsReadBuffer_IsReadBackWhole()
    {
        var big = System.Text.Json.JsonSerializer.SerializeToElement(new { lines = Enumerable.Repeat(new string('x', 1000), 300) });
        using (var store = new ExecutedCommandStore(_dir))
        {
            for (var i = 0; i < 5; i++)
            {
                store.Save(new ExecutedCommand { Id = Id(i), Name = "get_logs" });
                store.Save(new ExecutedCommand { Id = Id(i), Name = "get_logs", Result = new CommandResult { Success = true, Result = big } }, durable: false);
            }
        }

        Assert.True(new FileInfo(Journal).Length > 5 * 300_000);
        using var reopened = new ExecutedCommandStore(_dir);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(300, reopened.Get(Id(i))!.Result!.Result!.Value.GetProperty("lines").GetArrayLength());
        }
    }

    [Fact]
    public void AResultCutShortByACrash_LeavesTheStart_AndLaterRecordsAppendCleanly()
    {
        using (var store = new ExecutedCommandStore(_dir))
        {
            store.Save(new ExecutedCommand { Id = Id(1), Name = "restart" });
        }

        // The crash came while the result's line was being written.
        File.AppendAllText(Journal, "{\"id\":\"" + Id(1) + "\",\"name\":\"restart\",\"res");

        using (var reopened = new ExecutedCommandStore(_dir))
        {
            var record = reopened.Get(Id(1));
            Assert.NotNull(record);
            Assert.Null(record.Result);
            reopened.Save(new ExecutedCommand { Id = Id(2), Name = "get_status" });
        }

        using var again = new ExecutedCommandStore(_dir);
        Assert.NotNull(again.Get(Id(1)));
        Assert.Equal("get_status", again.Get(Id(2))!.Name);
    }

    [Fact]
    public void RecordsOfAnOlderAgent_OneFileEach_AreMovedIntoTheJournal()
    {
        File.WriteAllText(Path.Combine(_dir, Id(1) + ".json"), "{\"id\":\"" + Id(1) + "\",\"name\":\"restart\",\"result\":{\"success\":true}}");
        File.WriteAllText(Path.Combine(_dir, Id(2) + ".json"), "{\"id\":\""); // cut short by a crash: still started

        using (var store = new ExecutedCommandStore(_dir))
        {
            Assert.True(store.Get(Id(1))!.Result!.Success);
            Assert.Null(store.Get(Id(2))!.Result);
        }

        Assert.Equal([ExecutedCommandStore.JournalName], Directory.GetFiles(_dir).Select(Path.GetFileName));
        using var reopened = new ExecutedCommandStore(_dir);
        Assert.NotNull(reopened.Get(Id(2)));
    }

    [Fact]
    public void TheJournal_IsRewrittenWithTheNewestCommands_AndStaysBounded()
    {
        using var store = new ExecutedCommandStore(_dir, keep: 5);
        for (var i = 0; i < 100; i++)
        {
            store.Save(new ExecutedCommand { Id = Id(i), Name = "get_status" }, durable: false);
            store.Save(new ExecutedCommand { Id = Id(i), Name = "get_status", Result = new CommandResult { Success = true } }, durable: false);
        }

        Assert.InRange(File.ReadAllLines(Journal).Length, 5, 10);
        Assert.True(store.Get(Id(99))!.Result!.Success);
        Assert.NotNull(store.Get(Id(95)));
        Assert.Null(store.Get(Id(0)));
        using var reopened = new ExecutedCommandStore(_dir, keep: 5);
        Assert.True(reopened.Get(Id(97))!.Result!.Success);
        Assert.Null(reopened.Get(Id(90)));
    }

    private string Journal => Path.Combine(_dir, ExecutedCommandStore.JournalName);
}
