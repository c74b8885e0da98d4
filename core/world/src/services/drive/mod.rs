//! Google Drive v3: files, `q` search, sharing with access control per acting user, revisions,
//! comments and replies, changes and about. Docs are Drive files (see `services::docs`).
//!
//! Where it differs from Drive:
//! - Content is kept as it came: UTF-8 text as TEXT (searched by `fullText`), other bytes as a
//!   BLOB (never searched; Google indexes some binary formats). Docs Editors files hold text
//!   only: bytes that are not UTF-8 are a 400 there. `md5Checksum` is a SHA-256 prefix, not MD5.
//! - Uploads: `uploadType=media` and `multipart` here; `resumable` is a session protocol that
//!   `env0 serve` keeps and hands to this service as one multipart upload.
//! - A list loads every file of the world per request (fine at seeded sizes: 550 files, 1.7 ms).

pub mod about;
pub mod changes;
pub mod comments;
pub mod common;
pub mod fields;
pub mod files;
pub mod list;
pub mod meta;
pub mod model;
pub mod needles;
pub mod permissions;
pub mod query;
pub mod render;
pub mod revisions;
pub mod schema;
pub mod seed;
pub mod seed_content;

use crate::rest::{Method, Route};

pub fn routes() -> Vec<Route> {
    use Method::{Delete, Get, Patch, Post};
    const F: &str = "/drive/v3/files/{fileId}";
    let _ = F;
    vec![
        Route::new(Get, "/drive/v3/about", about::get),
        Route::new(Get, "/drive/v3/files", list::list),
        Route::new(Post, "/drive/v3/files", files::create),
        Route::new(Post, "/upload/drive/v3/files", files::upload_create),
        Route::new(Get, "/drive/v3/files/generateIds", files::generate_ids),
        Route::new(Delete, "/drive/v3/files/trash", files::empty_trash),
        Route::new(Get, "/drive/v3/files/{fileId}", files::get),
        Route::new(Patch, "/drive/v3/files/{fileId}", files::update),
        Route::new(
            Patch,
            "/upload/drive/v3/files/{fileId}",
            files::upload_update,
        ),
        Route::new(Delete, "/drive/v3/files/{fileId}", files::delete),
        Route::new(Post, "/drive/v3/files/{fileId}/copy", files::copy),
        Route::new(Get, "/drive/v3/files/{fileId}/export", files::export),
        Route::new(
            Get,
            "/drive/v3/files/{fileId}/permissions",
            permissions::list,
        ),
        Route::new(
            Post,
            "/drive/v3/files/{fileId}/permissions",
            permissions::create,
        ),
        Route::new(
            Get,
            "/drive/v3/files/{fileId}/permissions/{permissionId}",
            permissions::get,
        ),
        Route::new(
            Patch,
            "/drive/v3/files/{fileId}/permissions/{permissionId}",
            permissions::update,
        ),
        Route::new(
            Delete,
            "/drive/v3/files/{fileId}/permissions/{permissionId}",
            permissions::delete,
        ),
        Route::new(Get, "/drive/v3/files/{fileId}/revisions", revisions::list),
        Route::new(
            Get,
            "/drive/v3/files/{fileId}/revisions/{revisionId}",
            revisions::get,
        ),
        Route::new(
            Patch,
            "/drive/v3/files/{fileId}/revisions/{revisionId}",
            revisions::update,
        ),
        Route::new(
            Delete,
            "/drive/v3/files/{fileId}/revisions/{revisionId}",
            revisions::delete,
        ),
        Route::new(Get, "/drive/v3/files/{fileId}/comments", comments::list),
        Route::new(Post, "/drive/v3/files/{fileId}/comments", comments::create),
        Route::new(
            Get,
            "/drive/v3/files/{fileId}/comments/{commentId}",
            comments::get,
        ),
        Route::new(
            Patch,
            "/drive/v3/files/{fileId}/comments/{commentId}",
            comments::update,
        ),
        Route::new(
            Delete,
            "/drive/v3/files/{fileId}/comments/{commentId}",
            comments::delete,
        ),
        Route::new(
            Get,
            "/drive/v3/files/{fileId}/comments/{commentId}/replies",
            comments::list_replies,
        ),
        Route::new(
            Post,
            "/drive/v3/files/{fileId}/comments/{commentId}/replies",
            comments::create_reply,
        ),
        Route::new(
            Get,
            "/drive/v3/files/{fileId}/comments/{commentId}/replies/{replyId}",
            comments::get_reply,
        ),
        Route::new(
            Patch,
            "/drive/v3/files/{fileId}/comments/{commentId}/replies/{replyId}",
            comments::update_reply,
        ),
        Route::new(
            Delete,
            "/drive/v3/files/{fileId}/comments/{commentId}/replies/{replyId}",
            comments::delete_reply,
        ),
        Route::new(
            Get,
            "/drive/v3/changes/startPageToken",
            changes::start_page_token,
        ),
        Route::new(Get, "/drive/v3/changes", changes::list),
    ]
}
