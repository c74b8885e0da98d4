//! The OAuth identity service ("auth"): OIDC discovery, authorize + consent, token (PKCE,
//! refresh rotation, client-credentials delegation), revoke, userinfo, the user's connected apps
//! and the audit log — plus [`enforce`], the bearer-token check the router applies to every
//! service when a world turns enforcement on.
//!
//! Endpoints (Google envelope for errors, except RFC 6749 bodies from the OAuth endpoints):
//! `GET /.well-known/openid-configuration`, `GET /o/oauth2/v2/auth`,
//! `POST /o/oauth2/v2/auth/callback`, `POST /oauth2/token`, `POST /oauth2/revoke`,
//! `GET /oauth2/v3/userinfo`, `GET /auth/v1/apps`, `GET|DELETE /auth/v1/apps/{clientId}`,
//! `POST /auth/v1/apps/{clientId}/revokeScope`, `GET /auth/v1/audit`, `GET /auth/v1/clients`.

mod apps;
mod enforce;
pub mod needles;
pub mod oauth;
pub mod schema;
pub mod scopes;
pub mod seed;
pub mod tokens;

pub use enforce::enforce;

use crate::rest::{Method, Route};

/// Path prefixes served by the identity service.
pub const PREFIXES: &[&str] = &["/.well-known/", "/o/oauth2/", "/oauth2/", "/auth/v1/"];

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::Get,
            "/.well-known/openid-configuration",
            oauth::discovery,
        ),
        Route::new(Method::Get, "/o/oauth2/v2/auth", oauth::authorize),
        Route::new(
            Method::Post,
            "/o/oauth2/v2/auth/callback",
            oauth::consent_decision,
        ),
        Route::new(Method::Post, "/oauth2/token", oauth::token),
        Route::new(Method::Post, "/oauth2/revoke", oauth::revoke),
        Route::new(Method::Get, "/oauth2/v3/userinfo", oauth::userinfo),
        Route::new(Method::Get, "/auth/v1/apps", apps::list),
        Route::new(Method::Get, "/auth/v1/apps/{clientId}", apps::get),
        Route::new(Method::Delete, "/auth/v1/apps/{clientId}", apps::revoke_app),
        Route::new(
            Method::Post,
            "/auth/v1/apps/{clientId}/revokeScope",
            apps::revoke_scope,
        ),
        Route::new(Method::Get, "/auth/v1/audit", apps::audit_log),
        Route::new(Method::Get, "/auth/v1/clients", apps::clients),
    ]
}
