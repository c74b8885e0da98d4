//! The identity service: discovery, PKCE authorization-code flow with consent, token errors,
//! refresh rotation and reuse detection, expiry on the world clock, service-account delegation,
//! connected apps (revoke a scope, revoke an app), the audit log, and enforcement of bearer
//! tokens on another service's API (Slack).

use base64::Engine;
use chrono::Duration;
use env0_world::World;
use env0_world::{Method, Request, Response};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const AGENT: &str = "env0-agent";
const AGENT_REDIRECT: &str = "http://127.0.0.1:8765/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-long-enough-verifier";

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn post_form(w: &mut World, path: &str, pairs: &[(&str, &str)]) -> Response {
    w.handle(&Request::new(Method::Post, path).with_raw_body(form(pairs)))
}

fn authorize_query(client: &str, redirect: &str, scope: &str, challenge: Option<&str>) -> String {
    let mut pairs = vec![
        ("client_id", client),
        ("redirect_uri", redirect),
        ("response_type", "code"),
        ("scope", scope),
        ("state", "xyz"),
    ];
    if let Some(c) = challenge {
        pairs.push(("code_challenge", c));
        pairs.push(("code_challenge_method", "S256"));
    }
    format!("/o/oauth2/v2/auth?{}", form(&pairs))
}

/// Authorize (consent screen) → allow → code.
fn consent_code(w: &mut World, scope: &str) -> String {
    let c = challenge(VERIFIER);
    let resp = w.handle(&Request::get(authorize_query(
        AGENT,
        AGENT_REDIRECT,
        scope,
        Some(&c),
    )));
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.body["consent_required"], true, "{}", resp.body);
    let params = resp.body["decision_params"].clone();
    let mut body = params.as_object().unwrap().clone();
    body.insert("decision".into(), json!("allow"));
    let resp = w.handle(&Request::post(
        "/o/oauth2/v2/auth/callback",
        Value::Object(body),
    ));
    assert_eq!(resp.status, 200, "{}", resp.body);
    let redirect = resp.body["redirect_uri"].as_str().unwrap();
    assert!(redirect.starts_with(AGENT_REDIRECT) && redirect.contains("state=xyz"));
    resp.body["code"].as_str().unwrap().to_string()
}

fn exchange(w: &mut World, code: &str) -> Response {
    post_form(
        w,
        "/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", AGENT),
            ("code", code),
            ("redirect_uri", AGENT_REDIRECT),
            ("code_verifier", VERIFIER),
        ],
    )
}

fn slack_with(
    w: &mut World,
    method: Method,
    name: &str,
    body: Option<Value>,
    token: Option<&str>,
) -> Value {
    let mut req = Request::new(method, format!("/api/{name}"));
    if let Some(b) = body {
        req = req.with_body(b);
    }
    req.token = token.map(str::to_string);
    let resp = w.handle(&req);
    assert_eq!(resp.status, 200);
    resp.body
}

