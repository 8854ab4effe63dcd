using System.Net;
using System.Net.Http.Headers;
using Monitoring.Client;
using Monitoring.Internal;
using Monitoring.Protocol;

namespace Monitoring.Files;

/// <summary>
/// The client side of the file store, shared by <see cref="ManagerClient"/> and <see cref="AgentConnection"/>:
/// resumable uploads with Content-Range and resumable, verified downloads with Range.
/// </summary>
internal static class FileTransfer
{
    public const int BufferSize = 256 * 1024;
    private const int MaxAttempts = 5;

    public static async Task<FileRecord> UploadAsync(
        ApiTransport transport, string path, string name, string? sourcePath, IProgress<TransferProgress>? progress, TimeProvider time, CancellationToken ct)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return await UploadAsync(transport, stream, name, sourcePath, progress, time, ct).ConfigureAwait(false);
    }

    /// <summary>Uploads from a stream opened (and checked) by the caller: hashed, then sent, from the same handle.</summary>
    public static async Task<FileRecord> UploadAsync(
        ApiTransport transport, FileStream stream, string name, string? sourcePath, IProgress<TransferProgress>? progress, TimeProvider time, CancellationToken ct)
    {
        var size = stream.Length;
        stream.Seek(0, SeekOrigin.Begin);
        var sha256 = await FileHash.Sha256Async(stream, ct).ConfigureAwait(false);
        var request = new CreateFileRequest { Name = name, Size = size, Sha256 = sha256, SourcePath = sourcePath };
        var record = await transport.SendAsync(
            HttpMethod.Post, ApiRoutes.Files, () => ApiTransport.Json(request, MonitoringJsonContext.Default.CreateFileRequest),
            MonitoringJsonContext.Default.FileRecord, null, ct).ConfigureAwait(false);
        return await ResumeUploadAsync(transport, record, stream, progress, time, ct).ConfigureAwait(false);
    }

    /// <summary>Sends what the store lacks of <paramref name="record"/>, from where it stopped, until it is complete.</summary>
    public static async Task<FileRecord> ResumeUploadAsync(
        ApiTransport transport, FileRecord record, FileStream stream, IProgress<TransferProgress>? progress, TimeProvider time, CancellationToken ct)
    {
        var meter = new ProgressMeter(record.Size, record.Received, progress, time);
        var attempt = 0;
        while (record.Status != FileStatus.Complete)
        {
            try
            {
                stream.Seek(record.Received, SeekOrigin.Begin);
                var from = record.Received;
                var length = record.Size - from;
                HttpContent Body()
                {
                    var content = new ProgressContent(stream, length, meter);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    content.Headers.ContentRange = new ContentRangeHeaderValue(from, record.Size - 1, record.Size);
                    return content;
                }

                using var response = await transport.SendRawAsync(
                    HttpMethod.Put, ApiRoutes.ForFileContent(record.Id), Body, null, ct, once: Timeout.InfiniteTimeSpan).ConfigureAwait(false);
                record = await transport.ReadAsync(response, MonitoringJsonContext.Default.FileRecord, ct).ConfigureAwait(false);
            }
            catch (MonitoringApiException ex) when ((ex.IsTransient || ex.Code == ErrorCodes.OffsetMismatch) && ++attempt < MaxAttempts)
            {
                await time.DelayAsync(TimeSpan.FromMilliseconds(250 * attempt), ct).ConfigureAwait(false);
                record = await transport.SendAsync(HttpMethod.Get, ApiRoutes.ForFile(record.Id), null, MonitoringJsonContext.Default.FileRecord, null, ct).ConfigureAwait(false);
                meter = new ProgressMeter(record.Size, record.Received, progress, time);
            }
        }

        meter.Complete();
        return record;
    }

    /// <summary>
    /// Downloads a stored file into <paramref name="destination"/>: into a temporary file beside it first, resumed
    /// with Range if an earlier attempt left one, verified against the store's SHA-256, then renamed into place.
    /// </summary>
    /// <returns>The file's record and how many bytes an earlier attempt had already fetched.</returns>
    /// <param name="transport">The connection.</param>
    /// <param name="fileId">The stored file.</param>
    /// <param name="destination">Where it lands.</param>
    /// <param name="overwrite">Replace an existing file.</param>
    /// <param name="roots">Folders the files written must really be inside (checked on the open handle); null for no such check.</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="time">The clock for retries.</param>
    /// <param name="ct">Cancels the transfer.</param>
    public static async Task<(FileRecord Record, long ResumedFrom)> DownloadAsync(
        ApiTransport transport, string fileId, string destination, bool overwrite, IReadOnlyList<string>? roots,
        IProgress<TransferProgress>? progress, TimeProvider time, CancellationToken ct)
    {
        if (!FileIds.IsValid(fileId))
        {
            throw new MonitoringApiException($"'{fileId}' is not a file id (32 lowercase hex digits); list stored files to find it.", 400, ErrorCodes.InvalidRequest);
        }

        var record = await transport.SendAsync(HttpMethod.Get, ApiRoutes.ForFile(fileId), null, MonitoringJsonContext.Default.FileRecord, null, ct).ConfigureAwait(false);
        if (record.Status != FileStatus.Complete)
        {
            throw new MonitoringApiException(
                $"File {fileId} is still being uploaded ({record.Received} of {record.Size} bytes); try again when it is complete.", 409, ErrorCodes.FileIncomplete);
        }

        if (File.Exists(destination) && !overwrite)
        {
            throw new IOException($"'{destination}' already exists; choose another destination or allow overwriting.");
        }

        var temp = TemporaryPath(destination, fileId);
        var resumedFrom = SafeFileAccess.ExistingLength(temp);
        if (resumedFrom > record.Size)
        {
            File.Delete(temp);
            resumedFrom = 0;
        }

        var meter = new ProgressMeter(record.Size, resumedFrom, progress, time);
        var attempt = 0;

        // The hash follows the bytes as they are written, so the file is read once; after a resume it first
        // covers what an earlier attempt left on disk.
        var sha = await FileHash.ResumeSha256Async(temp, resumedFrom, ct).ConfigureAwait(false);
        var hashed = resumedFrom;
        try
        {
            while (true)
            {
                var offset = SafeFileAccess.ExistingLength(temp);
                if (offset >= record.Size)
                {
                    break;
                }

                if (offset != hashed)
                {
                    // A failed attempt wrote bytes the running hash may not match: start it again from the disk.
                    sha.Dispose();
                    sha = await FileHash.ResumeSha256Async(temp, offset, ct).ConfigureAwait(false);
                    hashed = offset;
                }

                try
                {
                    hashed = await FetchAsync(transport, record, temp, offset, roots, meter, sha, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsTransient(ex) && ++attempt < MaxAttempts && !ct.IsCancellationRequested)
                {
                    hashed = -1;
                    await time.DelayAsync(TimeSpan.FromMilliseconds(250 * attempt), ct).ConfigureAwait(false);
                }
            }

            if (record.Size == 0 && SafeFileAccess.ExistingLength(temp) == 0)
            {
                // An empty file: nothing was fetched.
                File.Delete(temp);
                using (SafeFileAccess.OpenWrite(temp, resume: false, roots))
                {
                }
            }

            var length = SafeFileAccess.ExistingLength(temp);
            var sha256 = hashed == length ? FileHash.ToHex(sha) : await FileHash.Sha256OfFileAsync(temp, ct).ConfigureAwait(false);
            if (length != record.Size || !string.Equals(sha256, record.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(temp);
                throw new MonitoringApiException(
                    $"File {fileId} arrived corrupted (SHA-256 {sha256}, expected {record.Sha256}); nothing was written to '{destination}'. Try again.",
                    null, ErrorCodes.ChecksumMismatch);
            }
        }
        finally
        {
            sha.Dispose();
        }

        SafeFileAccess.MoveIntoPlace(temp, destination);
        meter.Complete();
        return (record, resumedFrom);
    }

    /// <summary>Where a download lands before it is verified: hidden, beside the destination, named by the file id.</summary>
    public static string TemporaryPath(string destination, string fileId) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(destination))!, "." + Path.GetFileName(destination) + "." + fileId + ".part");

    /// <summary>Fetches from <paramref name="offset"/> to the end, hashing as it writes; returns the file's length after.</summary>
    private static async Task<long> FetchAsync(
        ApiTransport transport, FileRecord record, string temp, long offset, IReadOnlyList<string>? roots, ProgressMeter meter,
        System.Security.Cryptography.IncrementalHash sha, CancellationToken ct)
    {
        using var response = await transport.SendRawAsync(
            HttpMethod.Get, ApiRoutes.ForFileContent(record.Id), null, null, ct, once: Timeout.InfiniteTimeSpan,
            configure: r => r.Headers.Range = offset > 0 ? new RangeHeaderValue(offset, null) : null).ConfigureAwait(false);
        var append = response.StatusCode == HttpStatusCode.PartialContent;
        if (!append)
        {
            // The server sent the whole file: it is written (and hashed) from the start.
            sha.GetHashAndReset();
            offset = 0;
        }

        if (!append && SafeFileAccess.ExistingLength(temp) > 0)
        {
            File.Delete(temp);
        }

        using var target = SafeFileAccess.OpenWrite(temp, resume: append || SafeFileAccess.ExistingLength(temp) > 0, roots);
#if NET
        using var source = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
#else
        using var source = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
#endif
        offset += await HashingCopy.CopyAsync(source, target, long.MaxValue, sha, n => meter.Add(n), ct).ConfigureAwait(false);
        await target.FlushAsync(ct).ConfigureAwait(false);
        return offset;
    }

    private static bool IsTransient(Exception ex) =>
        ex is MonitoringApiException { IsTransient: true } or IOException or HttpRequestException;
}
