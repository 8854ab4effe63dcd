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
