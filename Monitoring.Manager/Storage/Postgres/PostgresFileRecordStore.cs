using Monitoring.Protocol;
using Npgsql;

namespace Monitoring.Manager.Storage.Postgres;

/// <summary>The records of stored files on PostgreSQL (the bytes are in the file store's directory, shared by the managers).</summary>
internal sealed class PostgresFileRecordStore(PostgresDatabase database) : IFileRecordStore
{
    private const string FileColumns = "id, name, agent_id, source_path, size, sha256, status, requested_by, created_at, completed_at";

    public Task InitializeAsync(CancellationToken ct) => PostgresMigrations.ApplyAsync(database, ct);

    public Task InsertFileAsync(FileRecord file, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx, """
            INSERT INTO files (id, name, agent_id, source_path, size, sha256, status, requested_by, created_at, completed_at)
            VALUES (@id, @name, @agent, @source, @size, @sha, @status, @by, @created, @completed)
            """,
            ("id", file.Id), ("name", file.Name), ("agent", file.AgentId), ("source", file.SourcePath), ("size", file.Size), ("sha", file.Sha256),
            ("status", file.Status == FileStatus.Complete ? "complete" : "uploading"), ("by", file.RequestedBy ?? ""),
            ("created", PostgresDatabase.ToMs(file.CreatedAt)), ("completed", Sql.Ms(file.CompletedAt)));
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public Task<FileRecord?> GetFileAsync(string id, CancellationToken ct) => database.ReadAsync(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, $"SELECT {FileColumns} FROM files WHERE id = @id", ("id", id));
        return (await ReadFilesAsync(cmd, ct)).FirstOrDefault();
    }, ct);

    public Task<IReadOnlyList<FileRecord>> ListFilesAsync(int limit, CancellationToken ct) => database.ReadAsync(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, $"SELECT {FileColumns} FROM files ORDER BY created_at DESC, id DESC LIMIT @n", ("n", limit));
        return await ReadFilesAsync(cmd, ct);
    }, ct);

    public Task<FileRecord?> FindFileAsync(string? agentId, string requestedBy, string origin, string sha256, long size, CancellationToken ct) => database.ReadAsync(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, $"""
            SELECT {FileColumns} FROM files
            WHERE sha256 = @sha AND size = @size AND requested_by = @by AND agent_id IS NOT DISTINCT FROM @agent::text AND COALESCE(source_path, name) = @origin
            ORDER BY status = 'complete' DESC, created_at DESC LIMIT 1
            """, ("sha", sha256), ("size", size), ("by", requestedBy), ("agent", agentId), ("origin", origin));
        return (await ReadFilesAsync(cmd, ct)).FirstOrDefault();
    }, ct);

    public Task MarkFileCompleteAsync(string id, DateTimeOffset now, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx, "UPDATE files SET status = 'complete', completed_at = @now WHERE id = @id", ("id", id), ("now", PostgresDatabase.ToMs(now)));
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public Task<bool> DeleteFileAsync(string id, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx, "DELETE FROM files WHERE id = @id", ("id", id));
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);

    public Task<bool> IsFileOfferedToAsync(string fileId, string agentId, CancellationToken ct) => database.ReadAsync(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, """
            SELECT 1 FROM commands
            WHERE agent_id = @a AND name = 'receive_file' AND status IN ('queued', 'delivered') AND arguments::jsonb ->> 'fileId' = @f
            LIMIT 1
            """, ("a", agentId), ("f", fileId));
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }, ct);

    public Task<(long AgentBytes, long TotalBytes)> GetFileUsageAsync(string? agentId, CancellationToken ct) => database.ReadAsync(async conn =>
    {
        await using var cmd = Sql.Command(conn, null,
            "SELECT COALESCE(SUM(CASE WHEN agent_id = @a::text THEN size END), 0)::bigint, COALESCE(SUM(size), 0)::bigint FROM files", ("a", agentId));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetInt64(1));
    }, ct);

    public Task<IReadOnlyList<string>> ListStaleUploadsAsync(DateTimeOffset cutoff, CancellationToken ct) => database.ReadAsync(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, "SELECT id FROM files WHERE status = 'uploading' AND created_at < @cutoff LIMIT 1000", ("cutoff", PostgresDatabase.ToMs(cutoff)));
        return await ReadIdsAsync(cmd, ct);
    }, ct);

    public Task<IReadOnlyList<string>> ListExpiredFilesAsync(DateTimeOffset cutoff, CancellationToken ct) => database.ReadAsync(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, """
            SELECT f.id FROM files f
            WHERE f.status = 'complete' AND COALESCE(f.completed_at, f.created_at) < @cutoff
              AND NOT EXISTS (SELECT 1 FROM commands c WHERE c.name = 'receive_file' AND c.status IN ('queued', 'delivered') AND c.arguments::jsonb ->> 'fileId' = f.id)
            LIMIT 1000
            """, ("cutoff", PostgresDatabase.ToMs(cutoff)));
        return await ReadIdsAsync(cmd, ct);
    }, ct);

    private static async Task<IReadOnlyList<string>> ReadIdsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var ids = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            ids.Add(r.GetString(0));
        }

        return ids;
    }

    private static async Task<IReadOnlyList<FileRecord>> ReadFilesAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var result = new List<FileRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var complete = r.GetString(6) == "complete";
            result.Add(new FileRecord
            {
                Id = r.GetString(0),
                Name = r.GetString(1),
                AgentId = Sql.Text(r, 2),
                SourcePath = Sql.Text(r, 3),
                Size = r.GetInt64(4),
                Sha256 = r.GetString(5),
                Status = complete ? FileStatus.Complete : FileStatus.Uploading,
                Received = complete ? r.GetInt64(4) : 0,
                RequestedBy = r.GetString(7),
                CreatedAt = PostgresDatabase.FromMs(r.GetInt64(8)),
                CompletedAt = Sql.Time(r, 9),
            });
        }

        return result;
    }
}
