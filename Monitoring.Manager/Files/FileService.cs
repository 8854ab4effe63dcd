using System.Security.Claims;
using Monitoring.Files;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Files;

/// <summary>
/// The file store's rules: who may read and send which file, quotas, reuse of an upload of the same content from the
/// same place, resumable uploads verified against the announced SHA-256, and completion.
/// </summary>
internal sealed partial class FileService(IFileRecordStore store, FileStore files, ManagerOptions options, TimeProvider time, ILogger<FileService> logger)
{
    /// <summary>
    /// Announces an upload: reuses an earlier upload of the same content from the same place (finished, or still
    /// resumable), else records a new one within the quotas.
    /// </summary>
    public async Task<FileOutcome> AnnounceAsync(CreateFileRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        if (request.Size > options.MaxFileBytes)
        {
            return FileOutcome.Refused(
                StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"The file is {request.Size} bytes; this manager stores files of at most {options.MaxFileBytes} bytes (maxFileBytes).");
        }

        var by = user.Who();
        var agentId = user.AgentId();
        var (agentBytes, totalBytes) = await store.GetFileUsageAsync(agentId, ct);
        if (agentId is not null && agentBytes + request.Size > options.MaxFileBytesPerAgent)
        {
            return FileOutcome.Refused(StatusCodes.Status507InsufficientStorage, ErrorCodes.QuotaExceeded,
                $"Agent '{agentId}' already has {agentBytes} bytes in the file store; with this file it would pass its quota of {options.MaxFileBytesPerAgent} bytes (files:maxBytesPerAgent). Delete files it sent (Get-MonFile, DELETE {ApiRoutes.Files}/ID) or raise the quota.");
        }

        if (totalBytes + request.Size > options.MaxFileStoreBytes)
        {
            return FileOutcome.Refused(StatusCodes.Status507InsufficientStorage, ErrorCodes.QuotaExceeded,
                $"The file store holds {totalBytes} bytes; with this file it would pass its quota of {options.MaxFileStoreBytes} bytes (files:maxStoreBytes). Delete stored files or raise the quota.");
        }

        var sha256 = request.Sha256.ToLowerInvariant();
        var origin = request.SourcePath ?? request.Name;
        if (await store.FindFileAsync(agentId, by, origin, sha256, request.Size, ct) is { } earlier
            && (earlier.Status == FileStatus.Uploading || File.Exists(files.CompletePath(earlier.Id))))
        {
            return FileOutcome.Of(WithReceived(earlier));
        }

        if (request.Size == 0 && sha256 != FileHash.Empty)
        {
            return FileOutcome.Refused(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ChecksumMismatch, "An empty file's SHA-256 is " + FileHash.Empty + ".");
        }

        var now = time.GetUtcNow();
        var record = new FileRecord
        {
            Id = Guid.CreateVersion7().ToString("N"),
            Name = request.Name,
            AgentId = agentId,
            SourcePath = request.SourcePath,
            Size = request.Size,
            Sha256 = sha256,
            Status = request.Size == 0 ? FileStatus.Complete : FileStatus.Uploading,
            RequestedBy = by,
            CreatedAt = now,
            CompletedAt = request.Size == 0 ? now : null,
        };
        if (request.Size == 0)
        {
            await File.WriteAllBytesAsync(files.CompletePath(record.Id), [], ct);
        }

        await store.InsertFileAsync(record, ct);
        LogAnnounced(logger, record.Id, record.Name, record.Size, by);
        return FileOutcome.Of(record, created: true);
    }

    /// <summary>The newest files, each with the bytes received so far.</summary>
    public async Task<IReadOnlyList<FileRecord>> ListAsync(int limit, CancellationToken ct) =>
        [.. (await store.ListFilesAsync(limit, ct)).Select(WithReceived)];

    /// <summary>
    /// The file's record, with the bytes received so far, if <paramref name="user"/> may read it: any reader; an agent
    /// only its own uploads and files an open <c>receive_file</c> command offers it. Null otherwise, or when there is
    /// no such file: the two look the same from outside.
    /// </summary>
    public async Task<FileRecord?> FindReadableAsync(string fileId, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!FileStore.IsValidId(fileId) || await store.GetFileAsync(fileId, ct) is not { } record)
        {
            return null;
        }

        if (user.IsInRole(Roles.Reader))
        {
            return WithReceived(record);
        }