fn channel_id(w: &World, name: &str) -> String {
    w.conn()
        .query_row(
            "SELECT id FROM slack_channels WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn discovery_document() {
    let mut w = crate::support::world();
    let body = crate::support::ok(
        &mut w,
        Method::Get,
        "/.well-known/openid-configuration",
        None,
    );
    assert!(body["token_endpoint"]
        .as_str()
        .unwrap()
        .ends_with("/oauth2/token"));
    assert_eq!(body["code_challenge_methods_supported"], json!(["S256"]));
    assert!(body["scopes_supported"]
        .as_array()
        .unwrap()
        .contains(&json!("gmail.readonly")));
}

#[test]
fn pkce_token_scoped_call_revoke_refused() {
    let mut w = crate::support::world();
    w.set_auth_enforcement(true).unwrap();
    let general = channel_id(&w, "general");
    // Under enforcement a call without a token is refused.
    let body = slack_with(&mut w, Method::Get, "conversations.list", None, None);
    assert_eq!(body["error"], "not_authed");

    let code = consent_code(&mut w, "openid email slack:channels:read slack:chat:write");
    let resp = exchange(&mut w, &code);
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.body["token_type"], "Bearer");
    assert_eq!(resp.body["expires_in"], 3600);
    let access = resp.body["access_token"].as_str().unwrap().to_string();
    assert!(resp.body["refresh_token"].is_string());

    // Scoped calls: granted scopes pass, others are refused.
    let body = slack_with(
        &mut w,
        Method::Get,
        "conversations.list",
        None,
        Some(&access),
    );
    assert_eq!(body["ok"], true, "{body}");
    let body = slack_with(
        &mut w,
        Method::Post,
        "chat.postMessage",
        Some(json!({"channel": general, "text": "via OAuth"})),
        Some(&access),
    );
    assert_eq!(body["ok"], true, "{body}");
    assert_eq!(
        body["message"]["user"],
        w.conn()
            .query_row(
                "SELECT id FROM slack_users WHERE directory_id='user_alex'",
                [],
                |r| r.get::<_, String>(0)
            )
            .unwrap()
            .as_str()
    );
    let body = slack_with(&mut w, Method::Get, "search.messages", None, Some(&access));
    assert_eq!(body["error"], "missing_scope");

    // The token acts as its user, whatever user the request names.
    let mut req = Request::get("/api/auth.test").as_user("user_jordan");
    req.token = Some(access.clone());
    let resp = w.handle(&req);
    assert_eq!(resp.body["user"], "alex");

    // userinfo.
    let mut req = Request::get("/oauth2/v3/userinfo");
    req.token = Some(access.clone());
    let resp = w.handle(&req);
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.body["email"], "alex@nexusai.com");

    // Revoke → refused.
    let resp = post_form(&mut w, "/oauth2/revoke", &[("token", &access)]);
    assert_eq!(resp.status, 200);
    let body = slack_with(
        &mut w,
        Method::Get,
        "conversations.list",
        None,
        Some(&access),
    );
    assert_eq!(body["error"], "token_revoked");

    // The audit log tells the story.
    let body = crate::support::ok(
        &mut w,
        Method::Get,
        &format!("/auth/v1/audit?clientId={AGENT}"),
        None,
    );
    let events: Vec<&str> = body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    for e in [
        "consent_granted",
        "token_issued",
        "api_call",
        "api_call_denied",
        "token_revoked",
    ] {
        assert!(events.contains(&e), "{e} missing from {events:?}");
    }
    // The agent now shows up among connected apps.
    let body = crate::support::ok(&mut w, Method::Get, "/auth/v1/apps", None);
    assert!(body["apps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["client_id"] == AGENT));
}

#[test]
fn wrong_verifier_redirect_scope_and_replay_are_rejected() {
    let mut w = crate::support::world();
    // Authorize-time checks.
    let c = challenge(VERIFIER);
    let resp = w.handle(&Request::get(authorize_query(
        AGENT,
        "https://evil.example/cb",
        "openid",
        Some(&c),
    )));
    assert_eq!(
        (resp.status, resp.body["error"].as_str()),
        (400, Some("redirect_uri_mismatch"))
    );
    let resp = w.handle(&Request::get(authorize_query(
        AGENT,
        AGENT_REDIRECT,
        "openid drive",
        Some(&c),
    )));
    assert_eq!(
        (resp.status, resp.body["error"].as_str()),
        (400, Some("invalid_scope")),
        "drive is not allowed for the agent"
    );
    let resp = w.handle(&Request::get(authorize_query(
        AGENT,
        AGENT_REDIRECT,
        "openid",
        None,
    )));
    assert_eq!(
        (resp.status, resp.body["error"].as_str()),
        (400, Some("invalid_request")),
        "public clients need PKCE"
    );
    let resp = w.handle(&Request::get(authorize_query(
        "nope",
        AGENT_REDIRECT,
        "openid",
        Some(&c),
    )));
    assert_eq!(
        (resp.status, resp.body["error"].as_str()),
        (401, Some("invalid_client"))
    );

    // Token-time checks.
    let code = consent_code(&mut w, "openid gmail.readonly");
    let resp = post_form(
        &mut w,
        "/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", AGENT),
            ("code", &code),
            ("redirect_uri", AGENT_REDIRECT),
            (
                "code_verifier",
                "wrong-verifier-wrong-verifier-wrong-verifier-000",
            ),
        ],
    );
    assert_eq!(
        (resp.status, resp.body["error"].as_str()),
        (400, Some("invalid_grant")),
        "{}",
        resp.body
    );
    let resp = post_form(
        &mut w,
        "/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", AGENT),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:9999/other"),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(
        (resp.status, resp.body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let resp = exchange(&mut w, &code);
    assert_eq!(resp.status, 200, "{}", resp.body);
    let access = resp.body["access_token"].as_str().unwrap().to_string();
    // Replaying the code fails and kills what it produced.
    let resp = exchange(&mut w, &code);
    assert_eq!(resp.body["error"], "invalid_grant");
    let live: bool = w
        .conn()
        .query_row(
            "SELECT revoked FROM auth_tokens WHERE token = ?1",
            [&access],
            |r| r.get(0),
        )
        .unwrap();
    assert!(live, "replay revokes the tokens of the grant");
    let resp = post_form(
        &mut w,
        "/oauth2/token",
        &[("grant_type", "password"), ("client_id", AGENT)],
    );
    assert_eq!(resp.body["error"], "unauthorized_client");
    let resp = post_form(&mut w, "/oauth2/token", &[("client_id", AGENT)]);
    assert_eq!(resp.body["error"], "invalid_request");
    // Denying consent redirects with access_denied.
    let mut body = w
        .handle(&Request::get(authorize_query(
            AGENT,
            AGENT_REDIRECT,
            "calendar.events",
            Some(&c),
        )))
        .body["decision_params"]
        .as_object()
        .unwrap()
        .clone();
    body.insert("decision".into(), json!("deny"));
    let resp = w.handle(&Request::post(
        "/o/oauth2/v2/auth/callback",
        Value::Object(body),
    ));
    assert!(resp.body["redirect_uri"]
        .as_str()
        .unwrap()
        .contains("error=access_denied"));
}

