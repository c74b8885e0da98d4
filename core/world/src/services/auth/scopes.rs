//! The canonical scope set and what each request needs.
//!
//! Canonical names are Google's short names plus `slack:<slack scope>`:
//! `openid email profile`, `gmail.readonly gmail.send gmail.compose gmail.labels gmail.modify
//! gmail` (full mailbox), `calendar.readonly calendar.events calendar` (full),
//! `drive.readonly drive.file drive` (full), `documents.readonly documents`, and
//! `slack:channels:read slack:channels:history slack:channels:write slack:chat:write
//! slack:users:read slack:users:read.email slack:reactions:read slack:reactions:write
//! slack:pins:read slack:pins:write slack:search:read slack:files:read slack:team:read`.
//! Google scope URLs (`https://www.googleapis.com/auth/drive`, `https://mail.google.com/`) and
//! the upstream `*.full` / `docs.*` spellings are accepted and normalised to these.

use crate::rest::Method;

/// (canonical scope, what it allows, shown on the consent screen).
pub const SCOPES: &[(&str, &str)] = &[
    ("openid", "Associate you with your personal info"),
    ("email", "See your primary email address"),
    (
        "profile",
        "See your personal info, including any personal info you've made publicly available",
    ),
    ("gmail.readonly", "View your email messages and settings"),
    ("gmail.send", "Send email on your behalf"),
    ("gmail.compose", "Manage drafts and send emails"),
    ("gmail.labels", "See and edit your email labels"),
    (
        "gmail.modify",
        "Read, compose, and send emails from your Gmail account",
    ),
    (
        "gmail",
        "Read, compose, send, and permanently delete all your email from Gmail",
    ),
    (
        "calendar.readonly",
        "See and download any calendar you can access",
    ),
    (
        "calendar.events",
        "View and edit events on all your calendars",
    ),
    (
        "calendar",
        "See, edit, share, and permanently delete all the calendars you can access",
    ),
    (
        "drive.readonly",
        "See and download all your Google Drive files",
    ),
    (
        "drive.file",
        "See, edit, create, and delete only the specific Google Drive files you use with this app",
    ),
    (
        "drive",
        "See, edit, create, and delete all of your Google Drive files",
    ),
    ("documents.readonly", "See all your Google Docs documents"),
    (
        "documents",
        "See, edit, create, and delete all your Google Docs documents",
    ),
    (
        "slack:channels:read",
        "View basic information about channels in your Slack workspace",
    ),
    (
        "slack:channels:history",
        "View messages in channels you can access",
    ),
    (
        "slack:channels:write",
        "Manage channels: create, join, invite, archive, rename",
    ),
    ("slack:chat:write", "Send, edit and delete messages as you"),
    ("slack:users:read", "View people in your workspace"),
    (
        "slack:users:read.email",
        "View email addresses of people in your workspace",
    ),
    ("slack:reactions:read", "View emoji reactions"),
    ("slack:reactions:write", "Add and remove emoji reactions"),
    ("slack:pins:read", "View pinned content"),
    ("slack:pins:write", "Add and remove pinned messages"),
    ("slack:search:read", "Search your workspace's content"),
    (
        "slack:files:read",
        "View files shared in channels and conversations",
    ),
    (
        "slack:team:read",
        "View the name, domain and icon of your workspace",
    ),
];

/// The canonical name of a scope, or `None` if it is not a scope of this world.
pub fn normalize(scope: &str) -> Option<&'static str> {
    let s = scope.trim();
    let s = s
        .strip_prefix("https://www.googleapis.com/auth/")
        .unwrap_or(s);
    let s = match s {
        "https://mail.google.com/"
        | "https://mail.google.com"
        | "gmail.full"
        | "mail.google.com" => "gmail",
        "calendar.full" => "calendar",
        "drive.full" => "drive",
        "docs.full" | "docs" => "documents",
        "docs.readonly" => "documents.readonly",
        "userinfo.email" => "email",
        "userinfo.profile" => "profile",
        other => other,
    };
    SCOPES.iter().map(|(name, _)| *name).find(|name| *name == s)
}

/// A canonical scope as Google spells it in token responses: a URL for Google's API scopes
/// (`gmail` is `https://mail.google.com/`, `email` `…/auth/userinfo.email`), the OpenID names as
/// they are; Slack scopes stay as they are.
pub fn google_url(scope: &str) -> String {
    match scope {
        "openid" => "openid".into(),
        "gmail" => "https://mail.google.com/".into(),
        "email" => "https://www.googleapis.com/auth/userinfo.email".into(),
        "profile" => "https://www.googleapis.com/auth/userinfo.profile".into(),
        s if s.starts_with("slack:") => s.into(),
        s => format!("https://www.googleapis.com/auth/{s}"),
    }
}

