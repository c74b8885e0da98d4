//! Task needles: the rows a task is about, inserted into a seeded world through the owning
//! service's needle module (`services::<name>::needles`, where each kind and its fields are
//! documented). Every insert returns the rows it created, which the verifier later addresses by
//! role.

use std::fmt::Display;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::services;
use crate::store::users::{self, User};

/// A row a needle created: its collection and primary key, as the state dump writes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeedleRef {
    pub collection: String,
    pub key: String,
}

impl NeedleRef {
    pub fn new(collection: impl Into<String>, key: impl Into<String>) -> NeedleRef {
        NeedleRef {
            collection: collection.into(),
            key: key.into(),
        }
    }
}

/// What a needle insert returns: the rows it created, or what was wrong with the needle.
pub type Inserted = Result<Vec<NeedleRef>, String>;

/// The services that take needles (the names `insert` accepts).
pub const SERVICES: &[&str] = &["gmail", "calendar", "drive", "docs", "auth", "slack"];

/// Inserts one needle of `kind` into `service` for `acting_user` (email or id).
pub fn insert(
    conn: &Connection,
    service: &str,
    acting_user: &str,
    kind: &str,
    data: &Value,
) -> Inserted {
    // Gmail needles name their mailbox (`owner`, default the primary user) themselves.
    if service == "gmail" {
        return services::gmail::needles::insert(conn, kind, data);
    }
    let insert = match service {
        "calendar" => services::calendar::needles::insert,
        "drive" => services::drive::needles::insert,
        "docs" => services::docs::needles::insert,
        "auth" => services::auth::needles::insert,
        "slack" => services::slack::needles::insert,
        other => return Err(format!("{other} needles are not supported yet")),
    };
    insert(conn, &user(conn, acting_user)?, kind, data)
}

/// How far from the world's clock a needle's times may be (`days_ago`, `days_from_now`, a
/// duration), in days: 100 years either way. Further is a needle error, not a date overflow.
pub const MAX_DAYS: f64 = 36_525.0;

/// `days` if it is a finite number within [`MAX_DAYS`] either way; else an error naming `what`.
pub(crate) fn days_in_range(days: f64, what: &str) -> Result<f64, String> {
    if days.is_finite() && days.abs() <= MAX_DAYS {
        Ok(days)
    } else {
        Err(format!(
            "'{what}' must be a number of days within ±{MAX_DAYS}, not {days}"
        ))
    }
}

/// Needle errors are plain messages (they end up in a task proof's explanation).
pub(crate) fn err(e: impl Display) -> String {
    e.to_string()
}

/// The user `who` (email or id), or an error naming it.
pub(crate) fn user(conn: &Connection, who: &str) -> Result<User, String> {
    users::find(conn, who)
        .map_err(err)?
        .ok_or_else(|| format!("unknown user '{who}'"))
}
