using System.Security.Cryptography;
using Monitoring.Internal;

namespace Monitoring.Files;

/// <summary>SHA-256 of files, streamed (constant memory), as lowercase hex.</summary>
internal static class FileHash
{
    /// <summary>The SHA-256 of an empty file.</summary>
    public const string Empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Hashes a file.</summary>
    public static async Task<string> Sha256OfFileAsync(string path, CancellationToken cancellationToken = default)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return await Sha256Async(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hashes a stream from its current position to its end.</summary>
    public static async Task<string> Sha256Async(Stream stream, CancellationToken cancellationToken = default)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await HashingCopy.HashAsync(stream, sha, long.MaxValue, cancellationToken).ConfigureAwait(false);
        return Hex.Encode(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Starts an incremental SHA-256 over the first <paramref name="length"/> bytes already in a file, to continue as more arrive.</summary>
    public static async Task<IncrementalHash> ResumeSha256Async(string path, long length, CancellationToken cancellationToken = default)
    {
        var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (length == 0)
        {
            return sha;
        }

        try
        {
            using var stream = SafeFileAccess.OpenRead(path, roots: null, allowHardLinks: true);
            await HashingCopy.HashAsync(stream, sha, length, cancellationToken).ConfigureAwait(false);
            return sha;
        }
        catch
        {
            sha.Dispose();
            throw;
        }
    }

    /// <summary>The hash so far as lowercase hex.</summary>
    public static string ToHex(IncrementalHash sha) => Hex.Encode(sha.GetHashAndReset()).ToLowerInvariant();

    /// <summary>True for 64 hex digits.</summary>
    public static bool IsValid(string? sha256) =>
        sha256 is { Length: 64 } && sha256.All(Uri.IsHexDigit);
}
