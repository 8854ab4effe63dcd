using System.Security.Cryptography;
using Monitoring.Files;

namespace Monitoring.Core.Tests.Files;

public sealed class HashingCopyTests
{
    [Fact]
    public async Task Copy_OfSmallReads_WritesAndHashesEveryByteInOrder()
    {
        var data = RandomBytes((3 * HashingCopy.ChunkSize) + 12345);
        using var source = new TrickleStream(data, readSize: 16 * 1024, failAfter: null);
        using var target = new MemoryStream();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long reported = 0;

        var copied = await HashingCopy.CopyAsync(source, target, long.MaxValue, sha, n => reported += n, CancellationToken.None);

        Assert.Equal(data.Length, copied);
        Assert.Equal(data.Length, reported);
        Assert.Equal(data, target.ToArray());
        Assert.Equal(SHA256.HashData(data), sha.GetHashAndReset());
    }

    [Fact]
    public async Task Copy_StopsAtTheLimit()
    {
        var data = RandomBytes(HashingCopy.ChunkSize + 100);
        using var source = new TrickleStream(data, readSize: 7000, failAfter: null);
        using var target = new MemoryStream();

        var copied = await HashingCopy.CopyAsync(source, target, 1000, null, null, CancellationToken.None);

        Assert.Equal(1000, copied);
        Assert.Equal(data.AsSpan(0, 1000).ToArray(), target.ToArray());
    }

    [Fact]
    public async Task SourceFailingMidway_EverythingReadBeforeIsWrittenAndHashed_ThenTheFailureIsThrown()
    {
        var data = RandomBytes(3 * HashingCopy.ChunkSize);
        var failAfter = (2 * HashingCopy.ChunkSize) + 5000;
        using var source = new TrickleStream(data, readSize: 16 * 1024, failAfter: failAfter);
        using var target = new MemoryStream();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long reported = 0;

        var ex = await Assert.ThrowsAsync<IOException>(() => HashingCopy.CopyAsync(source, target, long.MaxValue, sha, n => reported += n, CancellationToken.None));

        Assert.Equal("connection reset", ex.Message);
        // Every byte that arrived is on disk, so a resumed transfer starts right after it.
        Assert.Equal(failAfter, reported);
        Assert.Equal(data.AsSpan(0, (int)reported).ToArray(), target.ToArray());
        Assert.Equal(SHA256.HashData(target.ToArray()), sha.GetHashAndReset());
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(1_500_000L)]
    public async Task Hash_ReadingAheadInTrickles_MatchesTheHashOfTheBytes(long max)
    {
        var data = RandomBytes((2 * HashingCopy.ChunkSize) + 777);
        using var source = new TrickleStream(data, readSize: 16 * 1024, failAfter: null);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        var hashed = await HashingCopy.HashAsync(source, sha, max, CancellationToken.None);

        var expected = (int)Math.Min(max, data.Length);
        Assert.Equal(expected, hashed);
        Assert.Equal(SHA256.HashData(data.AsSpan(0, expected)), sha.GetHashAndReset());
    }

    private static byte[] RandomBytes(int count)
    {
        var data = new byte[count];
        new Random(42).NextBytes(data);
        return data;
    }

    /// <summary>Hands out at most <c>readSize</c> bytes per read, like TLS does one record at a time, and can fail part way.</summary>
    private sealed class TrickleStream(byte[] data, int readSize, int? failAfter) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (failAfter is { } limit && _position >= limit)
            {
                throw new IOException("connection reset");
            }

            var n = Math.Min(Math.Min(count, readSize), data.Length - _position);
            if (failAfter is { } l)
            {
                n = Math.Min(n, l - _position);
            }

            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
