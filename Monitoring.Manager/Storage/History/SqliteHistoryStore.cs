using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage.History;

/// <summary>
/// History in SQLite: <c>snapshots</c> holds each snapshot's JSON until it is sealed; <c>snapshot_chunks</c> holds
/// sealed runs of an agent's snapshots packed by <see cref="SnapshotChunkCodec"/> (tens of bytes per snapshot).
/// </summary>
internal sealed partial class SqliteHistoryStore(SqliteDatabase database) : IHistoryStore
{
    /// <summary>How stale the stored <c>last_seen</c> of a reporting agent may grow (the live value is in memory; at start-up the newest report's receive time wins).</summary>
    public static readonly TimeSpan LastSeenPersistInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Each agent's highest sequence number in the writer's transaction, read on its first report and kept by the
    /// writer: a report's snapshot is new only above it (an agent sends its snapshots in order, oldest first, and
    /// numbers after what the manager holds), so a report writes its row and nothing else. Forgotten when a group
    /// fails to commit; <c>agent_seq</c> keeps the highest number of what retention deletes.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _lastSeq = new(StringComparer.Ordinal);

    /// <summary>When each agent's <c>last_seen</c> was last written and from which address (touched by the writer only).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long WrittenAt, string? Address)> _seenWritten = new(StringComparer.Ordinal);

    /// <summary>The highest sequence number stored for an agent in kept numbers and sealed chunks (its unsealed rows are in <see cref="UnsealedRows"/>).</summary>
    private const string LastSeqSql = """
        SELECT MAX(COALESCE((SELECT last_seq FROM agent_seq WHERE agent_id = $a), 0),
                   COALESCE((SELECT MAX(last_seq) FROM snapshot_chunks WHERE agent_id = $a), 0))
        """;

    /// <summary>The most points a series answers (a raw series of a range longer than that takes the newest).</summary>
    public const int MaxSeriesPoints = 10_000;

    /// <summary>The most rows sealed into one chunk.</summary>
    public const int MaxChunkRows = 4096;

    public async Task InitializeAsync(CancellationToken ct)
    {
        await SqliteMigrations.ApplyAsync(database, ct);
        await EnsureLoadedAsync();
    }

    public async Task<AppendResult> AppendSnapshotsAsync(
        string agentId, IReadOnlyList<MetricSnapshot> snapshots, IReadOnlyList<byte[]>? json, DateTimeOffset receivedAt, string? address, CancellationToken ct)
    {
        await EnsureLoadedAsync();
        var added = new List<UnsealedRow>(snapshots.Count);
        return await database.WriteRepeatableAsync(
            (conn, tx) => AppendAsync(conn, tx, agentId, snapshots, json, receivedAt, address, added, ct),
            ct,
            committed: () => _rows.Add(agentId, added),
            rolledBack: () =>
            {
                // Nothing of the group is stored: what the writer remembered for this agent is read again next time.
                _lastSeq.TryRemove(agentId, out _);
                _seenWritten.TryRemove(agentId, out _);
            });
    }

    private const string InsertSql = "INSERT INTO snapshots (agent_id, seq, ts, received_at, data) VALUES (?1, ?2, ?3, ?4, ?5)";