/// Refresh tokens behave as Google's: long-lived, not rotated (a refresh answers only a new
/// access token), usable again and again until revoked; revoking one ends the grant.
#[test]
fn refresh_tokens_keep_working_until_revoked_and_access_expires() {
    let mut w = crate::support::world();
    w.set_auth_enforcement(true).unwrap();
    let code = consent_code(&mut w, "slack:channels:read");
    let first = exchange(&mut w, &code).body;
    let access1 = first["access_token"].as_str().unwrap().to_string();
    let refresh = first["refresh_token"].as_str().unwrap().to_string();

    // Expiry follows the world clock.
    let now = w.now().unwrap();
    w.set_now(now + Duration::seconds(3601)).unwrap();
    let list = |w: &mut env0_world::World, token: &str| {
        slack_with(w, Method::Get, "conversations.list", None, Some(token))
    };
    assert_eq!(list(&mut w, &access1)["error"], "token_expired");

    let refresh_with = |w: &mut env0_world::World, extra: &[(&str, &str)]| {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("client_id", AGENT),
            ("refresh_token", refresh.as_str()),
        ];
        form.extend_from_slice(extra);
        post_form(w, "/oauth2/token", &form)
    };
    // Twice with the same refresh token: two new access tokens, no new refresh token.
    let mut accesses = Vec::new();
    for _ in 0..2 {
        let resp = refresh_with(&mut w, &[]);
        assert_eq!(resp.status, 200, "{}", resp.body);
        assert!(resp.body.get("refresh_token").is_none(), "{}", resp.body);
        assert_eq!(resp.body["scope"], "slack:channels:read");
        let access = resp.body["access_token"].as_str().unwrap().to_string();
        assert_eq!(list(&mut w, &access)["ok"], true);
        accesses.push(access);
    }
    assert_ne!(accesses[0], accesses[1]);
    // Narrowing is allowed, widening is not.
    assert_eq!(
        refresh_with(&mut w, &[("scope", "gmail.readonly")]).body["error"],
        "invalid_scope"
    );

    // Revoking the refresh token ends the grant: its access tokens and itself.
    let resp = post_form(&mut w, "/oauth2/revoke", &[("token", refresh.as_str())]);
    assert_eq!(resp.status, 200, "{}", resp.body);
    for access in &accesses {
        assert_eq!(list(&mut w, access)["error"], "token_revoked");
    }
    assert_eq!(refresh_with(&mut w, &[]).body["error"], "invalid_grant");
}

/// Token responses name scopes as Google does (URLs), whatever spelling the request used.
#[test]
fn token_responses_report_scopes_as_google_urls() {
    let mut w = crate::support::world();
    let code = consent_code(
        &mut w,
        "https://www.googleapis.com/auth/gmail.readonly openid email",
    );
    let body = exchange(&mut w, &code).body;
    let mut scopes: Vec<&str> = body["scope"].as_str().unwrap().split(' ').collect();
    scopes.sort();
    assert_eq!(
        scopes,
        [
            "https://www.googleapis.com/auth/gmail.readonly",
            "https://www.googleapis.com/auth/userinfo.email",
            "openid"
        ]
    );
}

