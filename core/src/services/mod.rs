//! The mock services. Each one owns its tables (`schema.rs`), its REST handlers and its seeder;
//! this module lists them for the router.

pub mod auth;
pub mod calendar;
pub mod docs;
pub mod drive;
pub mod gmail;
pub mod slack;

use crate::rest::{Envelope, Route};

/// A service as the router sees it: path prefixes, an error envelope and its endpoints.
pub struct Service {
    pub name: &'static str,
    /// A request belongs to the first service one of whose prefixes starts its path.
    pub prefixes: &'static [&'static str],
    pub envelope: Envelope,
    pub routes: Vec<Route>,
}

/// Every service of the world.
pub fn all() -> Vec<Service> {
    vec![
        Service {
            name: "gmail",
            prefixes: &["/gmail/v1/"],
            envelope: Envelope::Google,
            routes: gmail::routes(),
        },
        Service {
            name: "calendar",
            prefixes: &["/calendar/v3/"],
            envelope: Envelope::Google,
            routes: calendar::routes(),
        },
        Service {
            name: "drive",
            prefixes: &["/drive/v3/", "/upload/drive/v3/"],
            envelope: Envelope::Google,
            routes: drive::routes(),
        },
        Service {
            name: "docs",
            prefixes: &["/v1/documents"],
            envelope: Envelope::Google,
            routes: docs::routes(),
        },
        Service {
            name: "slack",
            prefixes: &["/api/"],
            envelope: Envelope::Slack,
            routes: slack::routes(),
        },
        Service {
            name: "auth",
            prefixes: auth::PREFIXES,
            envelope: Envelope::Google,
            routes: auth::routes(),
        },
    ]
}
