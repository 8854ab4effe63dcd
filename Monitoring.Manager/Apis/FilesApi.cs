using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Monitoring.Files;
using Monitoring.Manager.Files;
using Monitoring.Manager.Security;
using Monitoring.Manager.Storage;
using Monitoring.Protocol;

namespace Monitoring.Manager.Apis;

/// <summary>
/// The file store: uploads announced with size and SHA-256, sent with Content-Range and resumable; downloads with
/// Range; every file under a server-generated name.
/// </summary>
internal static class FilesApi
{
    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(ApiRoutes.Files, CreateAsync)
            .RequireAuthorization(Roles.UploaderPolicy)
            .WithName("CreateFile")
            .WithSummary("Announce an upload (name, size, SHA-256). The same content from the same place resumes or reuses the earlier upload.");
        app.MapGet(ApiRoutes.Files, ListAsync)
            .RequireAuthorization(Roles.ReaderPolicy)
            .WithName("ListFiles")
            .WithSummary("The file store, newest first.");
        app.MapGet(ApiRoutes.File, GetAsync)
            .RequireAuthorization(Roles.FileReaderPolicy)
            .WithName("GetFile")
            .WithSummary("One file's record, with the bytes received so far.");
        app.MapDelete(ApiRoutes.File, DeleteAsync)
            .RequireAuthorization(Roles.OperatorPolicy)
            .WithName("DeleteFile")
            .WithSummary("Remove a file from the store.");
        app.MapPut(ApiRoutes.FileContent, PutContentAsync)
            .RequireAuthorization(Roles.UploaderPolicy)
            .WithName("PutFileContent")
            .WithSummary("Send bytes with Content-Range, starting where the stored bytes end; the last chunk is verified against the SHA-256.");
        app.MapGet(ApiRoutes.FileContent, GetContentAsync)
            .RequireAuthorization(Roles.FileReaderPolicy)
            .WithName("GetFileContent")
            .WithSummary("Download a complete file; supports Range.");
        return app;
    }

    internal static async Task<Results<Created<FileRecord>, Ok<FileRecord>, ProblemHttpResult>> CreateAsync(
        CreateFileRequest request,
        ClaimsPrincipal user,
        IFileRecordStore store,
        FileStore files,
        ManagerOptions options,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 1024 || request.Name.Contains('\0', StringComparison.Ordinal)
            || request.SourcePath is { Length: > 4096 })
        {
            return Problems.BadRequest("name is required: 1 to 1024 characters without NUL (sourcePath at most 4096).");
        }

        if (request.Size < 0)
        {
            return Problems.BadRequest($"size must be 0 or more; got {request.Size}.");
        }

        if (request.Size > options.MaxFileBytes)
        {
            return Problems.Create(
                StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"The file is {request.Size} bytes; this manager stores files of at most {options.MaxFileBytes} bytes (maxFileBytes).");
        }

        if (!FileHash.IsValid(request.Sha256))
        {
            return Problems.BadRequest("sha256 must be the 64 hex digits of the file's SHA-256.");
        }

        var by = user.Who();
        var agentId = user.AgentId();
        var (agentBytes, totalBytes) = await store.GetFileUsageAsync(agentId, ct);
        if (agentId is not null && agentBytes + request.Size > options.MaxFileBytesPerAgent)
        {
            return Problems.Create(StatusCodes.Status507InsufficientStorage, ErrorCodes.QuotaExceeded,
                $"Agent '{agentId}' already has {agentBytes} bytes in the file store; with this file it would pass its quota of {options.MaxFileBytesPerAgent} bytes (files:maxBytesPerAgent). Delete files it sent (Get-MonFile, DELETE {ApiRoutes.Files}/ID) or raise the quota.");
        }

        if (totalBytes + request.Size > options.MaxFileStoreBytes)
        {
            return Problems.Create(StatusCodes.Status507InsufficientStorage, ErrorCodes.QuotaExceeded,
                $"The file store holds {totalBytes} bytes; with this file it would pass its quota of {options.MaxFileStoreBytes} bytes (files:maxStoreBytes). Delete stored files or raise the quota.");
        }

        var sha256 = request.Sha256.ToLowerInvariant();
        var origin = request.SourcePath ?? request.Name;
        if (await store.FindFileAsync(agentId, by, origin, sha256, request.Size, ct) is { } earlier
            && (earlier.Status == FileStatus.Uploading || File.Exists(files.CompletePath(earlier.Id))))
        {
            return TypedResults.Ok(WithReceived(earlier, files));
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
            if (sha256 != FileHash.Empty)
            {
                return Problems.Create(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ChecksumMismatch, "An empty file's SHA-256 is " + FileHash.Empty + ".");
            }

            await File.WriteAllBytesAsync(files.CompletePath(record.Id), [], ct);
        }

        await store.InsertFileAsync(record, ct);
        loggers.CreateLogger("Monitoring.Manager.Files").LogInformation(
            "File {FileId} '{Name}' ({Size} bytes) announced by {By}", record.Id, record.Name, record.Size, by);
        return TypedResults.Created(ApiRoutes.ForFile(record.Id), record);
    }

    internal static async Task<Results<Ok<IReadOnlyList<FileRecord>>, ProblemHttpResult>> ListAsync(
        int? limit, IFileRecordStore store, FileStore files, CancellationToken ct)
    {
        if (limit is < 1 or > StatusApi.MaxLimit)
        {
            return Problems.BadRequest($"limit must be from 1 to {StatusApi.MaxLimit}; got {limit}.");
        }

        return TypedResults.Ok<IReadOnlyList<FileRecord>>(
            [.. (await store.ListFilesAsync(limit ?? StatusApi.DefaultLimit, ct)).Select(f => WithReceived(f, files))]);
    }

    internal static async Task<Results<Ok<FileRecord>, ProblemHttpResult>> GetAsync(
        string fileId, ClaimsPrincipal user, IFileRecordStore store, FileStore files, CancellationToken ct)
    {
        var (record, problem) = await FindReadableAsync(fileId, user, store, ct);
        return record is null ? problem! : TypedResults.Ok(WithReceived(record, files));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string fileId, IFileRecordStore store, FileStore files, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!FileStore.IsValidId(fileId) || !await store.DeleteFileAsync(fileId, ct))
        {
            return NotFound(fileId);
        }

        files.Delete(fileId);
        loggers.CreateLogger("Monitoring.Manager.Files").LogInformation("File {FileId} deleted", fileId);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<FileRecord>, ProblemHttpResult>> PutContentAsync(
        string fileId,
        HttpContext http,
        ClaimsPrincipal user,
        IFileRecordStore store,
        FileStore files,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        if (!FileStore.IsValidId(fileId) || await store.GetFileAsync(fileId, ct) is not { } record || !IsUploader(record, user))
        {
            return NotFound(fileId);
        }

        if (record.Status == FileStatus.Complete)
        {
            return TypedResults.Ok(WithReceived(record, files));
        }

        if (!ContentRangeHeaderValue.TryParse(http.Request.Headers.ContentRange.ToString(), out var range)
            || range.Unit != "bytes" || range.From is not { } from || range.To is not { } to || range.Length != record.Size || to < from || to >= record.Size)
        {
            return Problems.BadRequest($"Send 'Content-Range: bytes FROM-TO/{record.Size}' with the chunk; GET {ApiRoutes.ForFile(fileId)} says where to start.");
        }

        if (!files.TryBeginWrite(fileId))
        {
            return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.OffsetMismatch, "Another request is uploading this file right now; wait for it, then resume.");
        }

        try
        {
            var received = files.Received(fileId);
            if (from != received)
            {
                var problem = Problems.Create(
                    StatusCodes.Status409Conflict, ErrorCodes.OffsetMismatch,
                    $"The store holds {received} bytes of this file; send the chunk that starts there.");
                problem.ProblemDetails.Extensions["received"] = received;
                return problem;
            }

            var expected = to - from + 1;
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = expected;
            }

            // The chunk that completes the file is hashed as it is written, so the file is not read again to verify it.
            using var sha = to == record.Size - 1 ? await FileHash.ResumeSha256Async(files.PartPath(fileId), from, ct) : null;
            long written;
            await using (var part = new FileStream(files.PartPath(fileId), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                part.Seek(from, SeekOrigin.Begin);
                written = await CopyAsync(http.Request.Body, part, expected, sha, ct);
                part.Flush(flushToDisk: true);
            }

            if (written < expected)
            {
                // The client went away mid-chunk: what arrived stays, and the next attempt resumes after it.
                return Problems.BadRequest($"The chunk ended after {written} of {expected} bytes; resume from {from + written}.");
            }

            if (from + written < record.Size)
            {
                return TypedResults.Ok(WithReceived(record, files));
            }

            var sha256 = sha is not null ? FileHash.ToHex(sha) : await FileHash.Sha256OfFileAsync(files.PartPath(fileId), ct);
            var logger = loggers.CreateLogger("Monitoring.Manager.Files");
            if (sha256 != record.Sha256)
            {
                files.Delete(fileId);
                await store.DeleteFileAsync(fileId, ct);
                logger.LogWarning("File {FileId} '{Name}' arrived corrupted (SHA-256 {Actual}, announced {Expected}); discarded", fileId, record.Name, sha256, record.Sha256);
                return Problems.Create(
                    StatusCodes.Status422UnprocessableEntity, ErrorCodes.ChecksumMismatch,
                    $"The bytes received hash to {sha256}, not the announced {record.Sha256}; the upload was discarded. Send the file again.");
            }

            File.Move(files.PartPath(fileId), files.CompletePath(fileId), overwrite: true);
            var now = time.GetUtcNow();
            await store.MarkFileCompleteAsync(fileId, now, ct);
            logger.LogInformation("File {FileId} '{Name}' complete: {Size} bytes, SHA-256 verified", fileId, record.Name, record.Size);
            return TypedResults.Ok(record with { Status = FileStatus.Complete, Received = record.Size, CompletedAt = now });
        }
        finally
        {
            files.EndWrite(fileId);
        }
    }

    internal static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetContentAsync(
        string fileId, HttpContext http, ClaimsPrincipal user, IFileRecordStore store, FileStore files, CancellationToken ct)
    {
        var (record, problem) = await FindReadableAsync(fileId, user, store, ct);
        if (record is null)
        {
            return problem!;
        }

        if (record.Status != FileStatus.Complete || !File.Exists(files.CompletePath(fileId)))
        {
            return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.FileIncomplete,
                $"File {fileId} is still being uploaded ({files.Received(fileId)} of {record.Size} bytes); try again when it is complete.");
        }

        http.Response.Headers["X-Checksum-Sha256"] = record.Sha256;
        http.Response.Headers["Repr-Digest"] = "sha-256=:" + Convert.ToBase64String(Convert.FromHexString(record.Sha256)) + ":";
        return TypedResults.PhysicalFile(
            files.CompletePath(fileId), "application/octet-stream", SafeName(record.Name), enableRangeProcessing: true);
    }

    private static async Task<(FileRecord? Record, ProblemHttpResult? Problem)> FindReadableAsync(
        string fileId, ClaimsPrincipal user, IFileRecordStore store, CancellationToken ct)
    {
        if (!FileStore.IsValidId(fileId) || await store.GetFileAsync(fileId, ct) is not { } record)
        {
            return (null, NotFound(fileId));
        }

        if (user.IsInRole(Roles.Reader))
        {
            return (record, null);
        }

        // An agent reads its own uploads, and files an open receive_file command offers it; nothing else.
        if (user.AgentId() is not { } agentId)
        {
            return (null, NotFound(fileId));
        }

        return record.AgentId == agentId || await store.IsFileOfferedToAsync(fileId, agentId, ct)
            ? (record, null)
            : (null, NotFound(fileId));
    }

    private static async Task<long> CopyAsync(Stream source, Stream target, long max, System.Security.Cryptography.IncrementalHash? sha, CancellationToken ct)
    {
        long total = 0;
        try
        {
            await HashingCopy.CopyAsync(source, target, max, sha, n => total += n, ct);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The connection dropped: keep what arrived so the upload resumes from here.
        }

        return total;
    }

    /// <summary>Only who announced an upload may send its bytes: the same agent, or a key of the same name (never an agent named like a key).</summary>
    private static bool IsUploader(FileRecord record, ClaimsPrincipal user) =>
        user.AgentId() is { } agentId ? record.AgentId == agentId : record.AgentId is null && record.RequestedBy == user.Who();

    private static FileRecord WithReceived(FileRecord record, FileStore files) =>
        record.Status == FileStatus.Complete ? record with { Received = record.Size } : record with { Received = files.Received(record.Id) };

    private static string SafeName(string name)
    {
        var leaf = name.Replace('\\', '/').Split('/').LastOrDefault(p => p.Length > 0 && p != "." && p != "..") ?? "file";
        var invalid = Path.GetInvalidFileNameChars();
        return new string([.. leaf.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c)]);
    }

    private static ProblemHttpResult NotFound(string fileId) =>
        Problems.Create(StatusCodes.Status404NotFound, ErrorCodes.FileNotFound, $"No file '{fileId}' in the store. List files with GET {ApiRoutes.Files}.");
}
