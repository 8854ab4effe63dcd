using System.Text.Json;
using Microsoft.Data.Sqlite;
using Monitoring.Metrics;
using Monitoring.Protocol;

namespace Monitoring.Manager.Storage;

/// <summary>
/// SQLite in WAL mode with synchronous=FULL: a commit is on disk before the manager acknowledges. One writer
/// connection behind a lock (SQLite has one writer anyway); readers use pooled connections and never block it.
/// </summary>
internal sealed class SqliteMonitoringStore : IMonitoringStore
{
    public const string FileName = "monitoring.db";

    private const int SchemaVersion = 1;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;

    public SqliteMonitoringStore(string dataDirectory)
    {
        DatabasePath = Path.Combine(dataDirectory, FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken ct)
    {
        _writer = new SqliteConnection(_connectionString);
        await _writer.OpenAsync(ct);
        await ExecAsync(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;", ct);
        Internal.SecureFile.RestrictToOwner(DatabasePath);
        await ExecAsync(_writer, """
            CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS agents (
                id TEXT PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                hostname TEXT, os TEXT, os_version TEXT, agent_version TEXT,
                interval_seconds REAL NOT NULL,
                labels TEXT,
                registered_at INTEGER NOT NULL,
                last_seen INTEGER,
                address TEXT);
            CREATE TABLE IF NOT EXISTS agent_seq (agent_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS snapshots (
                agent_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                ts INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (agent_id, seq)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS snapshots_by_time ON snapshots (agent_id, ts);
            CREATE TABLE IF NOT EXISTS alerts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                agent_id TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                state TEXT NOT NULL,
                ts INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                data TEXT NOT NULL,
                UNIQUE (agent_id, fingerprint, state, ts));
            CREATE INDEX IF NOT EXISTS alerts_by_agent ON alerts (agent_id, id);
            """, ct);
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = "SELECT version FROM schema_version";
        var version = await cmd.ExecuteScalarAsync(ct);
        if (version is null)
        {
            await ExecAsync(_writer, $"INSERT INTO schema_version VALUES ({SchemaVersion})", ct);
        }
        else if (Convert.ToInt32(version, System.Globalization.CultureInfo.InvariantCulture) > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"{DatabasePath} was written by a newer manager (schema {version}, this one knows {SchemaVersion}). Run the newer manager.");
        }
    }

    public async Task<IReadOnlyList<(StoredAgent Agent, MetricSnapshot? Latest)>> LoadAgentsAsync(CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = """
            SELECT a.id, a.token_hash, a.hostname, a.os, a.os_version, a.agent_version, a.interval_seconds, a.labels,
                   a.registered_at, a.last_seen, a.address, COALESCE(s.last_seq, 0),
                   (SELECT data FROM snapshots WHERE agent_id = a.id ORDER BY seq DESC LIMIT 1)
            FROM agents a LEFT JOIN agent_seq s ON s.agent_id = a.id
            """;
        var result = new List<(StoredAgent, MetricSnapshot?)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var agent = new StoredAgent
            {
                Id = reader.GetString(0),
                TokenHash = reader.GetString(1),
                Hostname = NullableString(reader, 2),
                Os = NullableString(reader, 3),
                OsVersion = NullableString(reader, 4),
                AgentVersion = NullableString(reader, 5),
                IntervalSeconds = reader.GetDouble(6),
                Labels = reader.IsDBNull(7) ? null : JsonSerializer.Deserialize(reader.GetString(7), MonitoringJsonContext.Default.DictionaryStringString),
                RegisteredAt = FromMs(reader.GetInt64(8)),
                LastSeen = reader.IsDBNull(9) ? null : FromMs(reader.GetInt64(9)),
                Address = NullableString(reader, 10),
                LastSeq = reader.GetInt64(11),
            };
            var latest = reader.IsDBNull(12) ? null : JsonSerializer.Deserialize(reader.GetString(12), MonitoringJsonContext.Default.MetricSnapshot);
            result.Add((agent, latest));
        }

        return result;
    }

