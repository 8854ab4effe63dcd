using System.Collections.Concurrent;
using System.Text.Json;
using Monitoring.Manager.Storage.History;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Npgsql;
using NpgsqlTypes;

namespace Monitoring.Manager.Storage.Postgres;

/// <summary>
/// Snapshot history on PostgreSQL, in the same shapes as on SQLite: each report's snapshots as rows (keyed by agent
/// and sequence number, so a replay or a second manager's copy is refused by the key), sealed after a while into
/// compact per-agent chunks with minute and hour rollups. An agent's appends take a transaction-scoped advisory
/// lock on its id, so two managers that both hold a report of one agent (a failover) number it once.
/// </summary>
internal sealed partial class PostgresHistoryStore(PostgresDatabase database) : IHistoryStore
{
    private const string LastSeqSql = """
        SELECT GREATEST(COALESCE((SELECT last_seq FROM agent_seq WHERE agent_id = @a), 0),
                        COALESCE((SELECT MAX(last_seq) FROM snapshot_chunks WHERE agent_id = @a), 0),
                        COALESCE((SELECT MAX(seq) FROM snapshots WHERE agent_id = @a), 0))
        """;

    /// <summary>When this manager last wrote each agent's last-seen time (written at most once a minute per agent).</summary>
    private readonly ConcurrentDictionary<string, (long WrittenAt, string? Address)> _seenWritten = new(StringComparer.Ordinal);

    public Task InitializeAsync(CancellationToken ct) => PostgresMigrations.ApplyAsync(database, ct);

