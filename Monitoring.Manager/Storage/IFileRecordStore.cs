using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>Records of stored and uploading files (their bytes live in the file store). Every write returns only once it is committed.</summary>
internal interface IFileRecordStore
{
    Task InitializeAsync(CancellationToken ct);

    Task InsertFileAsync(FileRecord file, CancellationToken ct);

    Task<FileRecord?> GetFileAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<FileRecord>> ListFilesAsync(int limit, CancellationToken ct);

    /// <summary>An upload by the same uploader of the same content from the same place, to resume or reuse.</summary>
    Task<FileRecord?> FindFileAsync(string? agentId, string requestedBy, string origin, string sha256, long size, CancellationToken ct);

    Task MarkFileCompleteAsync(string id, DateTimeOffset now, CancellationToken ct);

    Task<bool> DeleteFileAsync(string id, CancellationToken ct);

    /// <summary>True when an open receive_file command for <paramref name="agentId"/> names the file.</summary>
    Task<bool> IsFileOfferedToAsync(string fileId, string agentId, CancellationToken ct);

    /// <summary>Bytes of stored and uploading files: the agent's (when given) and in all.</summary>
    Task<(long AgentBytes, long TotalBytes)> GetFileUsageAsync(string? agentId, CancellationToken ct);

    /// <summary>Uploads still incomplete that were announced before <paramref name="cutoff"/> (at most 1000).</summary>
    Task<IReadOnlyList<string>> ListStaleUploadsAsync(DateTimeOffset cutoff, CancellationToken ct);

    /// <summary>
    /// Completed files that completed before <paramref name="cutoff"/> and that no open receive_file command offers
    /// (at most 1000).
    /// </summary>
    Task<IReadOnlyList<string>> ListExpiredFilesAsync(DateTimeOffset cutoff, CancellationToken ct);
}