    public Task SaveAgentAsync(StoredAgent agent, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO agents (id, token_hash, hostname, os, os_version, agent_version, interval_seconds, labels, registered_at, last_seen, address)
            VALUES ($id, $hash, $host, $os, $osv, $ver, $interval, $labels, $reg, $seen, $addr)
            ON CONFLICT (id) DO UPDATE SET token_hash = $hash, hostname = $host, os = $os, os_version = $osv,
                agent_version = $ver, interval_seconds = $interval, labels = $labels, last_seen = $seen, address = $addr
            """;
        cmd.Parameters.AddWithValue("$id", agent.Id);
        cmd.Parameters.AddWithValue("$hash", agent.TokenHash);
        cmd.Parameters.AddWithValue("$host", (object?)agent.Hostname ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$os", (object?)agent.Os ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$osv", (object?)agent.OsVersion ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$ver", (object?)agent.AgentVersion ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$interval", agent.IntervalSeconds);
        cmd.Parameters.AddWithValue("$labels", agent.Labels is null ? DBNull.Value : JsonSerializer.Serialize(new Dictionary<string, string>(agent.Labels), MonitoringJsonContext.Default.DictionaryStringString));
        cmd.Parameters.AddWithValue("$reg", ToMs(agent.RegisteredAt));
        cmd.Parameters.AddWithValue("$seen", agent.LastSeen is { } seen ? ToMs(seen) : DBNull.Value);
        cmd.Parameters.AddWithValue("$addr", (object?)agent.Address ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
        return 0;
    }, ct);

    public Task<bool> DeleteAgentAsync(string id, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM agents WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }, ct);

    public async Task<long> GetLastSeqAsync(string agentId, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT last_seq FROM agent_seq WHERE agent_id = $id";
        cmd.Parameters.AddWithValue("$id", agentId);
        return await cmd.ExecuteScalarAsync(ct) is long seq ? seq : 0;
    }

    public Task<AppendResult> AppendSnapshotsAsync(
        string agentId, IReadOnlyList<MetricSnapshot> snapshots, DateTimeOffset receivedAt, string? address, CancellationToken ct) =>
        WriteAsync(async (conn, tx) =>
        {
            var accepted = 0;
            long maxSeq = 0;
            using (var insert = conn.CreateCommand())
            {
                insert.Transaction = tx;
                insert.CommandText = "INSERT OR IGNORE INTO snapshots (agent_id, seq, ts, received_at, data) VALUES ($a, $s, $t, $r, $d)";
                var pa = insert.Parameters.Add("$a", SqliteType.Text);
                var ps = insert.Parameters.Add("$s", SqliteType.Integer);
                var pt = insert.Parameters.Add("$t", SqliteType.Integer);
                var pr = insert.Parameters.Add("$r", SqliteType.Integer);
                var pd = insert.Parameters.Add("$d", SqliteType.Text);
                foreach (var s in snapshots)
                {
                    pa.Value = agentId;
                    ps.Value = s.Seq;
                    pt.Value = ToMs(s.Timestamp);
                    pr.Value = ToMs(receivedAt);
                    pd.Value = JsonSerializer.Serialize(s, MonitoringJsonContext.Default.MetricSnapshot);
                    accepted += await insert.ExecuteNonQueryAsync(ct);
                    maxSeq = Math.Max(maxSeq, s.Seq);
                }
            }

            using (var update = conn.CreateCommand())
            {
                update.Transaction = tx;
                update.CommandText = """
                    INSERT INTO agent_seq (agent_id, last_seq) VALUES ($a, $s)
                        ON CONFLICT (agent_id) DO UPDATE SET last_seq = MAX(last_seq, $s);
                    UPDATE agents SET last_seen = $r, address = COALESCE($addr, address) WHERE id = $a;
                    SELECT last_seq FROM agent_seq WHERE agent_id = $a;
                    """;
                update.Parameters.AddWithValue("$a", agentId);
                update.Parameters.AddWithValue("$s", maxSeq);
                update.Parameters.AddWithValue("$r", ToMs(receivedAt));
                update.Parameters.AddWithValue("$addr", (object?)address ?? DBNull.Value);
                var last = (long)(await update.ExecuteScalarAsync(ct))!;
                return new AppendResult(accepted, snapshots.Count - accepted, last);
            }
        }, ct);

    public async Task<IReadOnlyList<MetricSnapshot>> GetSnapshotsAsync(
        string agentId, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = from is null && to is null
            ? "SELECT data FROM snapshots WHERE agent_id = $a ORDER BY seq DESC LIMIT $n"
            : "SELECT data FROM snapshots WHERE agent_id = $a AND ts >= $from AND ts <= $to ORDER BY ts DESC, seq DESC LIMIT $n";
        cmd.Parameters.AddWithValue("$a", agentId);
        cmd.Parameters.AddWithValue("$from", from is { } f ? ToMs(f) : long.MinValue);
        cmd.Parameters.AddWithValue("$to", to is { } t ? ToMs(t) : long.MaxValue);
        cmd.Parameters.AddWithValue("$n", limit);
        var result = new List<MetricSnapshot>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(JsonSerializer.Deserialize(reader.GetString(0), MonitoringJsonContext.Default.MetricSnapshot)!);
        }

        return result;
    }

    public Task<IReadOnlyList<AlertTransition>> AppendAlertsAsync(
        string agentId, IReadOnlyList<AlertTransition> transitions, DateTimeOffset receivedAt, CancellationToken ct) =>
        WriteAsync<IReadOnlyList<AlertTransition>>(async (conn, tx) =>
        {
            var accepted = new List<AlertTransition>();
            using var insert = conn.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT OR IGNORE INTO alerts (agent_id, fingerprint, state, ts, received_at, data) VALUES ($a, $f, $s, $t, $r, $d)";
            var pa = insert.Parameters.Add("$a", SqliteType.Text);
            var pf = insert.Parameters.Add("$f", SqliteType.Text);
            var ps = insert.Parameters.Add("$s", SqliteType.Text);
            var pt = insert.Parameters.Add("$t", SqliteType.Integer);
            var pr = insert.Parameters.Add("$r", SqliteType.Integer);
            var pd = insert.Parameters.Add("$d", SqliteType.Text);
            foreach (var a in transitions)
            {
                pa.Value = agentId;
                pf.Value = a.Fingerprint;
                ps.Value = a.State == AlertState.Firing ? "firing" : "resolved";
                pt.Value = ToMs(a.Timestamp);
                pr.Value = ToMs(receivedAt);
                pd.Value = JsonSerializer.Serialize(a, MonitoringJsonContext.Default.AlertTransition);
                if (await insert.ExecuteNonQueryAsync(ct) > 0)
                {
                    accepted.Add(a);
                }
            }

            return accepted;
        }, ct);

    public async Task<IReadOnlyList<AlertRecord>> GetAlertsAsync(string? agentId, int limit, CancellationToken ct)
    {
        await using var conn = await OpenReaderAsync(ct);
        using var cmd = conn.CreateCommand();
        cmd.CommandText = agentId is null
            ? "SELECT id, agent_id, received_at, data FROM alerts ORDER BY id DESC LIMIT $n"
            : "SELECT id, agent_id, received_at, data FROM alerts WHERE agent_id = $a ORDER BY id DESC LIMIT $n";
        cmd.Parameters.AddWithValue("$a", (object?)agentId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$n", limit);
        var result = new List<AlertRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new AlertRecord
            {
                Id = reader.GetInt64(0),
                AgentId = reader.GetString(1),
                ReceivedAt = FromMs(reader.GetInt64(2)),
                Transition = JsonSerializer.Deserialize(reader.GetString(3), MonitoringJsonContext.Default.AlertTransition)!,
            });
        }

        return result;
    }

    public Task<int> PurgeSnapshotsAsync(DateTimeOffset cutoff, CancellationToken ct) => WriteAsync(async (conn, tx) =>
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "DELETE FROM snapshots WHERE ts < $cutoff";
        cmd.Parameters.AddWithValue("$cutoff", ToMs(cutoff));
        return await cmd.ExecuteNonQueryAsync(ct);
    }, ct);

    public void Dispose()
    {
        _writer?.Dispose();
        _writeLock.Dispose();
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        var conn = _writer ?? throw new InvalidOperationException("The store is not initialized.");
        await _writeLock.WaitAsync(ct);
        try
        {
            using var tx = conn.BeginTransaction();
            var result = await work(conn, tx);
            tx.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken ct)
    {
        var conn = new SqliteConnection(_connectionString);
        await conn.OpenAsync(ct);
        return conn;
    }

    private static async Task ExecAsync(SqliteConnection conn, string sql, CancellationToken ct)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long ToMs(DateTimeOffset t) => t.ToUnixTimeMilliseconds();

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
