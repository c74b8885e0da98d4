//! `about.get`: the acting user, quota and the formats Drive converts between.

use serde_json::{json, Map, Value};

use super::common::{self, masked};
use super::model::{is_native, Content, DOCUMENT, PRESENTATION, SPREADSHEET};
use super::render::{export_formats, user_json};
use crate::rest::{ApiError, Ctx, Reply};

/// GET /drive/v3/about
pub fn get(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let store = common::store(ctx)?;
    let usage: usize = store
        .files
        .values()
        .filter(|f| f.owner_id == ctx.user.id && !is_native(&f.mime_type))
        .map(|f| f.content.as_ref().map(Content::len).unwrap_or(0))
        .sum();
    let trash: usize = store
        .files
        .values()
        .filter(|f| f.owner_id == ctx.user.id && f.trashed && !is_native(&f.mime_type))
        .map(|f| f.content.as_ref().map(Content::len).unwrap_or(0))
        .sum();
    let mut exports = Map::new();
    for m in [
        DOCUMENT,
        SPREADSHEET,
        PRESENTATION,
        "application/vnd.google-apps.drawing",
    ] {
        exports.insert(m.into(), json!(export_formats(m)));
    }
    let imports = json!({
        "text/plain": [DOCUMENT],
        "text/html": [DOCUMENT],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": [DOCUMENT],
        "text/csv": [SPREADSHEET],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [SPREADSHEET],
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": [PRESENTATION],
    });
    let out = json!({
        "kind": "drive#about",
        "user": user_json(&store, &ctx.user.id, ctx.user),
        "storageQuota": {
            "limit": "16106127360",
            "usage": usage.to_string(),
            "usageInDrive": usage.to_string(),
            "usageInDriveTrash": trash.to_string(),
        },
        "maxUploadSize": "5242880000000",
        "appInstalled": false,
        "canCreateDrives": true,
        "exportFormats": Value::Object(exports),
        "importFormats": imports,
        "maxImportSizes": {DOCUMENT: "10485760", SPREADSHEET: "104857600", PRESENTATION: "104857600"},
        "folderColorPalette": ["#ac725e", "#d06b64", "#f83a22", "#fa573c", "#ff7537", "#ffad46", "#42d692", "#16a765", "#7bd148", "#b3dc6c", "#fbe983", "#fad165", "#92e1c0", "#9fe1e7", "#9fc6e7", "#4986e7", "#9a9cff", "#b99aff", "#c2c2c2", "#cabdbf", "#cca6ac", "#f691b2", "#cd74e6", "#a47ae2"],
    });
    Ok(Reply::ok(masked(ctx, out)?))
}
