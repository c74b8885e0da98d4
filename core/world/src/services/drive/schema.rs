//! Drive tables (applied by `world::schema::MIGRATIONS`, version 2).
//!
//! One row per file or folder in `drive_files` (Docs too: the Docs body lives in
//! `docs_documents` under the same id). The owner is a column of the file, not a permission row;
//! `drive_permissions` holds only what was shared, on the item where it was shared — folders pass
//! their permissions down to everything below them when access is computed. `drive_changes` keeps
//! the latest change number per file for the Changes API (a verifier may ignore it).
//! Stars and "last viewed" times are per user, as in Google (`drive_user_files`).

pub const V1: &str = r#"
CREATE TABLE drive_files (
    id                              TEXT PRIMARY KEY,
    name                            TEXT NOT NULL,
    mime_type                       TEXT NOT NULL,
    parent_id                       TEXT,
    owner_id                        TEXT NOT NULL,
    last_modifying_user_id          TEXT,
    description                     TEXT,
    trashed                         BOOLEAN NOT NULL DEFAULT 0,
    explicitly_trashed              BOOLEAN NOT NULL DEFAULT 0,
    trashed_time                    TEXT,
    trashing_user_id                TEXT,
    created_time                    TEXT NOT NULL,
    modified_time                   TEXT NOT NULL,
    version                         INTEGER NOT NULL DEFAULT 1,
    head_revision_id                TEXT,
    content                         TEXT,
    properties                      JSON NOT NULL DEFAULT '{}',
    app_properties                  JSON NOT NULL DEFAULT '{}',
    writers_can_share               BOOLEAN NOT NULL DEFAULT 1,
    copy_requires_writer_permission BOOLEAN NOT NULL DEFAULT 0,
    original_filename               TEXT
);
CREATE INDEX drive_files_parent ON drive_files(parent_id);
CREATE INDEX drive_files_owner ON drive_files(owner_id);
CREATE TABLE drive_user_files (
    file_id     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    starred     BOOLEAN NOT NULL DEFAULT 0,
    viewed_time TEXT,
    PRIMARY KEY (file_id, user_id)
);
CREATE TABLE drive_permissions (
    file_id              TEXT NOT NULL,
    id                   TEXT NOT NULL,
    type                 TEXT NOT NULL,
    role                 TEXT NOT NULL,
    email_address        TEXT,
    domain               TEXT,
    display_name         TEXT,
    allow_file_discovery BOOLEAN,
    expiration_time      TEXT,
    pending_owner        BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (file_id, id)
);
CREATE TABLE drive_revisions (
    file_id                TEXT NOT NULL,
    id                     TEXT NOT NULL,
    mime_type              TEXT NOT NULL,
    modified_time          TEXT NOT NULL,
    last_modifying_user_id TEXT NOT NULL,
    keep_forever           BOOLEAN NOT NULL DEFAULT 0,
    published              BOOLEAN NOT NULL DEFAULT 0,
    size                   INTEGER,
    content                TEXT,
    PRIMARY KEY (file_id, id)
);
CREATE TABLE drive_comments (
    id            TEXT PRIMARY KEY,
    file_id       TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    content       TEXT NOT NULL,
    quoted_text   TEXT,
    anchor        TEXT,
    created_time  TEXT NOT NULL,
    modified_time TEXT NOT NULL,
    resolved      BOOLEAN NOT NULL DEFAULT 0,
    deleted       BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX drive_comments_file ON drive_comments(file_id);
CREATE TABLE drive_replies (
    id            TEXT PRIMARY KEY,
    comment_id    TEXT NOT NULL,
    author_id     TEXT NOT NULL,
    content       TEXT NOT NULL,
    action        TEXT,
    created_time  TEXT NOT NULL,
    modified_time TEXT NOT NULL,
    deleted       BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX drive_replies_comment ON drive_replies(comment_id);
CREATE TABLE drive_changes (
    file_id TEXT PRIMARY KEY,
    seq     INTEGER NOT NULL,
    time    TEXT NOT NULL,
    removed BOOLEAN NOT NULL DEFAULT 0
);
"#;
