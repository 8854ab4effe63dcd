using System.Text.Json;
using Monitoring.Manager.Security;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage.Postgres;

/// <summary>Admin keys and enrollment tokens (hashes only) on PostgreSQL.</summary>
internal sealed class PostgresCredentialStore(PostgresDatabase database) : ICredentialStore
{
    public Task InitializeAsync(CancellationToken ct) => PostgresMigrations.ApplyAsync(database, ct);

    public Task<IReadOnlyList<StoredCredential>> LoadAsync(CancellationToken ct) => database.ReadAsync<IReadOnlyList<StoredCredential>>(async conn =>
    {
        await using var cmd = Sql.Command(conn, null, """
            SELECT id, kind, name, role, token_hash, created_at, created_by, expires_at, revoked_at, max_uses, uses, id_pattern, labels, require_approval
            FROM credentials ORDER BY created_at, id
            """);
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
                CreatedAt = PostgresDatabase.FromMs(r.GetInt64(5)),
                CreatedBy = Sql.Text(r, 6),
                ExpiresAt = Sql.Time(r, 7),
                RevokedAt = Sql.Time(r, 8),
                MaxUses = r.IsDBNull(9) ? null : r.GetInt32(9),
                Uses = r.GetInt32(10),
                AgentIdPattern = Sql.Text(r, 11),
                Labels = r.IsDBNull(12) ? null : JsonSerializer.Deserialize(r.GetString(12), MonitoringJsonContext.Default.DictionaryStringString),
                RequireApproval = r.GetBoolean(13),
            });
        }

        return result;
    }, ct);

    public Task<bool> InsertAsync(StoredCredential c, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx, """
            INSERT INTO credentials (id, kind, name, role, token_hash, created_at, created_by, expires_at, max_uses, id_pattern, labels, require_approval)
            VALUES (@id, @kind, @name, @role, @hash, @created, @by, @expires, @max, @pattern, @labels, @approval)
            ON CONFLICT DO NOTHING
            """,
            ("id", c.Id),
            ("kind", c.Kind == CredentialKind.Key ? "key" : "enrollment"),
            ("name", c.Name),
            ("role", c.Kind == CredentialKind.Key ? WireNames.Of(c.Role, MonitoringJsonContext.Default.KeyRole) : null),
            ("hash", c.TokenHash),
            ("created", PostgresDatabase.ToMs(c.CreatedAt)),
            ("by", c.CreatedBy),
            ("expires", Sql.Ms(c.ExpiresAt)),
            ("max", c.MaxUses),
            ("pattern", c.AgentIdPattern),
            ("labels", c.Labels is null ? null : JsonSerializer.Serialize(new Dictionary<string, string>(c.Labels), MonitoringJsonContext.Default.DictionaryStringString)),
            ("approval", c.RequireApproval));
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);

    public Task<bool> UpdateHashAsync(string id, string tokenHash, CancellationToken ct) =>
        ExecuteAsync("UPDATE credentials SET token_hash = @hash WHERE id = @id AND revoked_at IS NULL", ct, ("id", id), ("hash", tokenHash));

    public Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken ct) =>
        ExecuteAsync("UPDATE credentials SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", ct, ("id", id), ("at", PostgresDatabase.ToMs(at)));

    public Task<bool> TryUseAsync(string id, CancellationToken ct) =>
        ExecuteAsync("UPDATE credentials SET uses = uses + 1 WHERE id = @id AND revoked_at IS NULL AND (max_uses IS NULL OR uses < max_uses)", ct, ("id", id));

    private Task<bool> ExecuteAsync(string sql, CancellationToken ct, params (string, object?)[] parameters) => database.WriteAsync(async (conn, tx) =>
    {
        await using var cmd = Sql.Command(conn, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);
}
