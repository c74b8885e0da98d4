//! Push-notification channels (`…/watch`, `channels/stop`). The world has no network, so a
//! channel is acknowledged and never called back; requests are still validated as Google does.

use serde_json::{json, Value};

use crate::rest::{ApiError, Ctx, Reply};
use crate::store::clock::ids;

/// Every `watch` endpoint: checks the channel request and answers with the `Channel`.
pub fn watch(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = ctx.body_value()?;
    let id = body
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::required("id"))?;
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("web_hook");
    if kind != "web_hook" && kind != "webhook" {
        return Err(ApiError::bad_request(format!(
            "Invalid channel type '{kind}'."
        )));
    }
    let address = body
        .get("address")
        .and_then(Value::as_str)
        .filter(|a| a.starts_with("https://"))
        .ok_or_else(|| ApiError::bad_request("The channel address must be an https URL."))?;
    let expiration = (ctx.now + chrono::Duration::days(7)).timestamp_millis();
    let mut out = json!({
        "kind": "api#channel",
        "id": id,
        "resourceId": ids::token(ctx.db, 27)?,
        "resourceUri": format!("https://www.googleapis.com{}", ctx_path(ctx)),
        "address": address,
        "type": "web_hook",
        "expiration": expiration.to_string(),
    });
    if let Some(token) = body.get("token").and_then(Value::as_str) {
        out["token"] = json!(token);
    }
    Ok(Reply::ok(out))
}

fn ctx_path(ctx: &Ctx<'_>) -> String {
    match ctx.param("calendarId") {
        "" => "/calendar/v3/users/me".to_string(),
        id => format!("/calendar/v3/calendars/{id}"),
    }
}

/// `channels.stop`.
pub fn stop(ctx: &mut Ctx<'_>) -> Result<Reply, ApiError> {
    let body = ctx.body_value()?;
    for key in ["id", "resourceId"] {
        if body
            .get(key)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(ApiError::required(key));
        }
    }
    Ok(Reply::no_content())
}