#[test]
fn existing_consent_skips_the_screen_and_short_lived_tokens() {
    let mut w = crate::support::world();
    // Alex already granted QuickNotes drive.file + documents; its tokens live 90 s.
    let c = challenge(VERIFIER);
    let redirect = "com.quicknotes.app:/oauth2redirect";
    let resp = w.handle(&Request::get(authorize_query(
        "quicknotes",
        redirect,
        "documents",
        Some(&c),
    )));
    assert_eq!(resp.body["consent"], "existing", "{}", resp.body);
    let code = resp.body["code"].as_str().unwrap().to_string();
    let resp = post_form(
        &mut w,
        "/oauth2/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "quicknotes"),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_eq!(resp.body["expires_in"], 90);
}

#[test]
fn service_account_delegation() {
    let mut w = crate::support::world();
    w.set_auth_enforcement(true).unwrap();
    let ok = post_form(
        &mut w,
        "/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "svc-reporting"),
            ("client_secret", "svc-reporting-secret"),
            ("scope", "gmail.readonly calendar.readonly"),
            ("subject", "priya@nexusai.com"),
        ],
    );
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body.get("refresh_token").is_none());
    let token = ok.body["access_token"].as_str().unwrap().to_string();
    let row: (String, String) = w
        .conn()
        .query_row(
            "SELECT user_id, actor FROM auth_tokens WHERE token = ?1",
            [&token],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(row, ("user_priya".to_string(), "svc-reporting".to_string()));
    // Its scopes do not cover Slack.
    assert_eq!(
        slack_with(
            &mut w,
            Method::Get,
            "conversations.list",
            None,
            Some(&token)
        )["error"],
        "missing_scope"
    );
    let bad = post_form(
        &mut w,
        "/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "svc-reporting"),
            ("client_secret", "nope"),
        ],
    );
    assert_eq!(
        (bad.status, bad.body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let bad = post_form(
        &mut w,
        "/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "svc-reporting"),
            ("client_secret", "svc-reporting-secret"),
            ("subject", "dana@horizonvc.com"),
        ],
    );
    assert_eq!(
        bad.body["error"], "invalid_grant",
        "no delegation outside the domain"
    );
    let bad = post_form(
        &mut w,
        "/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "svc-reporting"),
            ("client_secret", "svc-reporting-secret"),
            ("scope", "gmail"),
        ],
    );
    assert_eq!(bad.body["error"], "invalid_scope");
    let bad = post_form(
        &mut w,
        "/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "hubflow-crm"),
            ("client_secret", "hubflow-crm-secret"),
            ("subject", "alex@nexusai.com"),
        ],
    );
    assert_eq!(bad.body["error"], "unauthorized_client");
}

