using Monitoring.Protocol;

namespace Monitoring.Manager.Files;

/// <summary>What a file-store operation produced: a record (new, or found again), or the problem that stopped it.</summary>
internal sealed record FileOutcome(FileRecord? Record, FileProblem? Problem, bool Created = false)
{
    public static FileOutcome Of(FileRecord record, bool created = false) => new(record, null, created);

    public static FileOutcome Refused(int status, string code, string message) => new(null, new FileProblem(status, code, message));
}
