//! Calendars as stored, and who may do what with them: ACL roles resolved per acting user.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::rest::{ApiError, Ctx};
use crate::store::users::User;

/// An ACL role, ordered from least to most access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    None,
    FreeBusyReader,
    Reader,
    Writer,
    Owner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::None => "none",
            Role::FreeBusyReader => "freeBusyReader",
            Role::Reader => "reader",
            Role::Writer => "writer",
            Role::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "none" => Role::None,
            "freeBusyReader" => Role::FreeBusyReader,
            "reader" => Role::Reader,
            "writer" => Role::Writer,
            "owner" => Role::Owner,
            _ => return None,
        })
    }
}

/// A calendar (primary, secondary or subscribed) as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarRow {
    pub id: String,
    pub owner_id: Option<String>,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub time_zone: String,
    pub is_primary: bool,
    pub updated: String,
}

impl CalendarRow {
    pub fn tz(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::UTC)
    }
}

const CAL_COLUMNS: &str =
    "id, owner_id, summary, description, location, time_zone, is_primary, updated";

fn cal_from_row(r: &Row<'_>) -> rusqlite::Result<CalendarRow> {
    Ok(CalendarRow {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        summary: r.get(2)?,
        description: r.get(3)?,
        location: r.get(4)?,
        time_zone: r.get(5)?,
        is_primary: r.get(6)?,
        updated: r.get(7)?,
    })
}

pub fn load_calendar(db: &Connection, id: &str) -> rusqlite::Result<Option<CalendarRow>> {
    db.prepare_cached(&format!(
        "SELECT {CAL_COLUMNS} FROM calendar_calendars WHERE id = ?1 COLLATE NOCASE"
    ))?
    .query_row([id], cal_from_row)
    .optional()
}

pub fn insert_calendar(db: &Connection, c: &CalendarRow) -> rusqlite::Result<()> {
    db.prepare_cached(&format!(
        "INSERT INTO calendar_calendars ({CAL_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    ))?
    .execute(params![
        c.id,
        c.owner_id,
        c.summary,
        c.description,
        c.location,
        c.time_zone,
        c.is_primary,
        c.updated
    ])?;
    Ok(())
}

pub fn save_calendar(db: &Connection, c: &CalendarRow) -> rusqlite::Result<()> {
    db.execute(
        "UPDATE calendar_calendars SET summary = ?2, description = ?3, location = ?4, \
         time_zone = ?5, updated = ?6 WHERE id = ?1",
        params![
            c.id,
            c.summary,
            c.description,
            c.location,
            c.time_zone,
            c.updated
        ],
    )?;
    Ok(())
}

/// `primary` names the acting user's primary calendar (its id is their email).
pub fn resolve_id(user: &User, raw: &str) -> String {
    if raw == "primary" {
        user.email.clone()
    } else {
        raw.to_string()
    }
}

fn domain_of(email: &str) -> &str {
    email.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
}

/// The best role any ACL rule of `calendar_id` grants `user`.
pub fn role_for(db: &Connection, calendar_id: &str, user: &User) -> rusqlite::Result<Role> {
    let mut stmt = db.prepare_cached(
        "SELECT scope_type, scope_value, role FROM calendar_acl WHERE calendar_id = ?1",
    )?;
    let rows = stmt.query_map([calendar_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut best = Role::None;
    for row in rows {
        let (scope_type, value, role) = row?;
        let value = value.unwrap_or_default();
        let applies = match scope_type.as_str() {
            "default" => true,
            "user" | "group" => value.eq_ignore_ascii_case(&user.email),
            "domain" => value.eq_ignore_ascii_case(domain_of(&user.email)),
            _ => false,
        };
        if applies {
            best = best.max(Role::parse(&role).unwrap_or(Role::None));
        }
    }
    Ok(best)
}

pub fn not_found() -> ApiError {
    ApiError::not_found("Not Found")
}

/// A calendar the acting user can see, with their role on it. A calendar they cannot see at all
/// is a 404 (Google does not reveal it exists); too little access is a 403.
pub fn require(ctx: &Ctx<'_>, raw_id: &str, min: Role) -> Result<(CalendarRow, Role), ApiError> {
    let id = resolve_id(ctx.user, raw_id);
    let cal = load_calendar(ctx.db, &id)?.ok_or_else(not_found)?;
    let role = role_for(ctx.db, &cal.id, ctx.user)?;
    if role == Role::None {
        return Err(not_found());
    }
    if role < min {
        return Err(ApiError::new(
            403,
            "requiredAccessLevel",
            format!("You need to have {} access to this calendar.", min.as_str()),
        ));
    }
    Ok((cal, role))
}

/// Adds or replaces an ACL rule.
pub fn put_acl(
    db: &Connection,
    calendar_id: &str,
    scope_type: &str,
    scope_value: Option<&str>,
    role: Role,
    updated: &str,
) -> rusqlite::Result<String> {
    let rule_id = match scope_value {
        Some(v) => format!("{scope_type}:{v}"),
        None => scope_type.to_string(),
    };
    db.prepare_cached(
        "INSERT INTO calendar_acl (calendar_id, rule_id, scope_type, scope_value, role, updated) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(calendar_id, rule_id) DO UPDATE SET \
         role = excluded.role, updated = excluded.updated",
    )?
    .execute(params![
        calendar_id,
        rule_id,
        scope_type,
        scope_value,
        role.as_str(),
        updated
    ])?;
    Ok(rule_id)
}

/// A quoted etag derived from a timestamp and some content, stable for equal inputs.
pub fn etag(parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    let mut n: u64 = 0;
    for b in &digest[..7] {
        n = (n << 8) | u64::from(*b);
    }
    format!("\"{}\"", 1_000_000_000_000_000 + n % 9_000_000_000_000_000)
}