#[test]
fn connected_apps_review_revoke_scope_and_app() {
    let mut w = crate::support::world();
    w.set_auth_enforcement(true).unwrap();
    let body = crate::support::ok(&mut w, Method::Get, "/auth/v1/apps", None);
    let apps = body["apps"].as_array().unwrap();
    let pdf = apps
        .iter()
        .find(|a| a["client_id"] == "pdf-converter-pro")
        .unwrap();
    assert_eq!(pdf["days_since_last_used"], 400);
    assert_eq!(pdf["scopes"][0]["access"], "full");
    let boost = apps
        .iter()
        .find(|a| a["client_id"] == "inboxboost-ai")
        .unwrap();
    assert_eq!(boost["verified"], false);
    assert!(boost["active_tokens"].as_i64().unwrap() >= 1);
    let boost_token: String = w.conn().query_row(
        "SELECT token FROM auth_tokens WHERE client_id = 'inboxboost-ai' AND user_id = 'user_alex' AND kind = 'access'", [], |r| r.get(0)).unwrap();

    // Revoke one scope: the app keeps the others, its live tokens lose it.
    let body = crate::support::ok(
        &mut w,
        Method::Post,
        "/auth/v1/apps/inboxboost-ai/revokeScope",
        Some(json!({"scope": "https://mail.google.com/"})),
    );
    let scopes: Vec<&str> = body["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scope"].as_str().unwrap())
        .collect();
    assert!(!scopes.contains(&"gmail") && scopes.contains(&"drive"));
    let token_scopes: String = w
        .conn()
        .query_row(
            "SELECT scopes FROM auth_tokens WHERE token = ?1",
            [&boost_token],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!token_scopes.contains("\"gmail\""));
    crate::support::err(
        &mut w,
        Method::Post,
        "/auth/v1/apps/inboxboost-ai/revokeScope",
        Some(json!({"scope": "gmail"})),
        404,
    );

    // Revoke the whole app: consent gone, tokens dead, others untouched.
    let before = w.snapshot().unwrap();
    let body = crate::support::ok(&mut w, Method::Delete, "/auth/v1/apps/inboxboost-ai", None);
    assert!(body["tokens_revoked"].as_i64().unwrap() >= 1);
    crate::support::err(
        &mut w,
        Method::Get,
        "/auth/v1/apps/inboxboost-ai",
        None,
        404,
    );
    let body = crate::support::ok(&mut w, Method::Get, "/auth/v1/apps", None);
    assert!(body["apps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["client_id"] == "hubflow-crm"));
    let mut req = Request::get("/api/conversations.list");
    req.token = Some(boost_token);
    assert_eq!(w.handle(&req).body["error"], "token_revoked");
    let diff = w.diff_since(&before).unwrap();
    let consents = &diff.collections["auth_consents"];
    assert_eq!(consents.updated.len(), 1);
    assert_eq!(consents.updated[0].key, "user_alex|inboxboost-ai");
    // Audit.
    let body = crate::support::ok(
        &mut w,
        Method::Get,
        "/auth/v1/audit?event=app_revoked",
        None,
    );
    assert_eq!(body["events"][0]["client_id"], "inboxboost-ai");
    // Another user's apps are their own.
    let resp = w.handle(&Request::get("/auth/v1/apps").as_user("user_priya"));
    let ids: Vec<&str> = resp.body["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["pdf-converter-pro"]);
    // The registry lists clients without secrets.
    let body = crate::support::ok(&mut w, Method::Get, "/auth/v1/clients", None);
    assert!(body["clients"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c.get("secret_hash").is_none()));
}

#[test]
fn enforcement_is_off_by_default() {
    let mut w = crate::support::world();
    let body = slack_with(&mut w, Method::Get, "conversations.list", None, None);
    assert_eq!(body["ok"], true);
    let mut e = crate::support::world_with(env0_world::Scale::EMPTY);
    let n: i64 = e
        .conn()
        .query_row("SELECT COUNT(*) FROM auth_clients", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
    crate::support::ok(&mut e, Method::Get, "/auth/v1/apps", None);
}

#[test]
fn enforcement_maps_google_requests_to_scopes() {
    let mut w = crate::support::world();
    let code = consent_code(&mut w, "openid gmail.readonly calendar.events");
    let token = exchange(&mut w, &code).body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let with = |method: Method, path: &str, token: Option<&str>| {
        let mut req = Request::new(method, path);
        req.token = token.map(str::to_string);
        req
    };
    // Off: nothing is checked.
    let off = w.handle(&with(Method::Get, "/gmail/v1/users/me/messages", None));
    assert_eq!(off.status, 200, "{}", off.body);
    w.set_auth_enforcement(true).unwrap();
    // The token's user acts.
    let read = w.handle(&with(
        Method::Get,
        "/gmail/v1/users/me/profile",
        Some(&token),
    ));
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["emailAddress"], "alex@nexusai.com");
    let send = w.handle(&with(
        Method::Post,
        "/gmail/v1/users/me/messages/send",
        Some(&token),
    ));
    assert_eq!(send.status, 403, "{}", send.body);
    assert_eq!(
        send.body["error"]["errors"][0]["reason"],
        "insufficientPermissions"
    );
    let event = w.handle(
        &with(
            Method::Post,
            "/calendar/v3/calendars/primary/events",
            Some(&token),
        )
        .with_body(json!({"summary": "Scoped",
            "start": {"dateTime": "2026-03-17T10:00:00Z"}, "end": {"dateTime": "2026-03-17T11:00:00Z"}})),
    );
    assert_eq!(event.status, 200, "{}", event.body);
    let acl = w.handle(&with(
        Method::Post,
        "/calendar/v3/calendars/primary/acl",
        Some(&token),
    ));
    assert_eq!(acl.status, 403, "{}", acl.body);
    let drive = w.handle(&with(Method::Get, "/drive/v3/files", Some(&token)));
    assert_eq!(drive.status, 403, "{}", drive.body);
    let none = w.handle(&with(Method::Get, "/v1/documents/x", None));
    assert_eq!(none.status, 401, "{}", none.body);
    let junk = w.handle(&with(Method::Get, "/v1/documents/x", Some("ya29.nope")));
    assert_eq!(junk.status, 401, "{}", junk.body);
    // The identity service itself is never checked.
    let apps = w.handle(&with(Method::Get, "/auth/v1/apps", None));
    assert_eq!(apps.status, 200, "{}", apps.body);
    // Each decision is audited with the scope used.
    let n: i64 = w
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM auth_audit WHERE event = 'api_call' AND scope = 'gmail.readonly' AND client_id = 'env0-agent'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(n >= 1);
}
