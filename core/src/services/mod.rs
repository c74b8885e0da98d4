//! The mock services. Each one owns its tables (`schema.rs`), its REST handlers and its seeder;
//! this module lists them for the router.

pub mod calendar;
pub mod gmail;

use crate::rest::{Envelope, Route};

/// A service as the router sees it: a path prefix, an error envelope and its endpoints.
pub struct Service {
    pub name: &'static str,
    pub prefix: &'static str,
    pub envelope: Envelope,
    pub routes: Vec<Route>,
}

/// Every service of the world.
pub fn all() -> Vec<Service> {
    vec![
        Service {
            name: "gmail",
            prefix: "/gmail/v1/",
            envelope: Envelope::Google,
            routes: gmail::routes(),
        },
        Service {
            name: "calendar",
            prefix: "/calendar/v3/",
            envelope: Envelope::Google,
            routes: calendar::routes(),
        },
    ]
}
