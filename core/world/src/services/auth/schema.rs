//! Identity-service tables (applied by `world::schema::MIGRATIONS`, version 2).
//!
//! Clients are the OAuth applications; consents are what a user granted a client; codes, access
//! and refresh tokens live in their own tables with expiry on the world clock; the audit log
//! records what each client did. `auth_settings` holds world switches (`enforce` = `true` turns on
//! bearer-token enforcement for every service).

pub const V1: &str = r#"
CREATE TABLE auth_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE auth_clients (
    client_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    publisher TEXT NOT NULL DEFAULT '',
    verified BOOLEAN NOT NULL DEFAULT 0,
    client_type TEXT NOT NULL CHECK (client_type IN ('public', 'confidential', 'service_account')),
    secret_hash TEXT,
    redirect_uris JSON NOT NULL DEFAULT '[]',
    allowed_scopes JSON NOT NULL DEFAULT '[]',
    grant_types JSON NOT NULL DEFAULT '[]',
    access_token_ttl INTEGER NOT NULL DEFAULT 3600,
    delegation BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE auth_consents (
    user_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    scopes JSON NOT NULL,
    granted_at TEXT NOT NULL,
    last_used TEXT,
    revoked_at TEXT,
    PRIMARY KEY (user_id, client_id)
);
CREATE TABLE auth_codes (
    code TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scopes JSON NOT NULL,
    code_challenge TEXT,
    code_challenge_method TEXT,
    expires_at TEXT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT 0
);
CREATE TABLE auth_tokens (
    token TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    client_id TEXT NOT NULL,
    user_id TEXT,
    scopes JSON NOT NULL,
    issued_at TEXT NOT NULL,
    expires_at TEXT,
    revoked BOOLEAN NOT NULL DEFAULT 0,
    revoked_at TEXT,
    parent TEXT,
    actor TEXT,
    last_used TEXT
);
CREATE INDEX auth_tokens_client_user ON auth_tokens(client_id, user_id);
CREATE TABLE auth_audit (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    user_id TEXT,
    client_id TEXT,
    event TEXT NOT NULL,
    scope TEXT,
    detail JSON NOT NULL DEFAULT '{}'
);
"#;
