using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage.History;

/// <summary>Sealing: rows into chunks, small chunks of a past hour into one, and sealed snapshots into the rollup tiers.</summary>
internal sealed partial class SqliteHistoryStore
{
    public async Task<int> SealAsync(DateTimeOffset cutoff, CancellationToken ct)
    {
        await EnsureLoadedAsync();
        var agents = _rows.AgentsWithRowsBefore(SqliteDatabase.ToMs(cutoff));
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

            using (var delete = conn.CreateCommand())
            {
                delete.Transaction = tx;
                delete.CommandText = "DELETE FROM snapshot_chunks WHERE agent_id = $a AND start_ts / 3600000 = $h AND count < $max";
                delete.Parameters.AddWithValue("$a", agentId);
                delete.Parameters.AddWithValue("$h", hour);
                delete.Parameters.AddWithValue("$max", MaxChunkRows);
                await delete.ExecuteNonQueryAsync(ct);
            }

            var merged = HistoryShapes.Merge(parts.Select(p => p.Snapshots));
            await InsertChunkAsync(conn, tx, agentId, merged.FirstSeq, merged.LastSeq, merged.StartTs, merged.EndTs, merged.Count, parts.Max(p => p.Received), merged.Data, ct);
        }

        return hours.Count;
    }, ct);

    /// <summary>Packs one agent's old rows into a chunk and deletes them, in one transaction.</summary>
    private async Task<int> SealAgentAsync(string agentId, DateTimeOffset cutoff, CancellationToken ct)
    {
        var sealedRows = new List<UnsealedRow>();
        return await database.WriteAsync(
            async (conn, tx) =>
            {
                sealedRows.AddRange(_rows.ReceivedBefore(agentId, SqliteDatabase.ToMs(cutoff), MaxChunkRows));
                var data = await ReadRowsAsync(conn, tx, agentId, sealedRows, ct);
                var rows = sealedRows.Where(r => data.ContainsKey(r.Seq)).Select(r => (r.Seq, r.Ts, r.Received, Json: data[r.Seq])).ToList();
                if (rows.Count > 0)
                {
                    await InsertChunkAsync(
                        conn, tx, agentId, rows[0].Seq, rows[^1].Seq, rows.Min(r => r.Ts), rows.Max(r => r.Ts), rows.Count, rows.Max(r => r.Received),
                        SnapshotChunkCodec.Encode([.. rows.Select(r => (ReadOnlyMemory<byte>)r.Json)]), ct);
                    var snapshots = rows.Select(r => JsonSerializer.Deserialize(r.Json, MonitoringJsonContext.Default.MetricSnapshot)!).ToList();
                    await AddToRollupsAsync(conn, tx, agentId, snapshots, rows.Max(r => r.Received), ct);
                }

                // Listed rows the table lacks are forgotten too.
                await DeleteRowsAsync(conn, tx, sealedRows, ct);
                return rows.Count;
            },
            durable: true,
            ct,
            committed: () => _rows.Remove(agentId, [.. sealedRows.Select(r => r.RowId)]));
    }

    /// <summary>Folds sealed snapshots into every rollup tier: read, merge and write back each period row they touch.</summary>
    private static async Task AddToRollupsAsync(SqliteConnection conn, SqliteTransaction tx, string agentId, List<MetricSnapshot> snapshots, long received, CancellationToken ct)
    {
        foreach (var (seconds, _, periodMs) in RollupCodec.Tiers)
        {
            foreach (var period in RollupCodec.Bucket(snapshots, seconds).Values.GroupBy(b => b.T - (b.T % periodMs)))
            {
                byte[]? stored;
                using (var select = conn.CreateCommand())
                {
                    select.Transaction = tx;
                    select.CommandText = "SELECT data FROM rollups WHERE agent_id = $a AND tier = $tier AND period_start = $p";
                    select.Parameters.AddWithValue("$a", agentId);
                    select.Parameters.AddWithValue("$tier", seconds);
                    select.Parameters.AddWithValue("$p", period.Key);
                    stored = await select.ExecuteScalarAsync(ct) as byte[];
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
                upsert.Parameters.AddWithValue("$d", HistoryShapes.MergeRollup(stored, period));
                await upsert.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private static async Task InsertChunkAsync(
        SqliteConnection conn, SqliteTransaction tx, string agentId, long firstSeq, long lastSeq, long startTs, long endTs, int count, long received,
        byte[] chunk, CancellationToken ct)
    {
        using var insert = conn.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO snapshot_chunks (agent_id, last_seq, first_seq, start_ts, end_ts, count, received_max, data)
            VALUES ($a, $last, $first, $start, $end, $count, $received, $data)
            """;
        insert.Parameters.AddWithValue("$a", agentId);
        insert.Parameters.AddWithValue("$last", lastSeq);
        insert.Parameters.AddWithValue("$first", firstSeq);
        insert.Parameters.AddWithValue("$start", startTs);
        insert.Parameters.AddWithValue("$end", endTs);
        insert.Parameters.AddWithValue("$count", count);
        insert.Parameters.AddWithValue("$received", received);
        insert.Parameters.AddWithValue("$data", chunk);
        await insert.ExecuteNonQueryAsync(ct);
    }
}
