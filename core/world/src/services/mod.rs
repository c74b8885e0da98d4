//! The mock services. Each one owns its tables (`schema.rs`), its REST handlers and its seeder;
//! this module lists them for the router.

pub mod auth;
pub mod calendar;
pub mod docs;
pub mod drive;
pub mod gmail;
pub mod slack;

use crate::error::Result;
use crate::rest::{Envelope, Method, Route};
use crate::seed::{self, Scale};
use crate::store::{users, World, WorldOptions};

/// A service as the router sees it: path prefixes, an error envelope and its endpoints.
pub struct Service {
    pub name: &'static str,
    /// A request belongs to the first service one of whose prefixes starts its path.
    pub prefixes: &'static [&'static str],
    pub envelope: Envelope,
    pub routes: Vec<Route>,
}

/// Each service's name, path prefixes and error envelope, in routing order.
const SERVICES: [(&str, &[&str], Envelope); 6] = [
    (
        "gmail",
        &["/gmail/v1/", "/upload/gmail/v1/"],
        Envelope::Google,
    ),
    ("calendar", &["/calendar/v3/"], Envelope::Google),
    (
        "drive",
        &["/drive/v3/", "/upload/drive/v3/"],
        Envelope::Google,
    ),
    ("docs", &["/v1/documents"], Envelope::Google),
    ("slack", &["/api/"], Envelope::Slack),
    ("auth", auth::PREFIXES, Envelope::Google),
];

/// Every service of the world.
pub fn all() -> Vec<Service> {
    SERVICES
        .iter()
        .map(|&(name, prefixes, envelope)| Service {
            name,
            prefixes,
            envelope,
            routes: match name {
                "gmail" => gmail::routes(),
                "calendar" => calendar::routes(),
                "drive" => drive::routes(),
                "docs" => docs::routes(),
                "slack" => slack::routes(),
                _ => auth::routes(),
            },
        })
        .collect()
}

/// The path prefixes of service `name` (`gmail`, `calendar`, `drive`, `docs`, `slack`, `auth`);
/// empty for an unknown name.
pub fn prefixes(name: &str) -> &'static [&'static str] {
    SERVICES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or(&[], |&(_, prefixes, _)| prefixes)
}

/// One endpoint, as a client sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub service: &'static str,
    pub method: Method,
    /// The path with `{name}` placeholders (`/gmail/v1/users/{userId}/messages/{id}`).
    pub pattern: &'static str,
}

/// Every endpoint of every service, in routing order.
pub fn endpoints() -> Vec<Endpoint> {
    all()
        .into_iter()
        .flat_map(|s| {
            s.routes.into_iter().map(move |r| Endpoint {
                service: s.name,
                method: r.method,
                pattern: r.pattern,
            })
        })
        .collect()
}

/// Adds the user directory and every service's filler to an empty world.
pub fn seed_world(world: &mut World, scale: Scale) -> Result<()> {
    let seed = world.seed()?;
    let tx = world.conn_mut().transaction()?;
    for user in users::directory() {
        users::insert(&tx, &user)?;
    }
    gmail::seed::seed(&tx, &mut seed::rng_for(seed, "gmail"), scale)?;
    calendar::seed::seed(&tx, &mut seed::rng_for(seed, "calendar"), scale)?;
    drive::seed::seed(&tx, &mut seed::rng_for(seed, "drive"), scale)?;
    docs::seed::seed(&tx, &mut seed::rng_for(seed, "docs"), scale)?;
    slack::seed::seed(&tx, &mut seed::rng_for(seed, "slack"), scale)?;
    auth::seed::seed(&tx, &mut seed::rng_for(seed, "auth"), scale)?;
    tx.commit()?;
    Ok(())
}

/// A new in-memory world, seeded.
pub fn seeded_world(options: &WorldOptions, scale: Scale) -> Result<World> {
    let mut world = World::new(options)?;
    seed_world(&mut world, scale)?;
    Ok(world)
}
