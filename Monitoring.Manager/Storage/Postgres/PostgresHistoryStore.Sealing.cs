using System.Text.Json;
using Monitoring.Manager.Storage.History;
using Monitoring.Metrics;
using Monitoring.Protocol;
using Npgsql;

namespace Monitoring.Manager.Storage.Postgres;

/// <summary>Sealing on PostgreSQL: rows older than the cutoff become their agent's chunk and rollups in one transaction.</summary>
internal sealed partial class PostgresHistoryStore
{
    public async Task<int> SealAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        var before = PostgresDatabase.ToMs(cutoff);
        var agents = await database.ReadAsync(async conn =>
        {
            await using var cmd = Sql.Command(conn, null, "SELECT DISTINCT agent_id FROM snapshots WHERE received_at < @cutoff", ("cutoff", before));
            var ids = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }, ct);
        var sealedRows = 0;
        foreach (var agentId in agents)
        {
            int sealedNow;
            do
            {
                sealedNow = await SealAgentAsync(agentId, before, ct);
                sealedRows += sealedNow;
            }
            while (sealedNow == SqliteHistoryStore.MaxChunkRows);

            await CompactAgentAsync(agentId, before, ct);
        }

        return sealedRows;
    }

    private Task<int> SealAgentAsync(string agentId, long before, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using (var lockAgent = Sql.Command(conn, tx, "SELECT pg_advisory_xact_lock(hashtextextended(@a, 0))", ("a", agentId)))
        {
            await lockAgent.ExecuteNonQueryAsync(ct);
        }

        var rows = new List<(long Seq, long Ts, long Received, byte[] Json)>();
        await using (var select = Sql.Command(conn, tx,
            "SELECT seq, ts, received_at, data FROM snapshots WHERE agent_id = @a AND received_at < @cutoff ORDER BY seq LIMIT @n",
            ("a", agentId), ("cutoff", before), ("n", SqliteHistoryStore.MaxChunkRows)))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), (byte[])reader.GetValue(3)));
            }
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        var received = rows.Max(r => r.Received);
        await InsertChunkAsync(conn, tx, agentId, rows[0].Seq, rows[^1].Seq, rows.Min(r => r.Ts), rows.Max(r => r.Ts), rows.Count, received,
            SnapshotChunkCodec.Encode([.. rows.Select(r => (ReadOnlyMemory<byte>)r.Json)]), ct);
        var snapshots = rows.Select(r => JsonSerializer.Deserialize(r.Json, MonitoringJsonContext.Default.MetricSnapshot)!).ToList();
        await AddToRollupsAsync(conn, tx, agentId, snapshots, received, ct);
        await using (var delete = Sql.Command(conn, tx, "DELETE FROM snapshots WHERE agent_id = @a AND seq = ANY(@seqs)",
            ("a", agentId), ("seqs", rows.Select(r => r.Seq).ToArray())))
        {
            await delete.ExecuteNonQueryAsync(ct);
        }

        return rows.Count;
    }, ct);

    private Task<int> CompactAgentAsync(string agentId, long before, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        var hours = new List<long>();
        await using (var find = Sql.Command(conn, tx, """
            SELECT start_ts / 3600000 AS hour FROM snapshot_chunks
            WHERE agent_id = @a AND count < @max
            GROUP BY hour HAVING COUNT(*) > 1 AND (start_ts / 3600000 + 1) * 3600000 <= @cutoff
            """, ("a", agentId), ("max", SqliteHistoryStore.MaxChunkRows), ("cutoff", before)))
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                hours.Add(reader.GetInt64(0));
            }
        }

        foreach (var hour in hours)
        {
            var parts = new List<(long Received, IReadOnlyList<System.Text.Json.Nodes.JsonObject> Snapshots)>();
            await using (var select = Sql.Command(conn, tx,
                "DELETE FROM snapshot_chunks WHERE agent_id = @a AND start_ts / 3600000 = @h AND count < @max RETURNING received_max, data",
                ("a", agentId), ("h", hour), ("max", SqliteHistoryStore.MaxChunkRows)))
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    parts.Add((reader.GetInt64(0), SnapshotChunkCodec.Decode((byte[])reader.GetValue(1))));
                }
            }

            var merged = HistoryShapes.Merge(parts.Select(p => p.Snapshots));
            await InsertChunkAsync(conn, tx, agentId, merged.FirstSeq, merged.LastSeq, merged.StartTs, merged.EndTs, merged.Count, parts.Max(p => p.Received), merged.Data, ct);
        }

        return hours.Count;
    }, ct);

    private static async Task AddToRollupsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string agentId, List<MetricSnapshot> snapshots, long received, CancellationToken ct)
    {
        foreach (var (seconds, _, periodMs) in RollupCodec.Tiers)
        {
            foreach (var period in RollupCodec.Bucket(snapshots, seconds).Values.GroupBy(b => b.T - (b.T % periodMs)))
            {
                byte[]? stored;
                await using (var select = Sql.Command(conn, tx, "SELECT data FROM rollups WHERE agent_id = @a AND tier = @tier AND period_start = @p FOR UPDATE",
                    ("a", agentId), ("tier", seconds), ("p", period.Key)))
                {
                    stored = await select.ExecuteScalarAsync(ct) as byte[];
                }

                await using var upsert = Sql.Command(conn, tx, """
                    INSERT INTO rollups (agent_id, tier, period_start, received_max, data) VALUES (@a, @tier, @p, @r, @d)
                    ON CONFLICT (agent_id, tier, period_start) DO UPDATE SET received_max = GREATEST(rollups.received_max, @r), data = @d
                    """, ("a", agentId), ("tier", seconds), ("p", period.Key), ("r", received), ("d", HistoryShapes.MergeRollup(stored, period)));
                await upsert.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private static async Task InsertChunkAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, string agentId, long firstSeq, long lastSeq, long startTs, long endTs, int count, long received, byte[] chunk,
        CancellationToken ct)
    {
        await using var insert = Sql.Command(conn, tx, """
            INSERT INTO snapshot_chunks (agent_id, last_seq, first_seq, start_ts, end_ts, count, received_max, data)
            VALUES (@a, @last, @first, @start, @end, @count, @received, @data)
            """,
            ("a", agentId), ("last", lastSeq), ("first", firstSeq), ("start", startTs), ("end", endTs), ("count", count), ("received", received), ("data", chunk));
        await insert.ExecuteNonQueryAsync(ct);
    }
}
