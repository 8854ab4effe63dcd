using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage.History;

/// <summary>
/// History in SQLite: <c>snapshots</c> holds each snapshot's JSON until it is sealed; <c>snapshot_chunks</c> holds
/// sealed runs of an agent's snapshots packed by <see cref="SnapshotChunkCodec"/> (tens of bytes per snapshot).
/// </summary>
internal sealed class SqliteHistoryStore(SqliteDatabase database) : IHistoryStore
{
    /// <summary>The most points a series answers (a raw series of a range longer than that takes the newest).</summary>
    public const int MaxSeriesPoints = 10_000;

    /// <summary>The most rows sealed into one chunk.</summary>
    public const int MaxChunkRows = 4096;

    public Task InitializeAsync(CancellationToken ct) => SqliteMigrations.ApplyAsync(database, ct);

    public Task<AppendResult> AppendSnapshotsAsync(
        string agentId, IReadOnlyList<MetricSnapshot> snapshots, IReadOnlyList<ReadOnlyMemory<byte>>? json, DateTimeOffset receivedAt, string? address, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            var accepted = 0;
            long maxSeq = 0;
            var insert = database.Prepared(conn, tx, """
                INSERT OR IGNORE INTO snapshots (agent_id, seq, ts, received_at, data)
                SELECT $a, $s, $t, $r, $d
                WHERE NOT EXISTS (SELECT 1 FROM snapshot_chunks WHERE agent_id = $a AND last_seq >= $s AND first_seq <= $s)
                """, out var created);
            if (created)
            {
                insert.Parameters.Add("$a", SqliteType.Text);
                insert.Parameters.Add("$s", SqliteType.Integer);
                insert.Parameters.Add("$t", SqliteType.Integer);
                insert.Parameters.Add("$r", SqliteType.Integer);
                insert.Parameters.Add("$d", SqliteType.Blob);
            }

            for (var i = 0; i < snapshots.Count; i++)
            {
                var s = snapshots[i];
                insert.Parameters[0].Value = agentId;
                insert.Parameters[1].Value = s.Seq;
                insert.Parameters[2].Value = SqliteDatabase.ToMs(s.Timestamp);
                insert.Parameters[3].Value = SqliteDatabase.ToMs(receivedAt);
                insert.Parameters[4].Value = json is not null ? json[i].ToArray() : JsonSerializer.SerializeToUtf8Bytes(s, MonitoringJsonContext.Default.MetricSnapshot);
                accepted += await insert.ExecuteNonQueryAsync(ct);
                maxSeq = Math.Max(maxSeq, s.Seq);
            }

            var seen = database.Prepared(conn, tx, "UPDATE agents SET last_seen = $r, address = COALESCE($addr, address) WHERE id = $a", out created);
            if (created)
            {
                seen.Parameters.Add("$a", SqliteType.Text);
                seen.Parameters.Add("$r", SqliteType.Integer);
                seen.Parameters.Add("$addr", SqliteType.Text);
            }

            seen.Parameters[0].Value = agentId;
            seen.Parameters[1].Value = SqliteDatabase.ToMs(receivedAt);
            seen.Parameters[2].Value = (object?)address ?? DBNull.Value;
            await seen.ExecuteNonQueryAsync(ct);

            var seq = database.Prepared(conn, tx, """
                INSERT INTO agent_seq (agent_id, last_seq) VALUES ($a, $s)
                    ON CONFLICT (agent_id) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)
                RETURNING last_seq
                """, out created);
            if (created)
            {
                seq.Parameters.Add("$a", SqliteType.Text);
                seq.Parameters.Add("$s", SqliteType.Integer);
            }

            seq.Parameters[0].Value = agentId;
            seq.Parameters[1].Value = maxSeq;
            var last = (long)(await seq.ExecuteScalarAsync(ct))!;
            return new AppendResult(accepted, snapshots.Count - accepted, last);
        }, ct);

    public async Task<long> GetLastSeqAsync(string agentId, CancellationToken ct)
    {
        await using var conn = await database.OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT last_seq FROM agent_seq WHERE agent_id = $id";
        cmd.Parameters.AddWithValue("$id", agentId);
        return await cmd.ExecuteScalarAsync(ct) is long seq ? seq : 0;
    }

    public async Task<IReadOnlyList<MetricSnapshot>> GetSnapshotsAsync(string agentId, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken ct)
    {
        var result = new List<MetricSnapshot>();
        await foreach (var json in ReadSnapshotJsonAsync(agentId, from, to, limit, ct))
        {
            result.Add(JsonSerializer.Deserialize(json, MonitoringJsonContext.Default.MetricSnapshot)!);
        }

        return result;
    }

    public async IAsyncEnumerable<string> ReadSnapshotJsonAsync(
        string agentId, DateTimeOffset? from, DateTimeOffset? to, int limit, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var byTime = from is not null || to is not null;
        var lo = from is { } f ? SqliteDatabase.ToMs(f) : long.MinValue;
        var hi = to is { } t ? SqliteDatabase.ToMs(t) : long.MaxValue;
        var found = new List<(long Key, long Seq, string Json)>();
        await using var conn = await database.OpenReaderAsync(ct);
        using (var rows = conn.CreateCommand())
        {
            rows.CommandText = "SELECT seq, ts, data FROM snapshots WHERE agent_id = $a AND ts >= $lo AND ts <= $hi ORDER BY seq DESC LIMIT $n";
            rows.Parameters.AddWithValue("$a", agentId);
            rows.Parameters.AddWithValue("$lo", lo);
            rows.Parameters.AddWithValue("$hi", hi);
            rows.Parameters.AddWithValue("$n", limit);
            await using var reader = await rows.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found.Add((byTime ? reader.GetInt64(1) : reader.GetInt64(0), reader.GetInt64(0), reader.GetString(2)));
            }
        }

        // Chunks newest first; stop once the limit is met by snapshots newer than anything an older chunk holds.
        using (var chunks = conn.CreateCommand())
        {
            chunks.CommandText = byTime
                ? "SELECT data, end_ts FROM snapshot_chunks WHERE agent_id = $a AND end_ts >= $lo AND start_ts <= $hi ORDER BY end_ts DESC"
                : "SELECT data, last_seq FROM snapshot_chunks WHERE agent_id = $a ORDER BY last_seq DESC";
            chunks.Parameters.AddWithValue("$a", agentId);
            chunks.Parameters.AddWithValue("$lo", lo);
            chunks.Parameters.AddWithValue("$hi", hi);
            await using var reader = await chunks.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var newestInChunk = reader.GetInt64(1);
                if (found.Count >= limit && found.OrderByDescending(x => x.Key).ThenByDescending(x => x.Seq).ElementAt(limit - 1).Key > newestInChunk)
                {
                    break;
                }

                foreach (var snapshot in SnapshotChunkCodec.Decode((byte[])reader.GetValue(0)))
                {
                    var seq = snapshot["seq"]!.GetValue<long>();
                    var ts = SqliteDatabase.ToMs(snapshot["timestamp"]!.GetValue<DateTimeOffset>());
                    if (ts >= lo && ts <= hi)
                    {
                        found.Add((byTime ? ts : seq, seq, snapshot.ToJsonString()));
                    }
                }
            }
        }

        foreach (var item in found.OrderByDescending(x => x.Key).ThenByDescending(x => x.Seq).Take(limit))
        {
            yield return item.Json;
        }
    }

    public async Task<MetricSnapshot?> GetLatestAsync(string agentId, CancellationToken ct) =>
        (await GetSnapshotsAsync(agentId, null, null, 1, ct)).FirstOrDefault();

    public async Task<int> SealAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var agents = new List<string>();
        await using (var conn = await database.OpenReaderAsync(ct))
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT DISTINCT agent_id FROM snapshots WHERE received_at < $cutoff";
            cmd.Parameters.AddWithValue("$cutoff", SqliteDatabase.ToMs(cutoff));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                agents.Add(reader.GetString(0));
            }
        }

        var sealedRows = 0;
        foreach (var agentId in agents)
        {
            sealedRows += await SealAgentAsync(agentId, cutoff, ct);
            await CompactAgentAsync(agentId, cutoff, ct);
        }

        if (sealedRows > 0)
        {
            await database.ReleaseFreePagesAsync(ct);
        }

        return sealedRows;
    }

    /// <summary>
    /// Merges an agent's small chunks of one past hour into one: larger chunks compress better and waste less of
    /// their pages. An hour counts as past once the seal cutoff has left it.
    /// </summary>
    private Task<int> CompactAgentAsync(string agentId, DateTimeOffset cutoff, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        var hours = new List<long>();
        using (var find = conn.CreateCommand())
        {
            find.Transaction = tx;
            find.CommandText = """
                SELECT start_ts / 3600000 AS hour FROM snapshot_chunks
                WHERE agent_id = $a AND count < $max
                GROUP BY hour HAVING COUNT(*) > 1 AND (hour + 1) * 3600000 <= $cutoff
                """;
            find.Parameters.AddWithValue("$a", agentId);
            find.Parameters.AddWithValue("$max", MaxChunkRows);
            find.Parameters.AddWithValue("$cutoff", SqliteDatabase.ToMs(cutoff));
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                hours.Add(reader.GetInt64(0));
            }
        }

        foreach (var hour in hours)
        {
            var parts = new List<(long LastSeq, long Received, IReadOnlyList<System.Text.Json.Nodes.JsonObject> Snapshots)>();
            using (var select = conn.CreateCommand())
            {
                select.Transaction = tx;
                select.CommandText = "SELECT last_seq, received_max, data FROM snapshot_chunks WHERE agent_id = $a AND start_ts / 3600000 = $h AND count < $max ORDER BY last_seq";
                select.Parameters.AddWithValue("$a", agentId);
                select.Parameters.AddWithValue("$h", hour);
                select.Parameters.AddWithValue("$max", MaxChunkRows);
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    parts.Add((reader.GetInt64(0), reader.GetInt64(1), SnapshotChunkCodec.Decode((byte[])reader.GetValue(2))));
                }
            }

            var merged = parts.SelectMany(p => p.Snapshots).OrderBy(o => o["seq"]!.GetValue<long>()).ToList();
            using (var delete = conn.CreateCommand())
            {
                delete.Transaction = tx;
                delete.CommandText = "DELETE FROM snapshot_chunks WHERE agent_id = $a AND start_ts / 3600000 = $h AND count < $max";
                delete.Parameters.AddWithValue("$a", agentId);
                delete.Parameters.AddWithValue("$h", hour);
                delete.Parameters.AddWithValue("$max", MaxChunkRows);
                await delete.ExecuteNonQueryAsync(ct);
            }

            using var insert = conn.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO snapshot_chunks (agent_id, last_seq, first_seq, start_ts, end_ts, count, received_max, data)
                VALUES ($a, $last, $first, $start, $end, $count, $received, $data)
                """;
            var times = merged.Select(o => SqliteDatabase.ToMs(o["timestamp"]!.GetValue<DateTimeOffset>())).ToList();
            insert.Parameters.AddWithValue("$a", agentId);
            insert.Parameters.AddWithValue("$last", merged[^1]["seq"]!.GetValue<long>());
            insert.Parameters.AddWithValue("$first", merged[0]["seq"]!.GetValue<long>());
            insert.Parameters.AddWithValue("$start", times.Min());
            insert.Parameters.AddWithValue("$end", times.Max());
            insert.Parameters.AddWithValue("$count", merged.Count);
            insert.Parameters.AddWithValue("$received", parts.Max(p => p.Received));
            insert.Parameters.AddWithValue("$data", SnapshotChunkCodec.Encode([.. merged.Select(o => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(o.ToJsonString()))]));
            await insert.ExecuteNonQueryAsync(ct);
        }

        return hours.Count;
    }, ct);

    /// <summary>Packs one agent's old rows into a chunk and deletes them, in one transaction.</summary>
    private Task<int> SealAgentAsync(string agentId, DateTimeOffset cutoff, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        var rows = new List<(long Seq, long Ts, long Received, byte[] Json)>();
        using (var select = conn.CreateCommand())
        {
            select.Transaction = tx;
            select.CommandText = "SELECT seq, ts, received_at, data FROM snapshots WHERE agent_id = $a AND received_at < $cutoff ORDER BY seq LIMIT $n";
            select.Parameters.AddWithValue("$a", agentId);
            select.Parameters.AddWithValue("$cutoff", SqliteDatabase.ToMs(cutoff));
            select.Parameters.AddWithValue("$n", MaxChunkRows);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetValue(3) is byte[] b ? b : System.Text.Encoding.UTF8.GetBytes(reader.GetString(3))));
            }
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        using (var insert = conn.CreateCommand())
        {
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO snapshot_chunks (agent_id, last_seq, first_seq, start_ts, end_ts, count, received_max, data)
                VALUES ($a, $last, $first, $start, $end, $count, $received, $data)
                """;
            insert.Parameters.AddWithValue("$a", agentId);
            insert.Parameters.AddWithValue("$last", rows[^1].Seq);
            insert.Parameters.AddWithValue("$first", rows[0].Seq);
            insert.Parameters.AddWithValue("$start", rows.Min(r => r.Ts));
            insert.Parameters.AddWithValue("$end", rows.Max(r => r.Ts));
            insert.Parameters.AddWithValue("$count", rows.Count);
            insert.Parameters.AddWithValue("$received", rows.Max(r => r.Received));
            insert.Parameters.AddWithValue("$data", SnapshotChunkCodec.Encode([.. rows.Select(r => (ReadOnlyMemory<byte>)r.Json)]));
            await insert.ExecuteNonQueryAsync(ct);
        }

        var snapshots = rows.Select(r => JsonSerializer.Deserialize(r.Json, MonitoringJsonContext.Default.MetricSnapshot)!).ToList();
        await AddToRollupsAsync(conn, tx, agentId, snapshots, rows.Max(r => r.Received), ct);

        using (var delete = conn.CreateCommand())
        {
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM snapshots WHERE agent_id = $a AND seq >= $first AND seq <= $last AND received_at < $cutoff";
            delete.Parameters.AddWithValue("$a", agentId);
            delete.Parameters.AddWithValue("$first", rows[0].Seq);
            delete.Parameters.AddWithValue("$last", rows[^1].Seq);
            delete.Parameters.AddWithValue("$cutoff", SqliteDatabase.ToMs(cutoff));
            await delete.ExecuteNonQueryAsync(ct);
        }

        return rows.Count;
    }, ct);

    /// <summary>Folds sealed snapshots into every rollup tier: read, merge and write back each period row they touch.</summary>
    private static async Task AddToRollupsAsync(SqliteConnection conn, SqliteTransaction tx, string agentId, List<MetricSnapshot> snapshots, long received, CancellationToken ct)
    {
        foreach (var (seconds, _, periodMs) in RollupCodec.Tiers)
        {
            foreach (var period in RollupCodec.Bucket(snapshots, seconds).Values.GroupBy(b => b.T - (b.T % periodMs)))
            {
                var existing = new Dictionary<long, RollupBucket>();
                using (var select = conn.CreateCommand())
                {
                    select.Transaction = tx;
                    select.CommandText = "SELECT data FROM rollups WHERE agent_id = $a AND tier = $tier AND period_start = $p";
                    select.Parameters.AddWithValue("$a", agentId);
                    select.Parameters.AddWithValue("$tier", seconds);
                    select.Parameters.AddWithValue("$p", period.Key);
                    if (await select.ExecuteScalarAsync(ct) is byte[] data)
                    {
                        existing = RollupCodec.Decode(data).ToDictionary(b => b.T);
                    }
                }

                foreach (var bucket in period)
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

                using var upsert = conn.CreateCommand();
                upsert.Transaction = tx;
                upsert.CommandText = """
                    INSERT INTO rollups (agent_id, tier, period_start, received_max, data) VALUES ($a, $tier, $p, $r, $d)
                    ON CONFLICT (agent_id, tier, period_start) DO UPDATE SET received_max = MAX(received_max, $r), data = $d
                    """;
                upsert.Parameters.AddWithValue("$a", agentId);
                upsert.Parameters.AddWithValue("$tier", seconds);
                upsert.Parameters.AddWithValue("$p", period.Key);
                upsert.Parameters.AddWithValue("$r", received);
                upsert.Parameters.AddWithValue("$d", RollupCodec.Encode(existing.Values));
                await upsert.ExecuteNonQueryAsync(ct);
            }
        }
    }

    public async Task<MetricSeries> GetSeriesAsync(string agentId, DateTimeOffset from, DateTimeOffset to, int tierSeconds, CancellationToken ct)
    {
        if (tierSeconds == 0)
        {
            var raw = await GetSnapshotsAsync(agentId, from, to, MaxSeriesPoints, ct);
            return new MetricSeries
            {
                AgentId = agentId,
                Tier = "raw",
                Points = [.. raw.OrderBy(s => s.Timestamp).Select(s => new MetricPoint
                {
                    Timestamp = s.Timestamp,
                    Count = 1,
                    Metrics = MetricNames.Of(s).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => new MetricStats { Min = g.First().Value, Avg = g.First().Value, Max = g.First().Value }),
                })],
            };
        }

        var (seconds, name, periodMs) = RollupCodec.Tiers.Single(t => t.Seconds == tierSeconds);
        var lo = SqliteDatabase.ToMs(from);
        var hi = SqliteDatabase.ToMs(to);
        var buckets = new Dictionary<long, RollupBucket>();
        await using (var conn = await database.OpenReaderAsync(ct))
        {
            using var select = conn.CreateCommand();
            select.CommandText = "SELECT data FROM rollups WHERE agent_id = $a AND tier = $tier AND period_start >= $lo AND period_start <= $hi ORDER BY period_start";
            select.Parameters.AddWithValue("$a", agentId);
            select.Parameters.AddWithValue("$tier", seconds);
            select.Parameters.AddWithValue("$lo", lo - (lo % periodMs) - periodMs);
            select.Parameters.AddWithValue("$hi", hi);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                foreach (var bucket in RollupCodec.Decode((byte[])reader.GetValue(0)))
                {
                    buckets[bucket.T] = bucket;
                }
            }
        }

        // Rows not sealed yet are not in the rollups: fold them in, so the newest minutes show too.
        var unsealed = new List<MetricSnapshot>();
        await using (var conn = await database.OpenReaderAsync(ct))
        {
            using var rows = conn.CreateCommand();
            rows.CommandText = "SELECT data FROM snapshots WHERE agent_id = $a AND ts >= $lo AND ts <= $hi";
            rows.Parameters.AddWithValue("$a", agentId);
            rows.Parameters.AddWithValue("$lo", lo);
            rows.Parameters.AddWithValue("$hi", hi);
            await using var reader = await rows.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                unsealed.Add(JsonSerializer.Deserialize(reader.GetString(0), MonitoringJsonContext.Default.MetricSnapshot)!);
            }
        }

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
                Timestamp = SqliteDatabase.FromMs(b.T),
                Count = b.N,
                Metrics = b.M.ToDictionary(kv => kv.Key, kv => new MetricStats { Min = kv.Value[0], Avg = kv.Value[1] / b.N, Max = kv.Value[2] }),
            })],
        };
    }

    public async Task<int> PurgeRollupsAsync(DateTimeOffset minuteCutoff, DateTimeOffset hourCutoff, CancellationToken ct) =>
        await database.PurgeInBatchesAsync(
            "DELETE FROM rollups WHERE (agent_id, tier, period_start) IN (SELECT agent_id, tier, period_start FROM rollups WHERE tier = 60 AND received_max < $cutoff LIMIT 1000)", minuteCutoff, ct)
        + await database.PurgeInBatchesAsync(
            "DELETE FROM rollups WHERE (agent_id, tier, period_start) IN (SELECT agent_id, tier, period_start FROM rollups WHERE tier = 3600 AND received_max < $cutoff LIMIT 1000)", hourCutoff, ct);

    public async Task<int> PurgeSnapshotsAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        await database.PurgeInBatchesAsync(
            "DELETE FROM snapshots WHERE (agent_id, seq) IN (SELECT agent_id, seq FROM snapshots WHERE received_at < $cutoff LIMIT 1000)", cutoff, ct)
        + await database.PurgeInBatchesAsync(
            "DELETE FROM snapshot_chunks WHERE (agent_id, last_seq) IN (SELECT agent_id, last_seq FROM snapshot_chunks WHERE received_max < $cutoff LIMIT 1000)", cutoff, ct);
}
