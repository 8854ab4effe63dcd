using System.Text;
using Microsoft.Data.Sqlite;

namespace Monitoring.Manager.Storage.History;

/// <summary>Unsealed rows: the index of where they are (<see cref="UnsealedRows"/>), filled once, and rows fetched by rowid.</summary>
internal sealed partial class SqliteHistoryStore
{
    private readonly UnsealedRows _rows = new();
    private readonly object _loadGate = new();
    private Task? _loaded;

    /// <summary>How many unsealed rows the index lists (for tests and metrics).</summary>
    public int UnsealedCount => _rows.Count;

    /// <summary>Fills the index of unsealed rows from the table, once (again after a failure).</summary>
    private Task EnsureLoadedAsync()
    {
        var loaded = _loaded;
        if (loaded is { IsCompletedSuccessfully: true })
        {
            return loaded;
        }

        lock (_loadGate)
        {
            if (_loaded is null || _loaded.IsFaulted || _loaded.IsCanceled)
            {
                _loaded = LoadAsync();
            }

            return _loaded;
        }
    }

    // On the writer, so no report commits between the read and the index being filled.
    private Task LoadAsync() => database.WriteAsync(
        async (conn, tx) =>
        {
            var found = new List<(string, UnsealedRow)>();
            using var select = conn.CreateCommand();
            select.Transaction = tx;
            select.CommandText = "SELECT agent_id, seq, ts, received_at, rowid FROM snapshots";
            await using var reader = await select.ExecuteReaderAsync(CancellationToken.None);
            while (await reader.ReadAsync(CancellationToken.None))
            {
                found.Add((reader.GetString(0), new UnsealedRow(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4))));
            }

            _rows.Load(found);
            return found.Count;
        },
        durable: false,
        CancellationToken.None);

    /// <summary>
    /// The JSON of the given rows of an agent, by rowid, in one statement. A row sealed or purged since the index was
    /// read is simply not found (its chunk has it); the agent and sequence number are checked, so a rowid taken over
    /// by another row can never answer for it.
    /// </summary>
    private static async Task<Dictionary<long, byte[]>> ReadRowsAsync(SqliteConnection conn, SqliteTransaction? tx, string agentId, IReadOnlyList<UnsealedRow> rows, CancellationToken ct)
    {
        var result = new Dictionary<long, byte[]>(rows.Count);
        if (rows.Count == 0)
        {
            return result;
        }

        var expected = new Dictionary<long, long>(rows.Count);
        foreach (var row in rows)
        {
            expected[row.RowId] = row.Seq;
        }

        using var select = conn.CreateCommand();
        select.Transaction = tx;
        select.CommandText = "SELECT rowid, agent_id, seq, data FROM snapshots WHERE rowid IN (SELECT value FROM json_each($ids))";
        select.Parameters.AddWithValue("$ids", RowIdList(rows));
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var rowId = reader.GetInt64(0);
            if (reader.GetString(1) == agentId && expected.TryGetValue(rowId, out var seq) && reader.GetInt64(2) == seq)
            {
                result[seq] = reader.GetValue(3) is byte[] b ? b : Encoding.UTF8.GetBytes(reader.GetString(3));
            }
        }

        return result;
    }

    /// <summary>Deletes rows by rowid in one statement.</summary>
    private static async Task DeleteRowsAsync(SqliteConnection conn, SqliteTransaction tx, IEnumerable<UnsealedRow> rows, CancellationToken ct)
    {
        using var delete = conn.CreateCommand();
        delete.Transaction = tx;
        delete.CommandText = "DELETE FROM snapshots WHERE rowid IN (SELECT value FROM json_each($ids))";
        delete.Parameters.AddWithValue("$ids", RowIdList(rows));
        await delete.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Rowids as a JSON array, for <c>json_each</c>.</summary>
    private static string RowIdList(IEnumerable<UnsealedRow> rows)
    {
        var text = new StringBuilder("[");
        foreach (var row in rows)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }

            text.Append(row.RowId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.Append(']').ToString();
    }
}
