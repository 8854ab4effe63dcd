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
    public void SavedRecords_SurviveAReopen()
    {
        var store = new ExecutedCommandStore(_dir);
        store.Save(new ExecutedCommand { Id = Id(1), Name = "get_status" });
        store.Save(new ExecutedCommand { Id = Id(2), Name = "restart", Result = new CommandResult { Success = false, Error = "no" } });

        var reopened = new ExecutedCommandStore(_dir);

        Assert.Null(reopened.Get(Id(1))!.Result);
        Assert.Equal("no", reopened.Get(Id(2))!.Result!.Error);
        Assert.Null(reopened.Get(Id(3)));
    }

    [Fact]
    public void ARecordCutShort_StillCountsAsStarted()
    {
        File.WriteAllText(Path.Combine(_dir, Id(1) + ".json"), "{\"id\":\"");

        var record = new ExecutedCommandStore(_dir).Get(Id(1));

        Assert.NotNull(record);
        Assert.Null(record.Result);
    }

    [Fact]
    public void Prune_KeepsTheNewest()
    {
        var store = new ExecutedCommandStore(_dir, keep: 5);
        for (var i = 0; i < 100; i++)
        {
            store.Save(new ExecutedCommand { Id = Id(i), Name = "get_status" });
            File.SetLastWriteTimeUtc(Path.Combine(_dir, Id(i) + ".json"), DateTime.UtcNow.AddMinutes(i - 1000));
        }

        Assert.Equal(5, Directory.GetFiles(_dir).Length);
        Assert.NotNull(store.Get(Id(99)));
        Assert.Null(store.Get(Id(0)));
    }
}
