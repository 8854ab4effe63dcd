using System.IO.Compression;
using System.Text.Json;
using Monitoring.Metrics;

namespace Monitoring.Manager.Storage.History;

/// <summary>Rollup tiers: buckets of 1 minute (stored an hour a row) and 1 hour (a day a row), Brotli-compressed JSON.</summary>
internal static class RollupCodec
{
    /// <summary>The tiers, by bucket size in seconds, and the period one stored row covers.</summary>
    public static readonly (int Seconds, string Name, long PeriodMs)[] Tiers = [(60, "1m", 3_600_000), (3600, "1h", 86_400_000)];

    /// <summary>Buckets of <paramref name="seconds"/> for these snapshots, keyed by bucket start (ms).</summary>
    public static Dictionary<long, RollupBucket> Bucket(IEnumerable<MetricSnapshot> snapshots, int seconds)
    {
        var size = seconds * 1000L;
        var buckets = new Dictionary<long, RollupBucket>();
        foreach (var s in snapshots)
        {
            var start = s.Timestamp.ToUnixTimeMilliseconds();
            start -= ((start % size) + size) % size;
            if (!buckets.TryGetValue(start, out var bucket))
            {
                buckets[start] = bucket = new RollupBucket { T = start };
            }

            bucket.N++;
            foreach (var (name, value) in MetricNames.Of(s))
            {
                bucket.Add(name, value);
            }
        }

        return buckets;
    }

    public static byte[] Encode(IEnumerable<RollupBucket> buckets)
    {
        // Kept to 0.001, like decimals in chunks: shorter numbers compress to a fraction of full doubles.
        foreach (var bucket in buckets)
        {
            foreach (var v in bucket.M.Values)
            {
                v[0] = Math.Round(v[0], 3);
                v[1] = Math.Round(v[1], 3);
                v[2] = Math.Round(v[2], 3);
            }
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(buckets.OrderBy(b => b.T).ToList(), RollupJsonContext.Default.ListRollupBucket);
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(json.Length)];
        return BrotliEncoder.TryCompress(json, buffer, out var written, quality: 9, window: 22)
            ? buffer.AsSpan(0, written).ToArray()
            : throw new InvalidOperationException("Brotli could not compress a rollup.");
    }

    public static List<RollupBucket> Decode(byte[] data)
    {
        using var input = new MemoryStream(data);
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        return JsonSerializer.Deserialize(brotli, RollupJsonContext.Default.ListRollupBucket) ?? [];
    }
}
