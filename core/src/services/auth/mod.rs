//! Placeholder: filled in by the service's own work.

pub mod schema;
pub mod seed;

use crate::rest::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}

/// Path prefixes served by the identity service.
pub const PREFIXES: &[&str] = &["/.well-known/", "/oauth2/", "/auth/v1/"];
