//! Seeded OAuth clients, consents, live tokens and an audit history.
//!
//! The named clients tell the stories the auth tasks need: a CRM reading mail, a scheduler with
//! calendar events, an abandoned "PDF Converter Pro" with full Drive access last used 400 days
//! ago, a suspicious unverified app holding full Gmail and Drive, a service account with
//! domain-wide delegation, the agent's own public PKCE client, a 90-second-token client, and
//! least-privilege apps. Confidential clients' secrets are `<client_id>-secret` (only their sha256
//! is stored). Larger scales add generic apps.

use chrono::Duration;
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection};
use serde_json::json;

use super::oauth::hash_secret;
use crate::error::Result;
use crate::seed::Scale;
use crate::store::clock;

/// (client_id, name, publisher, verified, type, redirect uri, allowed scopes, grant types, ttl s, delegation).
type ClientSpec = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    i64,
    bool,
);

const CLIENTS: &[ClientSpec] = &[
    (
        "hubflow-crm",
        "HubFlow CRM",
        "HubFlow Inc.",
        true,
        "confidential",
        "https://app.hubflow.io/oauth/callback",
        &["openid", "email", "gmail.readonly"],
        &["authorization_code", "refresh_token"],
        3600,
        false,
    ),
    (
        "slotsync",
        "SlotSync Scheduling",
        "SlotSync Ltd.",
        true,
        "confidential",
        "https://slotsync.app/auth/google/callback",
        &["openid", "email", "calendar.readonly", "calendar.events"],
        &["authorization_code", "refresh_token"],
        3600,
        false,
    ),
    (
        "pdf-converter-pro",
        "PDF Converter Pro",
        "DocuTools Software",
        false,
        "public",
        "https://pdfconverterpro.net/oauth2callback",
        &["drive"],
        &["authorization_code", "refresh_token"],
        3600,
        false,
    ),
    (
        "inboxboost-ai",
        "InboxBoost AI",
        "Growth Hackers LLC",
        false,
        "confidential",
        "https://inboxboost-ai.co/callback",
        &["openid", "email", "gmail", "drive"],
        &["authorization_code", "refresh_token"],
        3600,
        false,
    ),
    (
        "svc-reporting",
        "NexusAI Reporting Service",
        "NexusAI",
        true,
        "service_account",
        "https://reporting.nexusai.com/none",
        &["gmail.readonly", "calendar.readonly", "drive.readonly"],
        &["client_credentials"],
        3600,
        true,
    ),
    (
        "env0-agent",
        "NexusAI Assistant (agent)",
        "NexusAI",
        true,
        "public",
        "http://127.0.0.1:8765/callback",
        &[
            "openid",
            "email",
            "profile",
            "gmail.readonly",
            "gmail.send",
            "gmail.modify",
            "calendar.readonly",
            "calendar.events",
            "drive.readonly",
            "drive.file",
            "documents.readonly",
            "documents",
            "slack:channels:read",
            "slack:channels:history",
            "slack:chat:write",
            "slack:users:read",
            "slack:search:read",
        ],
        &["authorization_code", "refresh_token"],
        3600,
        false,
    ),
    (
        "quicknotes",
        "QuickNotes",
        "QuickNotes Labs",
        true,
        "public",
        "com.quicknotes.app:/oauth2redirect",
        &["drive.file", "documents"],
        &["authorization_code", "refresh_token"],
        90,
        false,
    ),
    (
        "slack-calendar-sync",
        "Slack Calendar Sync",
        "Slack Technologies",
        true,
        "confidential",
        "https://slack.com/oauth/google/callback",
        &["calendar.readonly", "slack:chat:write"],
        &["authorization_code", "refresh_token"],
        3600,
        false,
    ),
    (
        "signright",
        "SignRight e-Signatures",
        "SignRight Corp.",
        true,
        "confidential",
        "https://signright.com/oauth/return",
        &["openid", "email", "drive.file", "gmail.send"],
        &["authorization_code", "refresh_token"],
        3600,
        false,
    ),
    (
        "writewell",
        "WriteWell Grammar",
        "WriteWell GmbH",
        true,
        "public",
        "https://writewell.de/oauth/callback",
        &["documents"],
        &["authorization_code", "refresh_token"],
        3600,
        false,
    ),
];