    // A report repeats harmlessly (the agent resends what was not acknowledged and the sequence number drops the
    // repeat), so it needs no savepoint of its own: the rows it wrote before a failure are listed in `added` and
    // counted in the agent's highest number, and commit with the group.
    private async Task<AppendResult> AppendAsync(
        SqliteConnection conn, SqliteTransaction tx, string agentId, IReadOnlyList<MetricSnapshot> snapshots, IReadOnlyList<byte[]>? json,
        DateTimeOffset receivedAt, string? address, List<UnsealedRow> added, CancellationToken ct)
    {
        if (!_lastSeq.TryGetValue(agentId, out var last))
        {
            var read = database.Prepared(conn, tx, LastSeqSql, out var readCreated);
            if (readCreated)
            {
                read.Parameters.Add("$a", SqliteType.Text);
            }

            read.Parameters[0].Value = agentId;
            last = Math.Max((long)(await read.ExecuteScalarAsync(ct))!, _rows.MaxSeq(agentId));
        }

        var received = SqliteDatabase.ToMs(receivedAt);
        try
        {
            var insert = database.Statement(conn, InsertSql);
            var id = System.Text.Encoding.UTF8.GetBytes(agentId);
            foreach (var i in InSeqOrder(snapshots))
            {
                var s = snapshots[i];
                if (s.Seq <= last)
                {
                    continue;
                }

                var ts = SqliteDatabase.ToMs(s.Timestamp);
                SQLitePCL.raw.sqlite3_bind_text(insert, 1, id);
                SQLitePCL.raw.sqlite3_bind_int64(insert, 2, s.Seq);
                SQLitePCL.raw.sqlite3_bind_int64(insert, 3, ts);
                SQLitePCL.raw.sqlite3_bind_int64(insert, 4, received);
                SQLitePCL.raw.sqlite3_bind_blob(insert, 5, json is not null ? json[i] : JsonSerializer.SerializeToUtf8Bytes(s, MonitoringJsonContext.Default.MetricSnapshot));
                SqliteDatabase.Execute(conn, insert);
                added.Add(new UnsealedRow(s.Seq, ts, received, SQLitePCL.raw.sqlite3_last_insert_rowid(conn.Handle)));
                last = s.Seq;
            }
        }
        finally
        {
            _lastSeq[agentId] = last;
        }

        if (!_seenWritten.TryGetValue(agentId, out var written) || written.Address != address
            || received - written.WrittenAt >= (long)LastSeenPersistInterval.TotalMilliseconds)
        {
            var seen = database.Prepared(conn, tx, "UPDATE agents SET last_seen = $r, address = COALESCE($addr, address) WHERE id = $a", out var created);
            if (created)
            {
                seen.Parameters.Add("$a", SqliteType.Text);
                seen.Parameters.Add("$r", SqliteType.Integer);
                seen.Parameters.Add("$addr", SqliteType.Text);
            }

            seen.Parameters[0].Value = agentId;
            seen.Parameters[1].Value = received;
            seen.Parameters[2].Value = (object?)address ?? DBNull.Value;
            await seen.ExecuteNonQueryAsync(ct);
            _seenWritten[agentId] = (received, address);
        }

        return new AppendResult(added.Count, snapshots.Count - added.Count, last);
    }

    /// <summary>The indexes of a report's snapshots by sequence number (an agent sends them in order; anyone else is put in order).</summary>
    private static IEnumerable<int> InSeqOrder(IReadOnlyList<MetricSnapshot> snapshots)
    {
        for (var i = 1; i < snapshots.Count; i++)
        {
            if (snapshots[i].Seq < snapshots[i - 1].Seq)
            {
                return Enumerable.Range(0, snapshots.Count).OrderBy(j => snapshots[j].Seq);
            }
        }

        return Enumerable.Range(0, snapshots.Count);
    }

