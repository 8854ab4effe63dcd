using System.Text.Json;
using Monitoring.Internal;

namespace Monitoring.Agent;

/// <summary>
/// The recently executed commands, as one journal in the state directory: a line is appended when a command starts
/// (synced to disk before it runs, for one that changes something) and another when it has a result. A redelivered id
/// is answered from here and never run twice, even across an agent crash. Only each id's place in the journal is kept
/// in memory (a result can be a megabyte); the journal is rewritten with the newest <c>keep</c> commands once it holds
/// twice that many lines. One file appended to, instead of a new file per record: creating and deleting a file per
/// command was a third of the agent's CPU on ext4 (inode allocation, docs/benchmarks.md).
/// </summary>
internal sealed class ExecutedCommandStore : IDisposable
{
    public const string JournalName = "journal.jsonl";

    /// <summary>Past this size the journal is rewritten even before it holds twice <c>keep</c> lines.</summary>
    public const long MaxJournalBytes = 64L * 1024 * 1024;

    private readonly object _gate = new();
    private readonly string _path;
    private readonly int _keep;
    private readonly Dictionary<string, Entry> _index = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private FileStream _journal;
    private int _lines;

    public ExecutedCommandStore(string directory, int keep = 1000)
    {
        _path = Path.Combine(directory, JournalName);
        _keep = keep;
        SecureFile.CreateOwnerOnlyDirectory(directory);
        Load();
        var legacy = Directory.GetFiles(directory, "*.json");
        _journal = OpenForAppend();
        ImportLegacy(legacy);
        if (_lines > 2 * _keep)
        {
            Compact();
        }
    }

    /// <summary>Command ids are 32 lowercase hex digits; anything else is never recorded.</summary>
    public static bool IsValidId(string id) => id.Length == 32 && id.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public ExecutedCommand? Get(string id)
    {
        lock (_gate)
        {
            return _index.TryGetValue(id, out var entry) ? Read(entry) : null;
        }
    }

    /// <summary>Appends the record; <paramref name="durable"/> waits until it is on disk.</summary>
    public void Save(ExecutedCommand command, bool durable = true)
    {
        var line = Line(command);
        lock (_gate)
        {
            Append(command.Id, line, durable);
            if (_lines > 2 * _keep || (_journal.Length > MaxJournalBytes && _lines > _keep))
            {
                Compact();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _journal.Dispose();
        }
    }

    private static byte[] Line(ExecutedCommand command)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(command, ExecutedCommandJsonContext.Default.ExecutedCommand);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[json.Length] = (byte)'\n';
        return line;
    }

    private void Append(string id, byte[] line, bool durable)
    {
        var offset = _journal.Length;
        _journal.Write(line, 0, line.Length);
        _journal.Flush(durable);
        Track(id, new Entry(offset, line.Length - 1));
    }

    private void Track(string id, Entry entry)
    {
        if (!_index.ContainsKey(id))
        {
            _order.Enqueue(id);
        }

        _index[id] = entry;
        _lines++;
    }

    private ExecutedCommand Read(Entry entry)
    {
        using var file = OpenForRead();
        return JsonSerializer.Deserialize(ReadLine(file, entry), ExecutedCommandJsonContext.Default.ExecutedCommand)!;
    }

    private FileStream OpenForRead() => new(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);

    private static byte[] ReadLine(FileStream file, Entry entry)
    {
        var bytes = new byte[entry.Length];
        file.Position = entry.Offset;
        var read = 0;
        while (read < bytes.Length && file.Read(bytes, read, bytes.Length - read) is var n and > 0)
        {
            read += n;
        }

        return bytes;
    }

    /// <summary>
    /// Reads the journal's lines into the index. A last line without its newline was cut short by a crash: it is cut
    /// off (a start that never reached the disk is a command that never ran; a result cut short leaves the start,
    /// which is answered as "stopped while running").
    /// </summary>
    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }

        // Read in pieces, not whole: results of up to a megabyte each make a journal far larger than the agent's memory.
        long complete = 0;
        long length;
        using (var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
        {
            length = file.Length;
            var buffer = new byte[64 * 1024];
            var filled = 0;
            long bufferAt = 0;
            int read;
            while ((read = file.Read(buffer, filled, buffer.Length - filled)) > 0)
            {
                filled += read;
                var start = 0;
                int end;
                while ((end = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
                {
                    TrackLine(new ReadOnlySpan<byte>(buffer, start, end - start), bufferAt + start);
                    start = end + 1;
                    complete = bufferAt + start;
                }

                // Keep the line begun and read on; a line longer than the buffer grows it.
                Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                bufferAt += start;
                filled -= start;
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }
        }

        if (complete < length)
        {
            using var file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.Read);
            file.SetLength(complete);
            file.Flush(true);
        }
    }

    private void TrackLine(ReadOnlySpan<byte> line, long offset)
    {
        try
        {
            var record = JsonSerializer.Deserialize(line, ExecutedCommandJsonContext.Default.ExecutedCommand);
            if (record is not null && IsValidId(record.Id))
            {
                Track(record.Id, new Entry(offset, line.Length));
            }
        }
        catch (JsonException)
        {
            // A line damaged on disk: the commands around it still count.
        }
    }

    /// <summary>Moves the records of older agents (a file per command) into the journal, then deletes the files.</summary>
    private void ImportLegacy(string[] files)
    {
        if (files.Length == 0)
        {
            return;
        }

        foreach (var file in files.OrderBy(File.GetLastWriteTimeUtc))
        {
            var id = Path.GetFileNameWithoutExtension(file);
            if (!IsValidId(id) || _index.ContainsKey(id))
            {
                continue;
            }

            ExecutedCommand record;
            try
            {
                record = JsonSerializer.Deserialize(File.ReadAllBytes(file), ExecutedCommandJsonContext.Default.ExecutedCommand) ?? new ExecutedCommand { Id = id };
            }
            catch (JsonException)
            {
                // A record cut short by a crash still proves the command was started.
                record = new ExecutedCommand { Id = id };
            }

            Append(id, Line(record with { Id = id }), durable: false);
        }

        _journal.Flush(true);
        foreach (var file in files)
        {
            File.Delete(file);
        }
    }

    /// <summary>Rewrites the journal with the newest <c>keep</c> commands, each with its latest record.</summary>
    private void Compact()
    {
        while (_order.Count > _keep)
        {
            _index.Remove(_order.Dequeue());
        }

        var kept = new List<(string Id, int Length)>(_order.Count);
        var tmp = _path + ".tmp";
        using (var source = OpenForRead())
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            SecureFile.RestrictToOwner(tmp);
            foreach (var id in _order)
            {
                var line = ReadLine(source, _index[id]);
                file.Write(line, 0, line.Length);
                file.WriteByte((byte)'\n');
                kept.Add((id, line.Length));
            }

            file.Flush(true);
        }

        _journal.Dispose();
        File.Replace(tmp, _path, null);
        _index.Clear();
        _order.Clear();
        _lines = 0;
        _journal = OpenForAppend();
        long offset = 0;
        foreach (var (id, length) in kept)
        {
            Track(id, new Entry(offset, length));
            offset += length + 1;
        }
    }

    private FileStream OpenForAppend()
    {
        var created = !File.Exists(_path);
        var journal = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 1);
        if (created)
        {
            SecureFile.RestrictToOwner(_path);
        }

        return journal;
    }

    private readonly record struct Entry(long Offset, int Length);
}
