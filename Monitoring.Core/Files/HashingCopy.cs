using System.Runtime.ExceptionServices;
using System.Security.Cryptography;

namespace Monitoring.Files;

/// <summary>
/// The copy under every file leg that lands on disk: network to file, hashing what it writes. A read from TLS
/// returns one record (16 KiB) at a time, so the copy fills a 1 MiB chunk before it writes and hashes it, and it reads
/// the next chunk from the network while a worker writes and hashes the one before, so that decrypting, writing and
/// hashing overlap instead of taking turns. Hashing a file that is already on disk overlaps reading and hashing the
/// same way.
/// </summary>
internal static class HashingCopy
{
    /// <summary>The unit of writing and hashing.</summary>
    public const int ChunkSize = 1024 * 1024;

    /// <summary>
    /// Copies at most <paramref name="max"/> bytes from <paramref name="source"/> to <paramref name="target"/> (written
    /// synchronously, in order), appending them to <paramref name="sha"/> when given and reporting each written chunk to
    /// <paramref name="written"/>. Returns how many bytes were written: fewer than <paramref name="max"/> when the source
    /// ended. A failure of the source is thrown after everything read before it is written.
    /// </summary>
    public static async Task<long> CopyAsync(
        Stream source, Stream target, long max, IncrementalHash? sha, Action<int>? written, CancellationToken ct)
    {
        var current = new byte[(int)Math.Min(ChunkSize, Math.Max(1, max))];
        var next = new byte[current.Length];
        long total = 0;
        var (length, failure) = await FillAsync(source, current, (int)Math.Min(current.Length, max), ct).ConfigureAwait(false);
        while (length > 0)
        {
            var chunk = current;
            var count = length;
            // Writing and hashing read the same chunk and do not depend on each other: they run side by side.
            var write = Task.Run(() => target.Write(chunk, 0, count));
            var drain = sha is null ? write : Task.WhenAll(write, Task.Run(() => sha.AppendData(chunk, 0, count)));
            var remaining = max - total - count;
            length = 0;
            if (failure is null && remaining > 0)
            {
                // Meanwhile the next chunk comes off the network.
                (length, failure) = await FillAsync(source, next, (int)Math.Min(next.Length, remaining), ct).ConfigureAwait(false);
            }

            try
            {
                await drain.ConfigureAwait(false);
            }
            catch (Exception) when (failure is not null)
            {
                failure.Throw();
            }

            total += count;
            written?.Invoke(count);
            (current, next) = (next, current);
        }

        // What was read before the source failed is written: the caller keeps it (a resumed transfer starts after it).
        failure?.Throw();
        return total;
    }

    /// <summary>
    /// Appends at most <paramref name="max"/> bytes of <paramref name="source"/> to <paramref name="sha"/>, reading the
    /// next chunk while the one before is hashed; returns how many bytes were hashed.
    /// </summary>
    public static async Task<long> HashAsync(Stream source, IncrementalHash sha, long max, CancellationToken ct)
    {
        var current = new byte[(int)Math.Min(ChunkSize, Math.Max(1, max))];
        var next = new byte[current.Length];
        long total = 0;
        var (length, failure) = await FillAsync(source, current, (int)Math.Min(current.Length, max), ct).ConfigureAwait(false);
        while (length > 0)
        {
            var remaining = max - total - length;
            var buffer = next;
            var read = failure is null && remaining > 0
                ? Task.Run(() => FillAsync(source, buffer, (int)Math.Min(buffer.Length, remaining), ct), ct)
                : Task.FromResult<(int, ExceptionDispatchInfo?)>((0, failure));
            sha.AppendData(current, 0, length);
            total += length;
            (length, failure) = await read.ConfigureAwait(false);
            (current, next) = (next, current);
        }

        failure?.Throw();
        return total;
    }

    /// <summary>
    /// Reads until <paramref name="count"/> bytes are in <paramref name="buffer"/> or the source ends; a failure is
    /// returned with what was read before it, not thrown.
    /// </summary>
    private static async Task<(int Filled, ExceptionDispatchInfo? Failure)> FillAsync(Stream source, byte[] buffer, int count, CancellationToken ct)
    {
        var filled = 0;
        try
        {
            int read;
            while (filled < count && (read = await source.ReadAsync(buffer, filled, count - filled, ct).ConfigureAwait(false)) > 0)
            {
                filled += read;
            }

            return (filled, null);
        }
        catch (Exception ex)
        {
            return (filled, ExceptionDispatchInfo.Capture(ex));
        }
    }
}
