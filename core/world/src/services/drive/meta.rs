//! Parsing of File metadata in create/update/copy bodies and of upload bodies.

use serde_json::{json, Map, Value};

use super::model::Content;
use crate::rest::body::{opt_bool, opt_string};
use crate::rest::{ApiError, Ctx};

/// Uploaded content: its content type and bytes.
pub type Media = Option<(String, Option<Content>)>;

/// Metadata fields a client may set on create or update.
pub struct Meta {
    pub name: Option<String>,
    pub mime_type: Option<String>,
    pub description: Option<Option<String>>,
    pub starred: Option<bool>,
    pub trashed: Option<bool>,
    pub parents: Option<Vec<String>>,
    pub properties: Option<Map<String, Value>>,
    pub app_properties: Option<Map<String, Value>>,
    pub writers_can_share: Option<bool>,
    pub copy_requires_writer_permission: Option<bool>,
    pub id: Option<String>,
    /// Content given in the body (`contentText`, an env0 extension) or carried by a copy.
    pub content_text: Option<Content>,
    pub original_filename: Option<String>,
}

fn bad_field(name: &str, want: &str) -> ApiError {
    ApiError::new(
        400,
        "invalid",
        format!("Invalid value for field '{name}': expected {want}"),
    )
}

fn opt_props(m: &Map<String, Value>, k: &str) -> Result<Option<Map<String, Value>>, ApiError> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => {
            if o.values().any(|v| !(v.is_string() || v.is_null())) {
                return Err(bad_field(k, "an object of string values"));
            }
            Ok(Some(o.clone()))
        }
        Some(_) => Err(bad_field(k, "an object")),
    }
}

pub fn parse_meta(v: &Value) -> Result<Meta, ApiError> {
    let empty = Map::new();
    let m = match v {
        Value::Object(m) => m,
        Value::Null => &empty,
        _ => {
            return Err(ApiError::bad_request(
                "The request body must be a JSON object (a File resource)",
            ))
        }
    };
    let parents = match m.get("parents") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(
            a.iter()
                .map(|p| {
                    p.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| bad_field("parents", "an array of ids"))
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(_) => return Err(bad_field("parents", "an array of ids")),
    };
    Ok(Meta {
        name: opt_string(m, "name")?,
        mime_type: opt_string(m, "mimeType")?,
        description: if m.contains_key("description") {
            Some(opt_string(m, "description")?)
        } else {
            None
        },
        starred: opt_bool(m, "starred")?,
        trashed: opt_bool(m, "trashed")?,
        parents,
        properties: opt_props(m, "properties")?,
        app_properties: opt_props(m, "appProperties")?,
        writers_can_share: opt_bool(m, "writersCanShare")?,
        copy_requires_writer_permission: opt_bool(m, "copyRequiresWriterPermission")?,
        id: opt_string(m, "id")?,
        content_text: opt_string(m, "contentText")?.map(Content::Text),
        original_filename: opt_string(m, "originalFilename")?,
    })
}

pub fn merge_props(base: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (k, v) in patch {
        if v.is_null() {
            base.remove(k);
        } else {
            base.insert(k.clone(), v.clone());
        }
    }
}

/// A parsed upload: metadata (JSON, maybe empty) and the media part with its content type.
pub fn parse_upload(ctx: &Ctx<'_>) -> Result<(Value, Media), ApiError> {
    let kind = ctx.query.get("uploadType").unwrap_or("media");
    let body = ctx.body_bytes().unwrap_or_default();
    match kind {
        "media" => Ok((
            json!({}),
            Some((
                // As Google: the request's Content-Type is the media's (and the file's) type.
                ctx.content_type
                    .unwrap_or("application/octet-stream")
                    .to_string(),
                Some(Content::from_bytes(body.to_vec())),
            )),
        )),
        "multipart" | "related" => {
            let (meta, media) = crate::rest::multipart::parse_multipart(body)?;
            Ok((meta, media.map(|(t, b)| (t, Some(Content::from_bytes(b))))))
        }
        "resumable" => Err(ApiError::bad_request(
            "Resumable uploads are sessions that env0 serve keeps; a request to the world itself uses uploadType=multipart or uploadType=media.",
        )),
        other => Err(ApiError::invalid_parameter("uploadType", other)),
    }
}
