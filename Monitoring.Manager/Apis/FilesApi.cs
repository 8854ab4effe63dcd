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
/// The file store's endpoints: uploads announced with size and SHA-256, sent with Content-Range and resumable;
/// downloads with Range. Each handler parses the request and hands it to <see cref="FileService"/>.
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
        CreateFileRequest request, ClaimsPrincipal user, FileService files, CancellationToken ct)
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

        if (!FileHash.IsValid(request.Sha256))
        {
            return Problems.BadRequest("sha256 must be the 64 hex digits of the file's SHA-256.");
        }

        var outcome = await files.AnnounceAsync(request, user, ct);
        return outcome switch
        {
            { Problem: { } problem } => Problem(problem),
            { Created: true, Record: { } record } => TypedResults.Created(ApiRoutes.ForFile(record.Id), record),
            _ => TypedResults.Ok(outcome.Record),
        };
    }

    internal static async Task<Results<Ok<IReadOnlyList<FileRecord>>, ProblemHttpResult>> ListAsync(int? limit, FileService files, CancellationToken ct) =>
        limit is < 1 or > StatusApi.MaxLimit
            ? Problems.BadRequest($"limit must be from 1 to {StatusApi.MaxLimit}; got {limit}.")
            : TypedResults.Ok(await files.ListAsync(limit ?? StatusApi.DefaultLimit, ct));

    internal static async Task<Results<Ok<FileRecord>, ProblemHttpResult>> GetAsync(
        string fileId, ClaimsPrincipal user, FileService files, CancellationToken ct) =>
        await files.FindReadableAsync(fileId, user, ct) is { } record ? TypedResults.Ok(record) : Problem(FileService.NotFound(fileId));

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string fileId, FileService files, CancellationToken ct) =>
        await files.DeleteAsync(fileId, ct) ? TypedResults.NoContent() : Problem(FileService.NotFound(fileId));

    internal static async Task<Results<Ok<FileRecord>, ProblemHttpResult>> PutContentAsync(
        string fileId, HttpContext http, ClaimsPrincipal user, FileService files, CancellationToken ct)
    {
        var (from, to, length) = ContentRangeHeaderValue.TryParse(http.Request.Headers.ContentRange.ToString(), out var parsed)
            && parsed.Unit == "bytes" && parsed is { From: { } f, To: { } t, Length: { } l }
            ? (f, t, l)
            : (-1L, -1L, -1L); // A missing or malformed header: the service answers what to send instead.
        var checkedChunk = await files.CheckChunkAsync(fileId, user, from, to, length, ct);
        if (checkedChunk is { Problem: { } refused })
        {
            return Problem(refused);
        }

        var record = checkedChunk.Record!;
        if (record.Status == FileStatus.Complete)
        {
            return TypedResults.Ok(record);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = to - from + 1;
        }

        var outcome = await files.ReceiveChunkAsync(record, from, to, http.Request.Body, ct);
        return outcome.Problem is { } problem ? Problem(problem) : TypedResults.Ok(outcome.Record!);
    }

    internal static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetContentAsync(
        string fileId, HttpContext http, ClaimsPrincipal user, FileService files, CancellationToken ct)
    {
        var (record, path, problem) = await files.ContentAsync(fileId, user, ct);
        if (problem is not null)
        {
            return Problem(problem);
        }

        http.Response.Headers["X-Checksum-Sha256"] = record!.Sha256;
        http.Response.Headers["Repr-Digest"] = "sha-256=:" + Convert.ToBase64String(Convert.FromHexString(record.Sha256)) + ":";
        return TypedResults.PhysicalFile(path!, "application/octet-stream", SafeName(record.Name), enableRangeProcessing: true);
    }

    private static ProblemHttpResult Problem(FileProblem problem)
    {
        var result = Problems.Create(problem.Status, problem.Code, problem.Message);
        if (problem.Received is { } received)
        {
            result.ProblemDetails.Extensions["received"] = received;
        }

        return result;
    }

    private static string SafeName(string name)
    {
        var leaf = name.Replace('\\', '/').Split('/').LastOrDefault(p => p.Length > 0 && p != "." && p != "..") ?? "file";
        var invalid = Path.GetInvalidFileNameChars();
        return new string([.. leaf.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c)]);
    }
}
