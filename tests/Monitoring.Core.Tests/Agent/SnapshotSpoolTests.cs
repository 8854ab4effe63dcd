using Monitoring.Agent;
using Monitoring.Metrics;

namespace Monitoring.Core.Tests.Agent;

public sealed class SnapshotSpoolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("monitoring-spool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static MetricSnapshot At(long seq) => new() { Seq = seq, Timestamp = DateTimeOffset.UnixEpoch.AddSeconds(seq), Processes = new() { Count = (int)seq } };

    [Fact]
    public void Spool_SurvivesARestartInOrder()
    {
        var spool = new SnapshotSpool(_dir, 100);
        spool.Add(At(3));
        spool.Add(At(1));
        spool.Add(At(2));

        var reopened = new SnapshotSpool(_dir, 100);

        Assert.Equal(3, reopened.Count);
        Assert.Equal(3, reopened.MaxSeq);
        Assert.Equal([1L, 2L, 3L], reopened.Peek(10).Select(s => s.Seq));
        Assert.Equal(2, reopened.Peek(10)[1].Processes.Count);
    }

    [Fact]
    public void RemoveThrough_DropsAcknowledgedOnly()
    {
        var spool = new SnapshotSpool(_dir, 100);
        for (var i = 1; i <= 5; i++)
        {
            spool.Add(At(i));
        }

        spool.RemoveThrough(3);

        Assert.Equal([4L, 5L], spool.Peek(10).Select(s => s.Seq));
        Assert.Equal(2, Directory.GetFiles(_dir).Length);
    }

    [Fact]
    public void Add_PastCapacity_DropsTheOldestAndCountsThem()
    {
        var spool = new SnapshotSpool(_dir, 3);
        for (var i = 1; i <= 5; i++)
        {
            spool.Add(At(i));
        }

        Assert.Equal([3L, 4L, 5L], spool.Peek(10).Select(s => s.Seq));
        Assert.Equal(2, spool.Dropped);
    }

    [Fact]
    public void Renumber_KeepsOrderAndContent()
    {
        var spool = new SnapshotSpool(_dir, 100);
        spool.Add(At(1));
        spool.Add(At(2));
        spool.Add(At(3));

        var next = spool.Renumber(2);

        Assert.Equal(5, next);
        var all = spool.Peek(10);
        Assert.Equal([2L, 3L, 4L], all.Select(s => s.Seq));
        Assert.Equal([1, 2, 3], all.Select(s => s.Processes.Count));
    }

    [Fact]
    public void Open_DiscardsLeftoversOfInterruptedWrites_AndMovesDamagedFilesAsideWithAWarning()
    {
        var spool = new SnapshotSpool(_dir, 100);
        spool.Add(At(1));
        spool.Add(At(2));
        File.WriteAllText(Path.Combine(_dir, "0000000000000000003.json.tmp"), "{\"seq\":3,");
        File.WriteAllText(Path.Combine(_dir, "0000000000000000002.json"), "{ not json");
        var log = new ListLogger();

        var reopened = new SnapshotSpool(_dir, 100, log);

        Assert.Equal([1L], reopened.Peek(10).Select(s => s.Seq));
        Assert.Equal(0, reopened.Count - 1);
        Assert.False(File.Exists(Path.Combine(_dir, "0000000000000000003.json.tmp")));
        var aside = Path.Combine(_dir, "0000000000000000002.json.damaged");
        Assert.Equal("{ not json", File.ReadAllText(aside));
        Assert.Contains(aside, Assert.Single(log.Warnings), StringComparison.Ordinal);
        Assert.Equal([1L], new SnapshotSpool(_dir, 100).Peek(10).Select(s => s.Seq));
    }
}
