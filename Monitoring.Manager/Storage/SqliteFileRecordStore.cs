using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>The file store's records: uploads, completion, offers to agents, usage and abandoned uploads.</summary>
internal sealed class SqliteFileRecordStore(SqliteDatabase database) : SqliteStore(database), IFileRecordStore
{
    public Task InitializeAsync(CancellationToken ct) => SqliteMigrations.ApplyAsync(Database, ct);

    public Task InsertFileAsync(FileRecord file, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO files (id, name, agent_id, source_path, size, sha256, status, requested_by, created_at, completed_at)
            VALUES ($id, $name, $agent, $source, $size, $sha, $status, $by, $created, $completed)
            """;
        cmd.Parameters.AddWithValue("$id", file.Id);
        cmd.Parameters.AddWithValue("$name", file.Name);
        cmd.Parameters.AddWithValue("$agent", (object?)file.AgentId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$source", (object?)file.SourcePath ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$size", file.Size);
        cmd.Parameters.AddWithValue("$sha", file.Sha256);
        cmd.Parameters.AddWithValue("$status", file.Status == FileStatus.Complete ? "complete" : "uploading");
        cmd.Parameters.AddWithValue("$by", file.RequestedBy ?? "");
        cmd.Parameters.AddWithValue("$created", ToMs(file.CreatedAt));
        cmd.Parameters.AddWithValue("$completed", file.CompletedAt is { } c ? ToMs(c) : DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
        return 0;
    }, ct);

    public async Task<FileRecord?> GetFileAsync(string id, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {FileColumns} FROM files WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadFile(reader) : null;
    }

    public async Task<IReadOnlyList<FileRecord>> ListFilesAsync(int limit, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {FileColumns} FROM files ORDER BY created_at DESC, id DESC LIMIT $n";
        cmd.Parameters.AddWithValue("$n", limit);
        var result = new List<FileRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(ReadFile(reader));
        }

        return result;
    }

    public async Task<FileRecord?> FindFileAsync(string? agentId, string requestedBy, string origin, string sha256, long size, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"""
            SELECT {FileColumns} FROM files
            WHERE sha256 = $sha AND size = $size AND requested_by = $by AND agent_id IS $agent AND COALESCE(source_path, name) = $origin
            ORDER BY status = 'complete' DESC, created_at DESC LIMIT 1
            """;
        cmd.Parameters.AddWithValue("$sha", sha256);
        cmd.Parameters.AddWithValue("$size", size);
        cmd.Parameters.AddWithValue("$by", requestedBy);
        cmd.Parameters.AddWithValue("$agent", (object?)agentId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$origin", origin);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadFile(reader) : null;
    }

    public Task MarkFileCompleteAsync(string id, DateTimeOffset now, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE files SET status = 'complete', completed_at = $now WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$now", ToMs(now));
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public Task<bool> DeleteFileAsync(string id, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM files WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);

    public async Task<bool> IsFileOfferedToAsync(string fileId, string agentId, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT 1 FROM commands
            WHERE agent_id = $a AND name = 'receive_file' AND status IN ('queued', 'delivered')
              AND json_extract(arguments, '$.fileId') = $f
            LIMIT 1
            """;
        cmd.Parameters.AddWithValue("$a", agentId);
        cmd.Parameters.AddWithValue("$f", fileId);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    public Task<(long AgentBytes, long TotalBytes)> GetFileUsageAsync(string? agentId, CancellationToken ct) => ReadAsync(async conn =>
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(SUM(CASE WHEN agent_id = $a THEN size END), 0), COALESCE(SUM(size), 0) FROM files";
        cmd.Parameters.AddWithValue("$a", (object?)agentId ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetInt64(1));
    }, ct);

    public Task<IReadOnlyList<string>> ListStaleUploadsAsync(DateTimeOffset cutoff, CancellationToken ct) => ReadAsync(async conn =>
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT id FROM files WHERE status = 'uploading' AND created_at < $cutoff LIMIT 1000";
        cmd.Parameters.AddWithValue("$cutoff", ToMs(cutoff));
        return await ReadIdsAsync(cmd, ct);
    }, ct);

    public Task<IReadOnlyList<string>> ListExpiredFilesAsync(DateTimeOffset cutoff, CancellationToken ct) => ReadAsync(async conn =>
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT f.id FROM files f
            WHERE f.status = 'complete' AND COALESCE(f.completed_at, f.created_at) < $cutoff
              AND f.id NOT IN (SELECT json_extract(arguments, '$.fileId') FROM commands
                               WHERE name = 'receive_file' AND status IN ('queued', 'delivered') AND json_extract(arguments, '$.fileId') IS NOT NULL)
            LIMIT 1000
            """;
        cmd.Parameters.AddWithValue("$cutoff", ToMs(cutoff));
        return await ReadIdsAsync(cmd, ct);
    }, ct);

    private static async Task<IReadOnlyList<string>> ReadIdsAsync(SqliteCommand cmd, CancellationToken ct)
    {
        var ids = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    private const string FileColumns = "id, name, agent_id, source_path, size, sha256, status, requested_by, created_at, completed_at";

    private static FileRecord ReadFile(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        AgentId = NullableString(r, 2),
        SourcePath = NullableString(r, 3),
        Size = r.GetInt64(4),
        Sha256 = r.GetString(5),
        Status = r.GetString(6) == "complete" ? FileStatus.Complete : FileStatus.Uploading,
        Received = r.GetString(6) == "complete" ? r.GetInt64(4) : 0,
        RequestedBy = r.GetString(7),
        CreatedAt = FromMs(r.GetInt64(8)),
        CompletedAt = r.IsDBNull(9) ? null : FromMs(r.GetInt64(9)),
    };
}
