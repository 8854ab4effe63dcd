using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Manager.Security;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>Admin keys and enrollment tokens in the manager's SQLite database (through the group-commit writer: durable before it answers).</summary>
internal sealed class SqliteCredentialStore(SqliteDatabase database) : ICredentialStore
{
    public Task InitializeAsync(CancellationToken ct) => SqliteMigrations.ApplyAsync(database, ct);

    public async Task<IReadOnlyList<StoredCredential>> LoadAsync(CancellationToken ct)
    {
        await using var conn = await database.OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT id, kind, name, role, token_hash, created_at, created_by, expires_at, revoked_at, max_uses, uses, id_pattern, labels, require_approval
            FROM credentials ORDER BY created_at, id
            """;
        var result = new List<StoredCredential>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new StoredCredential
            {
                Id = r.GetString(0),
                Kind = r.GetString(1) == "key" ? CredentialKind.Key : CredentialKind.Enrollment,
                Name = r.GetString(2),
                Role = r.IsDBNull(3) ? KeyRole.Reader : WireNames.Parse(r.GetString(3), MonitoringJsonContext.Default.KeyRole) ?? KeyRole.Reader,
                TokenHash = r.GetString(4),
                CreatedAt = SqliteDatabase.FromMs(r.GetInt64(5)),
                CreatedBy = r.IsDBNull(6) ? null : r.GetString(6),
                ExpiresAt = r.IsDBNull(7) ? null : SqliteDatabase.FromMs(r.GetInt64(7)),
                RevokedAt = r.IsDBNull(8) ? null : SqliteDatabase.FromMs(r.GetInt64(8)),
                MaxUses = r.IsDBNull(9) ? null : r.GetInt32(9),
                Uses = r.GetInt32(10),
                AgentIdPattern = r.IsDBNull(11) ? null : r.GetString(11),
                Labels = r.IsDBNull(12) ? null : JsonSerializer.Deserialize(r.GetString(12), MonitoringJsonContext.Default.DictionaryStringString),
                RequireApproval = r.GetInt64(13) != 0,
            });
        }

        return result;
    }

    public Task<bool> InsertAsync(StoredCredential c, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT OR IGNORE INTO credentials (id, kind, name, role, token_hash, created_at, created_by, expires_at, max_uses, id_pattern, labels, require_approval)
            VALUES ($id, $kind, $name, $role, $hash, $created, $by, $expires, $max, $pattern, $labels, $approval)
            """;
        cmd.Parameters.AddWithValue("$id", c.Id);
        cmd.Parameters.AddWithValue("$kind", c.Kind == CredentialKind.Key ? "key" : "enrollment");
        cmd.Parameters.AddWithValue("$name", c.Name);
        cmd.Parameters.AddWithValue("$role", c.Kind == CredentialKind.Key ? WireNames.Of(c.Role, MonitoringJsonContext.Default.KeyRole) : DBNull.Value);
        cmd.Parameters.AddWithValue("$hash", c.TokenHash);
        cmd.Parameters.AddWithValue("$created", SqliteDatabase.ToMs(c.CreatedAt));
        cmd.Parameters.AddWithValue("$by", (object?)c.CreatedBy ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$expires", c.ExpiresAt is { } e ? SqliteDatabase.ToMs(e) : DBNull.Value);
        cmd.Parameters.AddWithValue("$max", (object?)c.MaxUses ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$pattern", (object?)c.AgentIdPattern ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$labels", c.Labels is null ? DBNull.Value : JsonSerializer.Serialize(new Dictionary<string, string>(c.Labels), MonitoringJsonContext.Default.DictionaryStringString));
        cmd.Parameters.AddWithValue("$approval", c.RequireApproval ? 1 : 0);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);

    public Task<bool> UpdateHashAsync(string id, string tokenHash, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE credentials SET token_hash = $hash WHERE id = $id AND revoked_at IS NULL";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$hash", tokenHash);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);

    public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE credentials SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL";
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$at", SqliteDatabase.ToMs(at));
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);

    public Task<bool> TryUseAsync(string id, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE credentials SET uses = uses + 1 WHERE id = $id AND revoked_at IS NULL AND (max_uses IS NULL OR uses < max_uses)";
        cmd.Parameters.AddWithValue("$id", id);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);
}