/// (user, client, scopes, granted days ago, last used days ago (None = never)).
type ConsentSpec = (
    &'static str,
    &'static str,
    &'static [&'static str],
    i64,
    Option<i64>,
);

const CONSENTS: &[ConsentSpec] = &[
    (
        "user_alex",
        "hubflow-crm",
        &["openid", "email", "gmail.readonly"],
        210,
        Some(2),
    ),
    (
        "user_alex",
        "slotsync",
        &["openid", "email", "calendar.events"],
        150,
        Some(1),
    ),
    ("user_alex", "pdf-converter-pro", &["drive"], 720, Some(400)),
    (
        "user_alex",
        "inboxboost-ai",
        &["openid", "email", "gmail", "drive"],
        12,
        Some(0),
    ),
    (
        "user_alex",
        "quicknotes",
        &["drive.file", "documents"],
        60,
        Some(5),
    ),
    (
        "user_alex",
        "slack-calendar-sync",
        &["calendar.readonly", "slack:chat:write"],
        300,
        Some(3),
    ),
    (
        "user_alex",
        "signright",
        &["openid", "email", "drive.file", "gmail.send"],
        90,
        Some(30),
    ),
    ("user_alex", "writewell", &["documents"], 45, Some(30)),
    (
        "user_jordan",
        "hubflow-crm",
        &["openid", "email", "gmail.readonly"],
        200,
        Some(6),
    ),
    (
        "user_jordan",
        "slack-calendar-sync",
        &["calendar.readonly", "slack:chat:write"],
        280,
        Some(1),
    ),
    (
        "user_priya",
        "pdf-converter-pro",
        &["drive"],
        500,
        Some(380),
    ),
    (
        "user_marcus",
        "inboxboost-ai",
        &["openid", "email", "gmail", "drive"],
        20,
        Some(0),
    ),
];

const FILLER_NAMES: &[&str] = &[
    "Zapier Lite",
    "Mailchimp Sync",
    "Trello Power-Up",
    "Notion Importer",
    "Canva Export",
    "Asana Calendar",
    "Dropbox Bridge",
    "Loom Recorder",
    "Miro Boards",
    "Calendly Connect",
    "Expensify Receipts",
    "DocuScan",
    "Otter Notes",
    "Grammarly Docs",
    "Todoist Tasks",
    "Airtable Sync",
];
const FILLER_SCOPES: &[&[&str]] = &[
    &["openid", "email"],
    &["calendar.readonly"],
    &["drive.file"],
    &["gmail.readonly"],
    &["documents.readonly"],
    &["calendar.events"],
    &["drive.readonly"],
    &["gmail.send"],
];

fn secret_hash(client_type: &str, id: &str) -> Option<String> {
    (client_type != "public").then(|| hash_secret(&format!("{id}-secret")))
}

fn rand_token(rng: &mut ChaCha8Rng, prefix: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let body: String = (0..40)
        .map(|_| A[rng.random_range(0..A.len())] as char)
        .collect();
    format!("{prefix}{body}")
}