    public async Task<AppendResult> AppendSnapshotsAsync(
        string agentId, IReadOnlyList<MetricSnapshot> snapshots, IReadOnlyList<byte[]>? json, DateTimeOffset receivedAt, string? address, CancellationToken ct)
    {
        // Oldest first, each number once; the function refuses what is at or below the highest held.
        var seqs = new List<long>(snapshots.Count);
        var times = new List<long>(snapshots.Count);
        var data = new List<byte[]>(snapshots.Count);
        foreach (var i in Enumerable.Range(0, snapshots.Count).OrderBy(j => snapshots[j].Seq))
        {
            var s = snapshots[i];
            if (seqs.Count == 0 || s.Seq > seqs[^1])
            {
                seqs.Add(s.Seq);
                times.Add(PostgresDatabase.ToMs(s.Timestamp));
                data.Add(json is not null ? json[i] : JsonSerializer.SerializeToUtf8Bytes(s, MonitoringJsonContext.Default.MetricSnapshot));
            }
        }

        var received = PostgresDatabase.ToMs(receivedAt);
        var touch = !_seenWritten.TryGetValue(agentId, out var written) || written.Address != address
            || received - written.WrittenAt >= (long)SqliteHistoryStore.LastSeenPersistInterval.TotalMilliseconds;
        var (accepted, highest) = await database.ExecuteAsync(async conn =>
        {
            await using var append = Sql.Command(conn, null, "SELECT accepted, highest FROM monitoring_append(@a, @seqs, @times, @data, @r, @addr, @touch)",
                ("a", agentId), ("seqs", seqs.ToArray()), ("times", times.ToArray()), ("r", received), ("addr", address), ("touch", touch));
            append.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = data.ToArray() });
            append.Parameters["addr"].NpgsqlDbType = NpgsqlDbType.Text;
            await using var reader = await append.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt32(0), reader.GetInt64(1));
        }, ct);
        if (touch)
        {
            _seenWritten[agentId] = (received, address);
        }

        return new AppendResult(accepted, snapshots.Count - accepted, highest);
    }

    public Task<long> GetLastSeqAsync(string agentId, CancellationToken ct) => database.ReadAsync(async conn =>
    {
        await using var read = Sql.Command(conn, null, LastSeqSql, ("a", agentId));
        return (long)(await read.ExecuteScalarAsync(ct))!;
    }, ct);

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
        var lo = from is { } f ? PostgresDatabase.ToMs(f) : long.MinValue;
        var hi = to is { } t ? PostgresDatabase.ToMs(t) : long.MaxValue;
        var found = new List<(long Key, long Seq, string Json)>();
        var seen = new HashSet<long>();
        await using var conn = await database.OpenAsync(ct);
        // One snapshot of the database for both reads: a row sealed meanwhile is not missed or read twice.
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var rows = Sql.Command(conn, tx, $"""
            SELECT seq, ts, data FROM snapshots WHERE agent_id = @a AND ts BETWEEN @lo AND @hi
            ORDER BY {(byTime ? "ts DESC, seq DESC" : "seq DESC")} LIMIT @n
            """, ("a", agentId), ("lo", lo), ("hi", hi), ("n", limit)))
        await using (var reader = await rows.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var seq = reader.GetInt64(0);
                if (seen.Add(seq))
                {
                    found.Add((byTime ? reader.GetInt64(1) : seq, seq, System.Text.Encoding.UTF8.GetString((byte[])reader.GetValue(2))));
                }
            }
        }

        await using (var chunks = Sql.Command(conn, tx, byTime
            ? "SELECT data, end_ts FROM snapshot_chunks WHERE agent_id = @a AND end_ts >= @lo AND start_ts <= @hi ORDER BY end_ts DESC"
            : "SELECT data, last_seq FROM snapshot_chunks WHERE agent_id = @a ORDER BY last_seq DESC",
            ("a", agentId), ("lo", lo), ("hi", hi)))
        await using (var reader = await chunks.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (HistoryShapes.Enough(found, limit, reader.GetInt64(1)))
                {
                    break;
                }

                foreach (var (seq, ts, json) in HistoryShapes.InRange((byte[])reader.GetValue(0), lo, hi))
                {
                    if (seen.Add(seq))
                    {
                        found.Add((byTime ? ts : seq, seq, json));
                    }
                }
            }
        }

        await tx.CommitAsync(ct);
        foreach (var json in HistoryShapes.Newest(found, limit))
        {
            yield return json;
        }
    }

    public async Task<MetricSnapshot?> GetLatestAsync(string agentId, CancellationToken ct) =>
        (await GetSnapshotsAsync(agentId, null, null, 1, ct)).FirstOrDefault();

    public async Task<MetricSeries> GetSeriesAsync(string agentId, DateTimeOffset from, DateTimeOffset to, int tierSeconds, CancellationToken ct)
    {
        if (tierSeconds == 0)
        {
            return HistoryShapes.Raw(agentId, await GetSnapshotsAsync(agentId, from, to, SqliteHistoryStore.MaxSeriesPoints, ct));
        }

        var (seconds, name, periodMs) = RollupCodec.Tiers.Single(t => t.Seconds == tierSeconds);
        var lo = PostgresDatabase.ToMs(from);
        var hi = PostgresDatabase.ToMs(to);
        var buckets = new Dictionary<long, RollupBucket>();
        var unsealed = new List<MetricSnapshot>();
        await using var conn = await database.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await using (var select = Sql.Command(conn, tx,
            "SELECT data FROM rollups WHERE agent_id = @a AND tier = @tier AND period_start >= @lo AND period_start <= @hi ORDER BY period_start",
            ("a", agentId), ("tier", seconds), ("lo", lo - (lo % periodMs) - periodMs), ("hi", hi)))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                foreach (var bucket in RollupCodec.Decode((byte[])reader.GetValue(0)))
                {
                    buckets[bucket.T] = bucket;
                }
            }
        }

        // Rows not sealed yet are not in the rollups: folded in, so the newest minutes show too.
        await using (var rows = Sql.Command(conn, tx, "SELECT data FROM snapshots WHERE agent_id = @a AND ts BETWEEN @lo AND @hi",
            ("a", agentId), ("lo", lo - periodMs), ("hi", hi)))
        await using (var reader = await rows.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                unsealed.Add(JsonSerializer.Deserialize((byte[])reader.GetValue(0), MonitoringJsonContext.Default.MetricSnapshot)!);
            }
        }

        await tx.CommitAsync(ct);
        return HistoryShapes.Rollup(agentId, name, seconds, lo, hi, buckets, unsealed);
    }

    public async Task<int> PurgeRollupsAsync(DateTimeOffset minuteCutoff, DateTimeOffset hourCutoff, CancellationToken ct) =>
        await database.PurgeInBatchesAsync(
            "DELETE FROM rollups WHERE (agent_id, tier, period_start) IN (SELECT agent_id, tier, period_start FROM rollups WHERE tier = 60 AND received_max < @cutoff LIMIT 1000)", minuteCutoff, ct)
        + await database.PurgeInBatchesAsync(
            "DELETE FROM rollups WHERE (agent_id, tier, period_start) IN (SELECT agent_id, tier, period_start FROM rollups WHERE tier = 3600 AND received_max < @cutoff LIMIT 1000)", hourCutoff, ct);

    public async Task<int> PurgeSnapshotsAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        // Each deleted row's or chunk's number is kept in agent_seq first, so a replay of it stays a duplicate.
        var before = PostgresDatabase.ToMs(cutoff);
        await database.WriteAsync(async (conn, tx) =>
        {
            await using var keep = Sql.Command(conn, tx, """
                INSERT INTO agent_seq (agent_id, last_seq)
                    SELECT agent_id, MAX(seq) FROM (
                        SELECT agent_id, seq FROM snapshots WHERE received_at < @cutoff
                        UNION ALL SELECT agent_id, last_seq FROM snapshot_chunks WHERE received_max < @cutoff) old
                    GROUP BY agent_id
                ON CONFLICT (agent_id) DO UPDATE SET last_seq = GREATEST(agent_seq.last_seq, excluded.last_seq)
                """, ("cutoff", before));
            return await keep.ExecuteNonQueryAsync(ct);
        }, ct);
        return await database.PurgeInBatchesAsync(
                "DELETE FROM snapshots WHERE (agent_id, seq) IN (SELECT agent_id, seq FROM snapshots WHERE received_at < @cutoff LIMIT 1000)", cutoff, ct)
            + await database.PurgeInBatchesAsync(
                "DELETE FROM snapshot_chunks WHERE (agent_id, last_seq) IN (SELECT agent_id, last_seq FROM snapshot_chunks WHERE received_max < @cutoff LIMIT 1000)", cutoff, ct);
    }
}