        return user.AgentId() is { } agentId && (record.AgentId == agentId || await store.IsFileOfferedToAsync(fileId, agentId, ct))
            ? WithReceived(record)
            : null;
    }

    /// <summary>The path of a complete file's bytes, or the problem (not found, still uploading).</summary>
    public async Task<(FileRecord? Record, string? Path, FileProblem? Problem)> ContentAsync(string fileId, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await FindReadableAsync(fileId, user, ct) is not { } record)
        {
            return (null, null, NotFound(fileId));
        }

        var path = files.CompletePath(fileId);
        return record.Status != FileStatus.Complete || !File.Exists(path)
            ? (null, null, new FileProblem(StatusCodes.Status409Conflict, ErrorCodes.FileIncomplete,
                $"File {fileId} is still being uploaded ({files.Received(fileId)} of {record.Size} bytes); try again when it is complete."))
            : (record, path, null);
    }

    /// <summary>Removes a file's record and bytes; false when there is no such file.</summary>
    public async Task<bool> DeleteAsync(string fileId, CancellationToken ct)
    {
        if (!FileStore.IsValidId(fileId) || !await store.DeleteFileAsync(fileId, ct))
        {
            return false;
        }

        files.Delete(fileId);
        LogDeleted(logger, fileId);
        return true;
    }

    /// <summary>
    /// Where the next chunk of an upload must start and how long it may be, checked before any byte is read: the
    /// record, or the problem (not the uploader's, already complete, a range that does not fit).
    /// </summary>
    public async Task<FileOutcome> CheckChunkAsync(string fileId, ClaimsPrincipal user, long from, long to, long length, CancellationToken ct)
    {
        if (!FileStore.IsValidId(fileId) || await store.GetFileAsync(fileId, ct) is not { } record || !IsUploader(record, user))
        {
            return new FileOutcome(null, NotFound(fileId));
        }

        if (record.Status == FileStatus.Complete)
        {
            return FileOutcome.Of(WithReceived(record));
        }

        return length != record.Size || to < from || to >= record.Size
            ? FileOutcome.Refused(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                $"Send 'Content-Range: bytes FROM-TO/{record.Size}' with the chunk; GET {ApiRoutes.ForFile(fileId)} says where to start.")
            : FileOutcome.Of(record);
    }

    /// <summary>
    /// Writes one chunk (bytes <paramref name="from"/> to <paramref name="to"/>) of an upload checked by
    /// <see cref="CheckChunkAsync"/> from <paramref name="body"/>. The chunk that completes the file is hashed as it is
    /// written and verified against the announced SHA-256: a match completes the file, a mismatch discards it. What
    /// arrives before a dropped connection stays, so the next attempt resumes after it.
    /// </summary>
    public async Task<FileOutcome> ReceiveChunkAsync(FileRecord record, long from, long to, Stream body, CancellationToken ct)
    {
        var fileId = record.Id;
        if (!files.TryBeginWrite(fileId))
        {
            return FileOutcome.Refused(StatusCodes.Status409Conflict, ErrorCodes.OffsetMismatch, "Another request is uploading this file right now; wait for it, then resume.");
        }

        try
        {
            var received = files.Received(fileId);
            if (from != received)
            {
                return new FileOutcome(null, new FileProblem(StatusCodes.Status409Conflict, ErrorCodes.OffsetMismatch,
                    $"The store holds {received} bytes of this file; send the chunk that starts there.", received));
            }

            var expected = to - from + 1;
            // The chunk that completes the file is hashed as it is written, so the file is not read again to verify it.
            using var sha = to == record.Size - 1 ? await FileHash.ResumeSha256Async(files.PartPath(fileId), from, ct) : null;
            long written = 0;
            await using (var part = new FileStream(files.PartPath(fileId), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                part.Seek(from, SeekOrigin.Begin);
                try
                {
                    await HashingCopy.CopyAsync(body, part, expected, sha, n => written += n, ct);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
                {
                    // The connection dropped: keep what arrived so the upload resumes from here.
                }

                part.Flush(flushToDisk: true);
            }

            if (written < expected)
            {
                return FileOutcome.Refused(StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                    $"The chunk ended after {written} of {expected} bytes; resume from {from + written}.");
            }

            if (from + written < record.Size)
            {
                return FileOutcome.Of(WithReceived(record));
            }

            var sha256 = sha is not null ? FileHash.ToHex(sha) : await FileHash.Sha256OfFileAsync(files.PartPath(fileId), ct);
            if (sha256 != record.Sha256)
            {
                files.Delete(fileId);
                await store.DeleteFileAsync(fileId, ct);
                LogCorrupted(logger, fileId, record.Name, sha256, record.Sha256);
                return FileOutcome.Refused(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ChecksumMismatch,
                    $"The bytes received hash to {sha256}, not the announced {record.Sha256}; the upload was discarded. Send the file again.");
            }

            File.Move(files.PartPath(fileId), files.CompletePath(fileId), overwrite: true);
            var now = time.GetUtcNow();
            await store.MarkFileCompleteAsync(fileId, now, ct);
            LogCompleted(logger, fileId, record.Name, record.Size);
            return FileOutcome.Of(record with { Status = FileStatus.Complete, Received = record.Size, CompletedAt = now });
        }
        finally
        {
            files.EndWrite(fileId);
        }
    }

    /// <summary>The problem for a file that does not exist or that the caller may not see.</summary>
    public static FileProblem NotFound(string fileId) =>
        new(StatusCodes.Status404NotFound, ErrorCodes.FileNotFound, $"No file '{fileId}' in the store. List files with GET {ApiRoutes.Files}.");

    /// <summary>Only who announced an upload may send its bytes: the same agent, or a key of the same name (never an agent named like a key).</summary>
    private static bool IsUploader(FileRecord record, ClaimsPrincipal user) =>
        user.AgentId() is { } agentId ? record.AgentId == agentId : record.AgentId is null && record.RequestedBy == user.Who();

    private FileRecord WithReceived(FileRecord record) =>
        record.Status == FileStatus.Complete ? record with { Received = record.Size } : record with { Received = files.Received(record.Id) };

    [LoggerMessage(Level = LogLevel.Information, Message = "File {FileId} '{Name}' ({Size} bytes) announced by {By}")]
    private static partial void LogAnnounced(ILogger logger, string fileId, string name, long size, string by);

    [LoggerMessage(Level = LogLevel.Information, Message = "File {FileId} deleted")]
    private static partial void LogDeleted(ILogger logger, string fileId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "File {FileId} '{Name}' arrived corrupted (SHA-256 {Actual}, announced {Expected}); discarded")]
    private static partial void LogCorrupted(ILogger logger, string fileId, string name, string actual, string expected);

    [LoggerMessage(Level = LogLevel.Information, Message = "File {FileId} '{Name}' complete: {Size} bytes, SHA-256 verified")]
    private static partial void LogCompleted(ILogger logger, string fileId, string name, long size);
}