pub fn seed(conn: &Connection, rng: &mut ChaCha8Rng, scale: Scale) -> Result<()> {
    if scale.connected_apps == 0 {
        return Ok(());
    }
    let now = clock::now(conn)?;
    let ago = |days: i64| clock::rfc3339(now - Duration::days(days));
    let created = ago(800);
    for (id, name, publisher, verified, kind, redirect, allowed, grants, ttl, delegation) in
        CLIENTS.iter().take(scale.connected_apps)
    {
        conn.execute(
            "INSERT INTO auth_clients (client_id, name, publisher, verified, client_type, secret_hash, redirect_uris, \
             allowed_scopes, grant_types, access_token_ttl, delegation, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![id, name, publisher, verified, kind, secret_hash(kind, id), json!([redirect]).to_string(),
                    json!(allowed).to_string(), json!(grants).to_string(), ttl, delegation, created],
        )?;
    }
    let seeded: Vec<&str> = CLIENTS
        .iter()
        .take(scale.connected_apps)
        .map(|c| c.0)
        .collect();
    let mut audit: Vec<(
        String,
        String,
        String,
        String,
        Option<String>,
        serde_json::Value,
    )> = Vec::new();
    for (user, client, scopes, granted, last_used) in CONSENTS {
        if !seeded.contains(client) {
            continue;
        }
        conn.execute(
            "INSERT INTO auth_consents (user_id, client_id, scopes, granted_at, last_used) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![user, client, json!(scopes).to_string(), ago(*granted), last_used.map(ago)],
        )?;
        audit.push((
            ago(*granted),
            user.to_string(),
            client.to_string(),
            "consent_granted".into(),
            Some(scopes.join(" ")),
            json!({}),
        ));
        // Apps in use hold a refresh token and, if used today, a live access token.
        if let Some(days) = last_used.filter(|d| *d < 60) {
            let refresh = rand_token(rng, "1//");
            conn.execute(
                "INSERT INTO auth_tokens (token, kind, client_id, user_id, scopes, issued_at, last_used) VALUES (?1, 'refresh', ?2, ?3, ?4, ?5, ?6)",
                params![refresh, client, user, json!(scopes).to_string(), ago(*granted), ago(days)],
            )?;
            if days == 0 {
                let access = rand_token(rng, "ya29.");
                let issued = now - Duration::minutes(rng.random_range(5..40));
                conn.execute(
                    "INSERT INTO auth_tokens (token, kind, client_id, user_id, scopes, issued_at, expires_at, last_used) \
                     VALUES (?1, 'access', ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![access, client, user, json!(scopes).to_string(), clock::rfc3339(issued),
                            clock::rfc3339(issued + Duration::hours(1)), clock::rfc3339(now - Duration::minutes(2))],
                )?;
            }
            // A history of API calls with the scopes used.
            let calls = if *client == "inboxboost-ai" { 12 } else { 3 };
            for i in 0..calls {
                let when = now
                    - Duration::days(days + i / 3)
                    - Duration::minutes(rng.random_range(0..600));
                let scope = scopes
                    .iter()
                    .filter(|s| !matches!(**s, "openid" | "email" | "profile"))
                    .copied()
                    .collect::<Vec<_>>();
                let scope = scope.choose(rng).copied().unwrap_or("openid");
                let path = match scope.split('.').next().unwrap_or("") {
                    "gmail" => "/gmail/v1/users/me/messages",
                    "calendar" => "/calendar/v3/calendars/primary/events",
                    "drive" => "/drive/v3/files",
                    "documents" => "/v1/documents",
                    _ => "/api/chat.postMessage",
                };
                audit.push((
                    clock::rfc3339(when),
                    user.to_string(),
                    client.to_string(),
                    "api_call".into(),
                    Some(scope.to_string()),
                    json!({"method": "GET", "path": path}),
                ));
            }
        }
    }
    // Generic apps at larger scales.
    for i in 0..scale.connected_apps.saturating_sub(CLIENTS.len()) {
        let name = format!(
            "{} {}",
            FILLER_NAMES[i % FILLER_NAMES.len()],
            i / FILLER_NAMES.len() + 1
        );
        let id = format!("app-{:03}", i + 1);
        let scopes = FILLER_SCOPES.choose(rng).copied().unwrap_or(&["openid"]);
        let kind = if rng.random_bool(0.5) {
            "public"
        } else {
            "confidential"
        };
        conn.execute(
            "INSERT INTO auth_clients (client_id, name, publisher, verified, client_type, secret_hash, redirect_uris, \
             allowed_scopes, grant_types, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![id, name, format!("{} Inc.", FILLER_NAMES[i % FILLER_NAMES.len()]), rng.random_bool(0.7), kind,
                    secret_hash(kind, &id), json!([format!("https://{id}.example.com/callback")]).to_string(),
                    json!(scopes).to_string(), json!(["authorization_code", "refresh_token"]).to_string(), created],
        )?;
        let granted = rng.random_range(10..900);
        let used = rng.random_range(0..granted);
        conn.execute(
            "INSERT INTO auth_consents (user_id, client_id, scopes, granted_at, last_used) VALUES ('user_alex', ?1, ?2, ?3, ?4)",
            params![id, json!(scopes).to_string(), ago(granted), ago(used)],
        )?;
        audit.push((
            ago(granted),
            "user_alex".into(),
            id,
            "consent_granted".into(),
            Some(scopes.join(" ")),
            json!({}),
        ));
    }
    audit.sort_by(|a, b| a.0.cmp(&b.0));
    for (time, user, client, event, scope, detail) in audit {
        conn.execute(
            "INSERT INTO auth_audit (time, user_id, client_id, event, scope, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![time, user, client, event, scope, detail.to_string()],
        )?;
    }
    Ok(())
}