    public async Task<long> GetLastSeqAsync(string agentId, CancellationToken ct)
    {
        await EnsureLoadedAsync();
        // The index first: a row sealed after this is in the chunks read next.
        var unsealed = _rows.MaxSeq(agentId);
        await using var conn = await database.OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = LastSeqSql;
        cmd.Parameters.AddWithValue("$a", agentId);
        return Math.Max(unsealed, await cmd.ExecuteScalarAsync(ct) is long seq ? seq : 0);
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
        await EnsureLoadedAsync();
        var found = new List<(long Key, long Seq, string Json)>();
        var seen = new HashSet<long>();
        var unsealed = _rows.Of(agentId, lo, hi);
        unsealed.Sort((a, b) => byTime ? b.Ts != a.Ts ? b.Ts.CompareTo(a.Ts) : b.Seq.CompareTo(a.Seq) : b.Seq.CompareTo(a.Seq));
        await using var conn = await database.OpenReaderAsync(ct);
        // The rows first, then the chunks: a row sealed in between is found in its chunk.
        var rows = await ReadRowsAsync(conn, null, agentId, unsealed.Take(limit).ToList(), ct);
        foreach (var row in unsealed)
        {
            if (rows.TryGetValue(row.Seq, out var data) && seen.Add(row.Seq))
            {
                found.Add((byTime ? row.Ts : row.Seq, row.Seq, System.Text.Encoding.UTF8.GetString(data)));
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
            return HistoryShapes.Raw(agentId, await GetSnapshotsAsync(agentId, from, to, MaxSeriesPoints, ct));
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
        await EnsureLoadedAsync();
        var unsealed = new List<MetricSnapshot>();
        await using (var conn = await database.OpenReaderAsync(ct))
        {
            foreach (var data in (await ReadRowsAsync(conn, null, agentId, _rows.Of(agentId, lo, hi), ct)).Values)
            {
                unsealed.Add(JsonSerializer.Deserialize(data, MonitoringJsonContext.Default.MetricSnapshot)!);
            }
        }

        return HistoryShapes.Rollup(agentId, name, seconds, lo, hi, buckets, unsealed);
    }

    public async Task<int> PurgeRollupsAsync(DateTimeOffset minuteCutoff, DateTimeOffset hourCutoff, CancellationToken ct) =>
        await database.PurgeInBatchesAsync(
            "DELETE FROM rollups WHERE (agent_id, tier, period_start) IN (SELECT agent_id, tier, period_start FROM rollups WHERE tier = 60 AND received_max < $cutoff LIMIT 1000)", minuteCutoff, ct)
        + await database.PurgeInBatchesAsync(
            "DELETE FROM rollups WHERE (agent_id, tier, period_start) IN (SELECT agent_id, tier, period_start FROM rollups WHERE tier = 3600 AND received_max < $cutoff LIMIT 1000)", hourCutoff, ct);

    public async Task<int> PurgeSnapshotsAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await EnsureLoadedAsync();
        var before = SqliteDatabase.ToMs(cutoff);
        var total = 0;
        while (true)
        {
            // Rows, a thousand at a time: each deleted row's number is kept in agent_seq, so a replay of it stays a duplicate.
            var batch = new List<(string AgentId, UnsealedRow Row)>();
            await database.WriteAsync(
                async (conn, tx) =>
                {
                    batch.AddRange(_rows.AllReceivedBefore(before, 1000));
                    foreach (var agent in batch.GroupBy(r => r.AgentId))
                    {
                        await KeepLastSeqAsync(conn, tx, agent.Key, agent.Max(r => r.Row.Seq), ct);
                        await DeleteRowsAsync(conn, tx, agent.Select(r => r.Row), ct);
                    }

                    return batch.Count;
                },
                durable: true,
                ct,
                committed: () =>
                {
                    foreach (var agent in batch.GroupBy(r => r.AgentId))
                    {
                        _rows.Remove(agent.Key, [.. agent.Select(r => r.Row.RowId)]);
                    }
                });
            total += batch.Count;
            if (batch.Count < 1000)
            {
                break;
            }
        }

        await database.WriteAsync(async (conn, tx) =>
        {
            using var keep = conn.CreateCommand();
            keep.Transaction = tx;
            keep.CommandText = """
                INSERT INTO agent_seq (agent_id, last_seq)
                    SELECT agent_id, MAX(last_seq) FROM snapshot_chunks WHERE received_max < $cutoff GROUP BY agent_id
                    ON CONFLICT (agent_id) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq);
                """;
            keep.Parameters.AddWithValue("$cutoff", before);
            return await keep.ExecuteNonQueryAsync(ct);
        }, ct);
        return total + await database.PurgeInBatchesAsync(
            "DELETE FROM snapshot_chunks WHERE (agent_id, last_seq) IN (SELECT agent_id, last_seq FROM snapshot_chunks WHERE received_max < $cutoff LIMIT 1000)", cutoff, ct);
    }

    private static async Task KeepLastSeqAsync(SqliteConnection conn, SqliteTransaction tx, string agentId, long seq, CancellationToken ct)
    {
        using var keep = conn.CreateCommand();
        keep.Transaction = tx;
        keep.CommandText = """
            INSERT INTO agent_seq (agent_id, last_seq) VALUES ($a, $s)
            ON CONFLICT (agent_id) DO UPDATE SET last_seq = MAX(last_seq, excluded.last_seq)
            """;
        keep.Parameters.AddWithValue("$a", agentId);
        keep.Parameters.AddWithValue("$s", seq);
        await keep.ExecuteNonQueryAsync(ct);
    }
}