pub fn describe(scope: &str) -> &'static str {
    SCOPES
        .iter()
        .find(|(n, _)| *n == scope)
        .map(|(_, d)| *d)
        .unwrap_or("")
}

/// How much a scope allows: `read`, `write` or `full` (for reviews of over-permissioned apps).
pub fn access_level(scope: &str) -> &'static str {
    match scope {
        "gmail" | "calendar" | "drive" => "full",
        s if s.ends_with(".readonly")
            || s.ends_with(":read")
            || s.ends_with(":history")
            || s.ends_with("read.email")
            || matches!(s, "openid" | "email" | "profile") =>
        {
            "read"
        }
        _ => "write",
    }
}

/// Splits a space- or comma-separated scope string and normalises each; the first unknown scope
/// is returned as the error.
pub fn parse_list(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split([' ', ',', '+']).filter(|s| !s.is_empty()) {
        let s = normalize(raw).ok_or_else(|| raw.to_string())?;
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    Ok(out)
}

/// The scopes of which a request needs any one. `None`: the request is not scope-checked.
pub fn required(service: &str, method: Method, path: &str) -> Option<Vec<&'static str>> {
    let read = !method.mutates();
    Some(match service {
        "gmail" => {
            if read {
                let mut v = vec!["gmail.readonly", "gmail.modify", "gmail"];
                if path.contains("/drafts") {
                    v.push("gmail.compose");
                }
                if path.contains("/labels") {
                    v.push("gmail.labels");
                }
                v
            } else if path.ends_with("/send") {
                vec!["gmail.send", "gmail.compose", "gmail.modify", "gmail"]
            } else if path.contains("/drafts") {
                vec!["gmail.compose", "gmail.modify", "gmail"]
            } else if path.contains("/labels") {
                vec!["gmail.labels", "gmail.modify", "gmail"]
            } else if method == Method::Delete && path.contains("/messages/") {
                vec!["gmail"]
            } else {
                vec!["gmail.modify", "gmail"]
            }
        }
        "calendar" => {
            if read {
                vec!["calendar.readonly", "calendar.events", "calendar"]
            } else if path.contains("/events") {
                vec!["calendar.events", "calendar"]
            } else {
                vec!["calendar"]
            }
        }
        "drive" => {
            if read {
                vec!["drive.readonly", "drive.file", "drive"]
            } else {
                vec!["drive.file", "drive"]
            }
        }
        "docs" => {
            if read {
                vec!["documents.readonly", "documents", "drive.readonly", "drive"]
            } else {
                vec!["documents", "drive"]
            }
        }
        "slack" => {
            let name = path.trim_start_matches("/api/");
            match crate::services::slack::oauth_scope(name) {
                Some(s) => vec![s],
                None => Vec::new(),
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_normalise() {
        assert_eq!(normalize("https://mail.google.com/"), Some("gmail"));
        // Every canonical scope's Google spelling reads back as itself.
        for (name, _) in SCOPES {
            assert_eq!(normalize(&google_url(name)), Some(*name), "{name}");
        }
        assert_eq!(
            google_url("drive.readonly"),
            "https://www.googleapis.com/auth/drive.readonly"
        );
        assert_eq!(
            normalize("https://www.googleapis.com/auth/drive.readonly"),
            Some("drive.readonly")
        );
        assert_eq!(normalize("drive.full"), Some("drive"));
        assert_eq!(normalize("docs.readonly"), Some("documents.readonly"));
        assert_eq!(normalize("gmail.everything"), None);
        assert_eq!(
            parse_list("openid gmail.readonly,gmail.readonly").unwrap(),
            vec!["openid", "gmail.readonly"]
        );
        assert_eq!(parse_list("openid nope").unwrap_err(), "nope");
    }

    #[test]
    fn reads_and_writes_need_different_scopes() {
        let r = required("gmail", Method::Get, "/gmail/v1/users/me/messages").unwrap();
        assert!(r.contains(&"gmail.readonly"));
        let w = required("gmail", Method::Post, "/gmail/v1/users/me/messages/send").unwrap();
        assert!(w.contains(&"gmail.send") && !w.contains(&"gmail.readonly"));
        assert_eq!(
            required("slack", Method::Post, "/api/chat.postMessage").unwrap(),
            vec!["slack:chat:write"]
        );
        assert!(required("auth", Method::Get, "/auth/v1/apps").is_none());
    }
}
