using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Agent;

/// <summary>
/// Snapshots not yet acknowledged by the manager, one file each in the state directory, so neither a lost
/// connection, an agent restart nor a power cut loses them: a snapshot counts as kept once its file is on disk.
/// Bounded: past capacity the oldest are dropped and counted. A file that cannot be read back is moved aside
/// (<c>.damaged</c>) with a warning that names it, never silently deleted.
/// </summary>
internal sealed partial class SnapshotSpool
{
    private readonly string _directory;
    private readonly int _capacity;
    private readonly ILogger _logger;
    private readonly SortedSet<long> _seqs = [];

    public SnapshotSpool(string directory, int capacity, ILogger? logger = null)
    {
        _directory = directory;
        _capacity = capacity;
        _logger = logger ?? NullLogger.Instance;
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".json", StringComparison.Ordinal)
                && long.TryParse(name.Substring(0, name.Length - 5), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                _seqs.Add(seq);
            }
            else if (name.EndsWith(".tmp", StringComparison.Ordinal))
            {
                // Left over from a write interrupted by a crash: never renamed into place, so never counted as kept.
                File.Delete(file);
            }
        }
    }

    public int Count => _seqs.Count;

    public long MaxSeq => _seqs.Count == 0 ? 0 : _seqs.Max;

    /// <summary>Snapshots dropped because the spool was full, since the last time this was read and reset.</summary>
    public long Dropped { get; set; }

    /// <summary>Keeps <paramref name="snapshot"/>: returns once its file is on disk under its final name.</summary>
    public void Add(MetricSnapshot snapshot)
    {
        var path = PathOf(snapshot.Seq);
        var tmp = path + ".tmp";
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(snapshot, MonitoringJsonContext.Default.MetricSnapshot);
            file.Write(bytes, 0, bytes.Length);
            file.Flush(flushToDisk: true);
        }

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
                // Damaged on disk: it cannot be sent, and must not block the spool; it is kept aside for a person to look at.
                MoveAside(seq, ex.Message);
                continue;
            }

            MoveAside(seq, "it holds no snapshot");
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

    /// <summary>
    /// Gives the spooled snapshots numbered <paramref name="fromSeq"/> or above (all of them by default) new sequence
    /// numbers from <paramref name="firstSeq"/>, keeping order; returns the number after the last one given.
    /// </summary>
    public long Renumber(long firstSeq, long fromSeq = long.MinValue)
    {
        var next = firstSeq;
        var all = Peek(int.MaxValue).Where(s => s.Seq >= fromSeq).ToList();
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

    private void MoveAside(long seq, string reason)
    {
        _seqs.Remove(seq);
        var path = PathOf(seq);
        var aside = path + ".damaged";
        try
        {
            File.Delete(aside);
            File.Move(path, aside);
            LogDamaged(_logger, seq, aside, reason);
        }
        catch (IOException ex)
        {
            LogDamaged(_logger, seq, path, $"{reason}; moving it aside failed too: {ex.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spooled snapshot {Seq} cannot be read back ({Reason}) and will not be sent; it was moved to {Path}")]
    private static partial void LogDamaged(ILogger logger, long seq, string path, string reason);

    private void Remove(long seq)
    {
        _seqs.Remove(seq);
        File.Delete(PathOf(seq));
    }

    private string PathOf(long seq) => Path.Combine(_directory, seq.ToString("D19", CultureInfo.InvariantCulture) + ".json");
}
