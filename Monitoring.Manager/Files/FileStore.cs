using Monitoring.Protocol;
using System.Collections.Concurrent;
using Monitoring.Internal;

namespace Monitoring.Manager.Files;

/// <summary>
/// The manager's file store on disk: <c>files/&lt;id&gt;.part</c> while bytes arrive, renamed to <c>files/&lt;id&gt;</c>
/// once complete and verified. Names are the server's ids only; what a client calls a file is metadata.
/// </summary>
internal sealed class FileStore
{
    private readonly ConcurrentDictionary<string, byte> _uploading = new(StringComparer.Ordinal);

    public FileStore(ManagerOptions options)
    {
        Directory = options.FilesDirectory ?? Path.Combine(options.DataDirectory, "files");
        SecureFile.CreateOwnerOnlyDirectory(Directory);
    }

    public string Directory { get; }

    public static bool IsValidId(string id) => FileIds.IsValid(id);

    public string CompletePath(string id) => Path.Combine(Directory, id);

    public string PartPath(string id) => Path.Combine(Directory, id + ".part");

    /// <summary>Bytes stored so far for an upload in progress.</summary>
    public long Received(string id)
    {
        var part = new FileInfo(PartPath(id));
        return part.Exists ? part.Length : 0;
    }

    /// <summary>Claims the right to write an upload; false while another request writes it.</summary>
    public bool TryBeginWrite(string id) => _uploading.TryAdd(id, 0);

    public void EndWrite(string id) => _uploading.TryRemove(id, out _);

    /// <summary>Deletes <c>.part</c> files last written before <paramref name="cutoff"/> that no record names; returns how many.</summary>
    public int DeleteOrphanParts(DateTimeOffset cutoff, Func<string, bool> isKnown)
    {
        var removed = 0;
        foreach (var part in System.IO.Directory.EnumerateFiles(Directory, "*.part"))
        {
            var id = Path.GetFileNameWithoutExtension(part);
            if (File.GetLastWriteTimeUtc(part) < cutoff.UtcDateTime && (!IsValidId(id) || !isKnown(id)))
            {
                File.Delete(part);
                removed++;
            }
        }

        return removed;
    }

    public void Delete(string id)
    {
        File.Delete(PartPath(id));
        File.Delete(CompletePath(id));
    }
}
