//! Media uploads of messages (`/upload/gmail/v1/...`): `send`, `insert`, `import` and drafts'
//! `create`/`update` take the message itself as `message/rfc822` media (`uploadType=media`), or
//! JSON metadata followed by it (`uploadType=multipart`), instead of base64url `raw` in JSON.
//! Each turns the upload into the JSON body of the plain method and runs that method; resumable
//! sessions are kept by `env0 serve`, which hands over one multipart upload.

use base64::engine::general_purpose::URL_SAFE;
use base64::Engine;
use serde_json::{json, Value};

use super::{drafts, messages};
use crate::rest::multipart::parse_multipart;
use crate::rest::{ApiError, Ctx, Reply};

/// The plain method's JSON body for this upload: the metadata with the message as `raw`
/// (under `message` for a draft).
fn json_body(ctx: &Ctx<'_>, draft: bool) -> Result<String, ApiError> {
    let body = ctx.body_bytes().unwrap_or_default();
    let (meta, media_type, message) = match ctx.query.get("uploadType").unwrap_or("media") {
        "media" => (
            json!({}),
            ctx.content_type.unwrap_or("").to_string(),
            body.to_vec(),
        ),
        "multipart" | "related" => {
            let (meta, media) = parse_multipart(body)?;
            let (media_type, message) = media.ok_or_else(|| {
                ApiError::bad_request("The multipart upload has no message part after the metadata")
            })?;
            (meta, media_type, message)
        }
        "resumable" => {
            return Err(ApiError::bad_request(
                "Resumable uploads are sessions that env0 serve keeps; a request to the world itself uses uploadType=media or multipart.",
            ))
        }
        other => return Err(ApiError::invalid_parameter("uploadType", other)),
    };
    finish(meta, &media_type, message, draft)
}

fn finish(
    mut meta: Value,
    media_type: &str,
    message: Vec<u8>,
    draft: bool,
) -> Result<String, ApiError> {
    let media_type = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !media_type.starts_with("message/") {
        return Err(ApiError::new(
            400,
            "badContent",
            format!("Media type '{media_type}' is not supported. Valid media types: [message/*]"),
        ));
    }
    if message.trim_ascii().is_empty() {
        return Err(ApiError::bad_request("The uploaded message is empty"));
    }
    if !meta.is_object() {
        return Err(ApiError::bad_request(
            "The upload's metadata must be a JSON object",
        ));
    }
    let raw = Value::String(URL_SAFE.encode(&message));
    if draft {
        match meta.get_mut("message") {
            Some(Value::Object(m)) => {
                m.insert("raw".into(), raw);
            }
            _ => meta["message"] = json!({ "raw": raw }),
        }
    } else {
        meta["raw"] = raw;
    }
    Ok(meta.to_string())
}

pub fn send(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = json_body(ctx, false)?;
    messages::send(&mut ctx.with_body(&body))
}

pub fn insert(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = json_body(ctx, false)?;
    messages::insert(&mut ctx.with_body(&body))
}

pub fn import(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = json_body(ctx, false)?;
    messages::import(&mut ctx.with_body(&body))
}

pub fn draft_create(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = json_body(ctx, true)?;
    drafts::create(&mut ctx.with_body(&body))
}

pub fn draft_update(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = json_body(ctx, true)?;
    drafts::update(&mut ctx.with_body(&body))
}
