using System.Text.Json.Nodes;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage.History;

/// <summary>
/// What every history store does the same way whatever its engine: series points from snapshots or rollup buckets,
/// rollups merged with new buckets, chunks merged, and which snapshots of a chunk fall in a range.
/// </summary>
internal static class HistoryShapes
{
    /// <summary>The raw tier: one point per snapshot, oldest first.</summary>
    public static MetricSeries Raw(string agentId, IEnumerable<MetricSnapshot> snapshots) => new()
    {
        AgentId = agentId,
        Tier = "raw",
        Points = [.. snapshots.OrderBy(s => s.Timestamp).Select(s => new MetricPoint
        {
            Timestamp = s.Timestamp,
            Count = 1,
            Metrics = MetricNames.Of(s).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => new MetricStats { Min = g.First().Value, Avg = g.First().Value, Max = g.First().Value }),
        })],
    };

    /// <summary>A rollup tier's points: the stored buckets with the unsealed snapshots folded in, within [lo, hi].</summary>
    public static MetricSeries Rollup(
        string agentId, string name, int seconds, long lo, long hi, Dictionary<long, RollupBucket> buckets, IEnumerable<MetricSnapshot> unsealed)
    {
        foreach (var bucket in RollupCodec.Bucket(unsealed, seconds).Values)
        {
            if (buckets.TryGetValue(bucket.T, out var known))
            {
                known.Merge(bucket);
            }
            else
            {
                buckets[bucket.T] = bucket;
            }
        }

        return new MetricSeries
        {
            AgentId = agentId,
            Tier = name,
            Points = [.. buckets.Values.Where(b => b.T + (seconds * 1000L) > lo && b.T <= hi).OrderBy(b => b.T).Select(b => new MetricPoint
            {
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(b.T),
                Count = b.N,
                Metrics = b.M.ToDictionary(kv => kv.Key, kv => new MetricStats { Min = kv.Value[0], Avg = kv.Value[1] / b.N, Max = kv.Value[2] }),
            })],
        };
    }

    /// <summary>A stored rollup period (or none) with new buckets merged in, encoded.</summary>
    public static byte[] MergeRollup(byte[]? stored, IEnumerable<RollupBucket> added)
    {
        var existing = stored is null ? [] : RollupCodec.Decode(stored).ToDictionary(b => b.T);
        foreach (var bucket in added)
        {
            if (existing.TryGetValue(bucket.T, out var known))
            {
                known.Merge(bucket);
            }
            else
            {
                existing[bucket.T] = bucket;
            }
        }

        return RollupCodec.Encode(existing.Values);
    }

    /// <summary>The snapshots of a chunk within [lo, hi] (ms): sequence number, time and JSON.</summary>
    public static IEnumerable<(long Seq, long Ts, string Json)> InRange(byte[] chunk, long lo, long hi)
    {
        foreach (var snapshot in SnapshotChunkCodec.Decode(chunk))
        {
            var seq = snapshot["seq"]!.GetValue<long>();
            var ts = snapshot["timestamp"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds();
            if (ts >= lo && ts <= hi)
            {
                yield return (seq, ts, snapshot.ToJsonString());
            }
        }
    }

    /// <summary>Several chunks' snapshots as one chunk: (first seq, last seq, start, end, count, the encoded chunk).</summary>
    public static (long FirstSeq, long LastSeq, long StartTs, long EndTs, int Count, byte[] Data) Merge(IEnumerable<IReadOnlyList<JsonObject>> parts)
    {
        var merged = parts.SelectMany(p => p).OrderBy(o => o["seq"]!.GetValue<long>()).ToList();
        var times = merged.Select(o => o["timestamp"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds()).ToList();
        return (merged[0]["seq"]!.GetValue<long>(), merged[^1]["seq"]!.GetValue<long>(), times.Min(), times.Max(), merged.Count,
            SnapshotChunkCodec.Encode([.. merged.Select(o => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(o.ToJsonString()))]));
    }

    /// <summary>The newest <paramref name="limit"/> of what was found, by time or sequence number, newest first.</summary>
    public static IEnumerable<string> Newest(List<(long Key, long Seq, string Json)> found, int limit) =>
        found.OrderByDescending(x => x.Key).ThenByDescending(x => x.Seq).Take(limit).Select(x => x.Json);

    /// <summary>True when older chunks cannot add to the newest <paramref name="limit"/> already found.</summary>
    public static bool Enough(List<(long Key, long Seq, string Json)> found, int limit, long newestInChunk) =>
        found.Count >= limit && found.OrderByDescending(x => x.Key).ThenByDescending(x => x.Seq).ElementAt(limit - 1).Key > newestInChunk;
}
