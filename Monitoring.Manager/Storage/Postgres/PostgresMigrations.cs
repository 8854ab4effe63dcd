namespace Monitoring.Manager.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, numbered as the SQLite one (<see cref="SqliteMigrations"/>): a PostgreSQL database starts
/// at the schema both engines reached when PostgreSQL arrived (9), and every later step takes the same number on
/// both. Applied under an advisory lock, so managers starting together migrate once.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>The schema version a new PostgreSQL database is created at.</summary>
    public const int Baseline = 9;

    /// <summary>The steps after the baseline, by the version they lead to (none yet).</summary>
    private static readonly IReadOnlyDictionary<int, string> Steps = new Dictionary<int, string>();

    public static int Latest => Baseline + Steps.Count;

    private const long LockKey = 0x4d6f6e69746f72; // "Monitor"

    private const string Schema = """
        CREATE TABLE agents (
            id TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            hostname TEXT, os TEXT, os_version TEXT, agent_version TEXT,
            interval_seconds DOUBLE PRECISION NOT NULL,
            labels TEXT,
            registered_at BIGINT NOT NULL,
            last_seen BIGINT,
            address TEXT,
            commands TEXT,
            enrollment TEXT NOT NULL DEFAULT 'active',
            enrolled_with TEXT,
            instance_key_hash TEXT);
        CREATE TABLE agent_seq (agent_id TEXT PRIMARY KEY, last_seq BIGINT NOT NULL);
        CREATE TABLE snapshots (
            agent_id TEXT NOT NULL,
            seq BIGINT NOT NULL,
            ts BIGINT NOT NULL,
            received_at BIGINT NOT NULL,
            data BYTEA NOT NULL,
            PRIMARY KEY (agent_id, seq));
        CREATE INDEX snapshots_by_received ON snapshots (received_at);
        CREATE TABLE snapshot_chunks (
            agent_id TEXT NOT NULL,
            last_seq BIGINT NOT NULL,
            first_seq BIGINT NOT NULL,
            start_ts BIGINT NOT NULL,
            end_ts BIGINT NOT NULL,
            count INTEGER NOT NULL,
            received_max BIGINT NOT NULL,
            data BYTEA NOT NULL,
            PRIMARY KEY (agent_id, last_seq));
        CREATE INDEX snapshot_chunks_by_time ON snapshot_chunks (agent_id, end_ts);
        CREATE INDEX snapshot_chunks_by_received ON snapshot_chunks (received_max);
        CREATE TABLE rollups (
            agent_id TEXT NOT NULL,
            tier INTEGER NOT NULL,
            period_start BIGINT NOT NULL,
            received_max BIGINT NOT NULL,
            data BYTEA NOT NULL,
            PRIMARY KEY (agent_id, tier, period_start));
        CREATE INDEX rollups_by_received ON rollups (tier, received_max);
        CREATE TABLE alerts (
            id BIGSERIAL PRIMARY KEY,
            agent_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            state TEXT NOT NULL,
            ts BIGINT NOT NULL,
            received_at BIGINT NOT NULL,
            data TEXT NOT NULL,
            severity TEXT,
            rule TEXT,
            silenced BOOLEAN NOT NULL DEFAULT FALSE,
            ack_by TEXT,
            ack_at BIGINT,
            UNIQUE (agent_id, fingerprint, state, ts));
        CREATE INDEX alerts_by_agent ON alerts (agent_id, id);
        CREATE INDEX alerts_by_received ON alerts (received_at);
        CREATE TABLE silences (
            id TEXT PRIMARY KEY,
            agent TEXT,
            rule TEXT,
            until BIGINT NOT NULL,
            reason TEXT,
            created_by TEXT,
            created_at BIGINT NOT NULL);
        CREATE TABLE commands (
            id TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL,
            name TEXT NOT NULL,
            arguments TEXT,
            status TEXT NOT NULL,
            requested_by TEXT,
            created_at BIGINT NOT NULL,
            delivered_at BIGINT,
            completed_at BIGINT,
            expires_at BIGINT NOT NULL,
            timeout_seconds INTEGER NOT NULL,
            result TEXT,
            error TEXT);
        CREATE INDEX commands_by_agent ON commands (agent_id, created_at);
        CREATE INDEX commands_by_created ON commands (created_at);
        CREATE INDEX commands_open_by_agent ON commands (agent_id) WHERE status IN ('queued', 'delivered');
        CREATE TABLE files (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            agent_id TEXT,
            source_path TEXT,
            size BIGINT NOT NULL,
            sha256 TEXT NOT NULL,
            status TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            completed_at BIGINT);
        CREATE INDEX files_by_content ON files (sha256, size);
        CREATE TABLE credentials (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            role TEXT,
            token_hash TEXT NOT NULL UNIQUE,
            created_at BIGINT NOT NULL,
            created_by TEXT,
            expires_at BIGINT,
            revoked_at BIGINT,
            max_uses INTEGER,
            uses INTEGER NOT NULL DEFAULT 0,
            id_pattern TEXT,
            labels TEXT,
            require_approval BOOLEAN NOT NULL DEFAULT FALSE);
        CREATE TABLE receivers (name TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at BIGINT NOT NULL);
        CREATE TABLE notify_events (
            id BIGSERIAL PRIMARY KEY, receiver TEXT NOT NULL, group_key TEXT NOT NULL, alert_id BIGINT NOT NULL, enqueued_at BIGINT NOT NULL);
        CREATE INDEX notify_events_by_group ON notify_events (receiver, group_key, id);
        CREATE TABLE notify_groups (
            receiver TEXT NOT NULL, group_key TEXT NOT NULL, members TEXT NOT NULL, last_sent_at BIGINT, next_check_at BIGINT,
            PRIMARY KEY (receiver, group_key));
        CREATE TABLE notifications (
            id BIGSERIAL PRIMARY KEY, receiver TEXT NOT NULL, group_key TEXT NOT NULL, state TEXT NOT NULL, repeat BOOLEAN NOT NULL,
            message TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL, next_attempt_at BIGINT, finished_at BIGINT);
        CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
        CREATE INDEX notifications_by_receiver ON notifications (receiver, id);
        CREATE TABLE notification_attempts (
            id BIGSERIAL PRIMARY KEY, notification_id BIGINT NOT NULL, receiver TEXT NOT NULL, at BIGINT NOT NULL,
            succeeded BOOLEAN NOT NULL, detail TEXT NOT NULL, duration_ms DOUBLE PRECISION NOT NULL);
        CREATE INDEX notification_attempts_by_notification ON notification_attempts (notification_id);
        CREATE INDEX notification_attempts_by_receiver ON notification_attempts (receiver, id);
        CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until BIGINT NOT NULL);
        CREATE FUNCTION monitoring_append(
            a TEXT, seqs BIGINT[], times BIGINT[], datas BYTEA[], received BIGINT, addr TEXT, touch BOOLEAN, OUT accepted INTEGER, OUT highest BIGINT)
        LANGUAGE plpgsql AS $fn$
        DECLARE
            held BIGINT;
        BEGIN
            -- One round trip per report. Two managers holding reports of one agent (a failover) number them once.
            PERFORM pg_advisory_xact_lock(hashtextextended(a, 0));
            SELECT GREATEST(COALESCE((SELECT s.last_seq FROM agent_seq s WHERE s.agent_id = a), 0),
                            COALESCE((SELECT MAX(c.last_seq) FROM snapshot_chunks c WHERE c.agent_id = a), 0),
                            COALESCE((SELECT MAX(x.seq) FROM snapshots x WHERE x.agent_id = a), 0))
              INTO held;
            -- A number at or below the highest held is a replay (an agent sends oldest first).
            INSERT INTO snapshots (agent_id, seq, ts, received_at, data)
                SELECT a, u.s, u.t, received, u.d FROM unnest(seqs, times, datas) AS u(s, t, d) WHERE u.s > held
                ON CONFLICT DO NOTHING;
            GET DIAGNOSTICS accepted = ROW_COUNT;
            IF touch THEN
                UPDATE agents SET last_seen = GREATEST(COALESCE(last_seen, 0), received), address = COALESCE(addr, address) WHERE id = a;
            END IF;
            highest := GREATEST(held, COALESCE((SELECT MAX(u.s) FROM unnest(seqs) AS u(s)), 0));
        END
        $fn$;
        """;

    /// <summary>Creates or upgrades the schema; returns the version it was at before (0 for a new database).</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer manager.</exception>
    public static Task<int> ApplyAsync(PostgresDatabase database, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await using (var lockCmd = Sql.Command(conn, tx, "SELECT pg_advisory_xact_lock(@key)", ("key", LockKey)))
        {
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        await using (var create = Sql.Command(conn, tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        int version;
        await using (var read = Sql.Command(conn, tx, "SELECT version FROM schema_version"))
        {
            version = await read.ExecuteScalarAsync(ct) is int v ? v : 0;
        }

        if (version > Latest)
        {
            throw new InvalidOperationException(
                $"The {database.Description} was written by a newer manager (schema {version}, this one knows {Latest}). Run the newer manager, or restore a backup made for this version.");
        }

        if (version == 0)
        {
            await using var schema = Sql.Command(conn, tx, Schema);
            await schema.ExecuteNonQueryAsync(ct);
            await using var insert = Sql.Command(conn, tx, "INSERT INTO schema_version VALUES (@v)", ("v", Latest));
            await insert.ExecuteNonQueryAsync(ct);
            return 0;
        }

        for (var step = version + 1; step <= Latest; step++)
        {
            await using var run = Sql.Command(conn, tx, Steps[step]);
            await run.ExecuteNonQueryAsync(ct);
        }

        await using (var update = Sql.Command(conn, tx, "UPDATE schema_version SET version = @v", ("v", Latest)))
        {
            await update.ExecuteNonQueryAsync(ct);
        }

        return version;
    }, ct);
}
