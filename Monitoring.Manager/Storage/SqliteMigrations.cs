using Microsoft.Data.Sqlite;

namespace Monitoring.Manager.Storage;

/// <summary>
/// The database's schema as numbered steps, applied in order at start inside one transaction; <c>schema_version</c>
/// records the last one applied. A database from an older manager upgrades in place; one from a newer manager is
/// refused rather than misread. Add a step at the end; never change one that has shipped.
/// </summary>
internal static class SqliteMigrations
{
    /// <summary>The schema this build writes.</summary>
    public static int Latest => Steps.Length;

    private static readonly string[] Steps =
    [
        // 1: agents, sequence numbers, snapshots as JSON rows, alerts, commands, silences, files.
        """
        CREATE TABLE IF NOT EXISTS agents (
            id TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            hostname TEXT, os TEXT, os_version TEXT, agent_version TEXT,
            interval_seconds REAL NOT NULL,
            labels TEXT,
            registered_at INTEGER NOT NULL,
            last_seen INTEGER,
            address TEXT,
            commands TEXT);
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
            silenced INTEGER NOT NULL DEFAULT 0,
            ack_by TEXT,
            ack_at INTEGER,
            UNIQUE (agent_id, fingerprint, state, ts));
        CREATE INDEX IF NOT EXISTS alerts_by_agent ON alerts (agent_id, id);
        CREATE TABLE IF NOT EXISTS commands (
            id TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL,
            name TEXT NOT NULL,
            arguments TEXT,
            status TEXT NOT NULL,
            requested_by TEXT,
            created_at INTEGER NOT NULL,
            delivered_at INTEGER,
            completed_at INTEGER,
            expires_at INTEGER NOT NULL,
            timeout_seconds INTEGER NOT NULL,
            result TEXT,
            error TEXT);
        CREATE INDEX IF NOT EXISTS commands_by_agent ON commands (agent_id, created_at);
        CREATE INDEX IF NOT EXISTS commands_open ON commands (status) WHERE status IN ('queued', 'delivered');
        CREATE TABLE IF NOT EXISTS silences (
            id TEXT PRIMARY KEY,
            agent TEXT,
            rule TEXT,
            until INTEGER NOT NULL,
            reason TEXT,
            created_by TEXT,
            created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS files (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            agent_id TEXT,
            source_path TEXT,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            status TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            completed_at INTEGER);
        CREATE INDEX IF NOT EXISTS files_by_content ON files (sha256, size);
        """,

        // 2: enrollment state per agent; admin keys and enrollment tokens.
        """
        ALTER TABLE agents ADD COLUMN enrollment TEXT NOT NULL DEFAULT 'active';
        ALTER TABLE agents ADD COLUMN enrolled_with TEXT;
        CREATE TABLE credentials (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            role TEXT,
            token_hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            created_by TEXT,
            expires_at INTEGER,
            revoked_at INTEGER,
            max_uses INTEGER,
            uses INTEGER NOT NULL DEFAULT 0,
            id_pattern TEXT,
            labels TEXT,
            require_approval INTEGER NOT NULL DEFAULT 0);
        """,

        // 3: compact history chunks (rows stay only until sealed), and a cheap lookup of an agent's open commands.
        """
        CREATE TABLE snapshot_chunks (
            agent_id TEXT NOT NULL,
            last_seq INTEGER NOT NULL,
            first_seq INTEGER NOT NULL,
            start_ts INTEGER NOT NULL,
            end_ts INTEGER NOT NULL,
            count INTEGER NOT NULL,
            received_max INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (agent_id, last_seq)) WITHOUT ROWID;
        CREATE INDEX snapshot_chunks_by_time ON snapshot_chunks (agent_id, end_ts);
        CREATE INDEX snapshot_chunks_by_received ON snapshot_chunks (received_max);
        DROP INDEX IF EXISTS snapshots_by_time;
        CREATE INDEX commands_open_by_agent ON commands (agent_id) WHERE status IN ('queued', 'delivered');
        """,

        // 4: rollup tiers: 1-minute buckets an hour a row, 1-hour buckets a day a row, each with min, sum and max per metric.
        """
        CREATE TABLE rollups (
            agent_id TEXT NOT NULL,
            tier INTEGER NOT NULL,
            period_start INTEGER NOT NULL,
            received_max INTEGER NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (agent_id, tier, period_start)) WITHOUT ROWID;
        CREATE INDEX rollups_by_received ON rollups (tier, received_max);
        """,

        // 5: the hash of each installation's instance key, to tell a retrying enrollment from a takeover.
        """
        ALTER TABLE agents ADD COLUMN instance_key_hash TEXT;
        """,

        // 6: unsealed snapshots in a table that grows at its end (rowid order is arrival order) with a small unique index
        // by agent and sequence number: a report now writes its row beside the reports that came with it, and one
        // index entry, instead of its own page of a table clustered by agent (split every other report). The index by
        // arrival grows at its end too, and lets sealing and retention find old rows without reading every row.
        """
        CREATE TABLE snapshots_by_arrival (
            agent_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            ts INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            data TEXT NOT NULL);
        INSERT INTO snapshots_by_arrival (agent_id, seq, ts, received_at, data)
            SELECT agent_id, seq, ts, received_at, data FROM snapshots ORDER BY received_at, agent_id, seq;
        DROP TABLE snapshots;
        ALTER TABLE snapshots_by_arrival RENAME TO snapshots;
        CREATE UNIQUE INDEX snapshots_by_seq ON snapshots (agent_id, seq);
        CREATE INDEX snapshots_by_arrival ON snapshots (received_at, agent_id);
        """,

        // 7: no index on unsealed snapshots: the manager keeps where each agent's rows are in memory (UnsealedRows),
        // refuses a replay by the agent's highest sequence number, and finds rows by rowid. A report now writes its
        // row at the table's end and nothing else.
        """
        DROP INDEX IF EXISTS snapshots_by_seq;
        DROP INDEX IF EXISTS snapshots_by_arrival;
        """,

        // 8: the newest commands across the fleet (the dashboard's command history) without sorting them all.
        """
        CREATE INDEX commands_by_created ON commands (created_at);
        """,

        // 9: alert notifications. Receivers made through the API (their secrets too: the database is owner-only);
        // transitions waiting to be folded into their receiver's group (written with the alert, in its commit);
        // groups; the outbox of messages and every delivery attempt.
        """
        CREATE TABLE receivers (name TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at INTEGER NOT NULL);
        CREATE TABLE notify_events (
            id INTEGER PRIMARY KEY, receiver TEXT NOT NULL, group_key TEXT NOT NULL, alert_id INTEGER NOT NULL, enqueued_at INTEGER NOT NULL);
        CREATE INDEX notify_events_by_group ON notify_events (receiver, group_key, id);
        CREATE TABLE notify_groups (
            receiver TEXT NOT NULL, group_key TEXT NOT NULL, members TEXT NOT NULL, last_sent_at INTEGER, next_check_at INTEGER,
            PRIMARY KEY (receiver, group_key));
        CREATE TABLE notifications (
            id INTEGER PRIMARY KEY, receiver TEXT NOT NULL, group_key TEXT NOT NULL, state TEXT NOT NULL, repeat INTEGER NOT NULL,
            message TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, next_attempt_at INTEGER, finished_at INTEGER);
        CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
        CREATE INDEX notifications_by_receiver ON notifications (receiver, id);
        CREATE TABLE notification_attempts (
            id INTEGER PRIMARY KEY, notification_id INTEGER NOT NULL, receiver TEXT NOT NULL, at INTEGER NOT NULL,
            succeeded INTEGER NOT NULL, detail TEXT NOT NULL, duration_ms REAL NOT NULL);
        CREATE INDEX notification_attempts_by_notification ON notification_attempts (notification_id);
        CREATE INDEX notification_attempts_by_receiver ON notification_attempts (receiver, id);
        """,
    ];

    /// <summary>Applies the steps the database lacks; returns the version it was at before.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer manager.</exception>
    public static Task<int> ApplyAsync(SqliteDatabase database, CancellationToken ct) => database.WriteAsync(async (conn, tx) =>
    {
        await SqliteDatabase.ExecAsync(conn, tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", ct);
        using var read = conn.CreateCommand();
        read.Transaction = tx;
        read.CommandText = "SELECT version FROM schema_version";
        var stored = await read.ExecuteScalarAsync(ct);
        var version = stored is null ? 0 : Convert.ToInt32(stored, System.Globalization.CultureInfo.InvariantCulture);
        if (version > Latest)
        {
            throw new InvalidOperationException(
                $"{database.DatabasePath} was written by a newer manager (schema {version}, this one knows {Latest}). Run the newer manager, or restore a backup made for this version.");
        }

        for (var step = version; step < Latest; step++)
        {
            await SqliteDatabase.ExecAsync(conn, tx, Steps[step], ct);
        }

        await SqliteDatabase.ExecAsync(conn, tx, stored is null
            ? $"INSERT INTO schema_version VALUES ({Latest})"
            : $"UPDATE schema_version SET version = {Latest}", ct);
        return version;
    }, ct);
}
