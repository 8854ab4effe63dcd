using System.Globalization;
using System.Text.Json;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>
/// Snapshots not yet acknowledged by the manager, one file each in the state directory, so neither a lost
/// connection nor an agent restart loses them. Bounded: past capacity the oldest are dropped.
/// </summary>
internal sealed class SnapshotSpool
{
    private readonly string _directory;
    private readonly int _capacity;
    private readonly SortedSet<long> _seqs = [];

    public SnapshotSpool(string directory, int capacity)
    {
        _directory = directory;
        _capacity = capacity;
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".json", StringComparison.Ordinal)
                && long.TryParse(name.Substring(0, name.Length - 5), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                _seqs.Add(seq);
            }
            else
            {
                // Left over from a write interrupted by a crash: never renamed into place, so never acknowledged.
                File.Delete(file);
            }
        }
    }

    public int Count => _seqs.Count;

    public long MaxSeq => _seqs.Count == 0 ? 0 : _seqs.Max;

    /// <summary>Snapshots dropped because the spool was full, since the last time this was read and reset.</summary>
    public long Dropped { get; set; }

    public void Add(MetricSnapshot snapshot)
    {
        var path = PathOf(snapshot.Seq);
        var tmp = path + ".tmp";
        File.WriteAllBytes(tmp, JsonSerializer.SerializeToUtf8Bytes(snapshot, MonitoringJsonContext.Default.MetricSnapshot));
        File.Delete(path);
        File.Move(tmp, path);
        _seqs.Add(snapshot.Seq);
        while (_seqs.Count > _capacity)
        {
            Remove(_seqs.Min);
            Dropped++;
        }
    }

    /// <summary>The oldest snapshots, at most <paramref name="max"/>; unreadable files are discarded.</summary>
    public List<MetricSnapshot> Peek(int max)
    {
        var batch = new List<MetricSnapshot>(Math.Min(max, _seqs.Count));
        foreach (var seq in _seqs.Take(max).ToList())
        {
            try
            {
                var snapshot = JsonSerializer.Deserialize(File.ReadAllBytes(PathOf(seq)), MonitoringJsonContext.Default.MetricSnapshot);
                if (snapshot is not null)
                {
                    batch.Add(snapshot with { Seq = seq });
                    continue;
                }
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                // A file damaged on disk cannot be sent; drop it rather than block the spool.
            }

            Remove(seq);
        }

        return batch;
    }

    /// <summary>Removes every snapshot up to and including <paramref name="seq"/>.</summary>
    public void RemoveThrough(long seq)
    {
        while (_seqs.Count > 0 && _seqs.Min <= seq)
        {
            Remove(_seqs.Min);
        }
    }

    /// <summary>Gives every spooled snapshot a new sequence number from <paramref name="firstSeq"/>, keeping order.</summary>
    public long Renumber(long firstSeq)
    {
        var next = firstSeq;
        var all = Peek(int.MaxValue);
        foreach (var snapshot in all)
        {
            Remove(snapshot.Seq);
        }

        foreach (var snapshot in all)
        {
            Add(snapshot with { Seq = next++ });
        }

        return next;
    }

    private void Remove(long seq)
    {
        _seqs.Remove(seq);
        File.Delete(PathOf(seq));
    }

    private string PathOf(long seq) => Path.Combine(_directory, seq.ToString("D19", CultureInfo.InvariantCulture) + ".json");
}
