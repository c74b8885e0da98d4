//! The shared user directory: the people of the world, used by every service. The primary user is
//! the one an agent acts for (Alex Chen at NexusAI); colleagues share the domain; external
//! contacts do not.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::error::Result;

/// The domain of the primary user's organisation.
pub const DOMAIN: &str = "nexusai.com";

/// A person in the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub given_name: String,
    pub family_name: String,
    pub title: String,
    pub department: String,
    pub organization: String,
    pub is_internal: bool,
    pub is_primary: bool,
    pub time_zone: String,
}

const COLUMNS: &str = "id, email, display_name, given_name, family_name, title, department, \
                       organization, is_internal, is_primary, time_zone";

fn from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        email: row.get(1)?,
        display_name: row.get(2)?,
        given_name: row.get(3)?,
        family_name: row.get(4)?,
        title: row.get(5)?,
        department: row.get(6)?,
        organization: row.get(7)?,
        is_internal: row.get(8)?,
        is_primary: row.get(9)?,
        time_zone: row.get(10)?,
    })
}

/// Adds a user.
pub fn insert(conn: &Connection, user: &User) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO users ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        ),
        params![
            user.id,
            user.email,
            user.display_name,
            user.given_name,
            user.family_name,
            user.title,
            user.department,
            user.organization,
            user.is_internal,
            user.is_primary,
            user.time_zone
        ],
    )?;
    Ok(())
}

/// Finds a user by id or (case-insensitive) email address.
pub fn find(conn: &Connection, id_or_email: &str) -> Result<Option<User>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users WHERE id = ?1 OR email = ?1 COLLATE NOCASE LIMIT 1"
    ))?;
    Ok(stmt.query_row([id_or_email], from_row).optional()?)
}

/// The primary user (the one an agent acts for), if the world has users.
pub fn primary(conn: &Connection) -> Result<Option<User>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM users ORDER BY is_primary DESC, id LIMIT 1"
    ))?;
    Ok(stmt.query_row([], from_row).optional()?)
}

/// Every user, ordered by id.
pub fn all(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users ORDER BY id"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// (given, family, title, department, time zone) of NexusAI's people; the first is the primary user.
const COLLEAGUES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "Alex",
        "Chen",
        "Head of Product",
        "Product",
        "America/Los_Angeles",
    ),
    (
        "Jordan",
        "Rivera",
        "Engineering Manager",
        "Engineering",
        "America/Los_Angeles",
    ),
    (
        "Priya",
        "Patel",
        "Staff Engineer",
        "Engineering",
        "America/New_York",
    ),
    ("Marcus", "Johnson", "VP Sales", "Sales", "America/Chicago"),
    (
        "Sarah",
        "Kim",
        "Chief Executive Officer",
        "Executive",
        "America/Los_Angeles",
    ),
    (
        "Diego",
        "Morales",
        "Designer",
        "Design",
        "America/Los_Angeles",
    ),
    ("Emma", "Schulz", "Finance Lead", "Finance", "Europe/Berlin"),
    ("Hiro", "Tanaka", "ML Engineer", "Engineering", "Asia/Tokyo"),
    (
        "Olivia",
        "Brown",
        "People Operations",
        "People",
        "America/New_York",
    ),
    (
        "Liam",
        "O'Connor",
        "Security Engineer",
        "Engineering",
        "Europe/Dublin",
    ),
    (
        "Aisha",
        "Bello",
        "Customer Success Manager",
        "Sales",
        "Europe/London",
    ),
    (
        "Noah",
        "Fischer",
        "Data Analyst",
        "Product",
        "America/Denver",
    ),
];

/// (given, family, email, organisation, title, time zone) of people outside NexusAI.
const EXTERNALS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "Dana",
        "Whitfield",
        "dana@horizonvc.com",
        "Horizon Ventures",
        "Partner",
        "America/New_York",
    ),
    (
        "Raj",
        "Mehta",
        "raj.mehta@acmecloud.io",
        "Acme Cloud",
        "Account Executive",
        "America/Los_Angeles",
    ),
    (
        "Sofia",
        "Rossi",
        "sofia@rossilegal.it",
        "Rossi Legal",
        "Counsel",
        "Europe/Rome",
    ),
    (
        "Tom",
        "Becker",
        "tom.becker@gmail.com",
        "",
        "",
        "America/Chicago",
    ),
    (
        "Mei",
        "Lin",
        "mei.lin@globex.com",
        "Globex",
        "Procurement Manager",
        "Asia/Singapore",
    ),
    (
        "Chris",
        "Doyle",
        "chris@pixelforge.design",
        "PixelForge",
        "Contractor",
        "America/Los_Angeles",
    ),
    (
        "Fatima",
        "Zahra",
        "fatima.z@northwind.co",
        "Northwind",
        "CTO",
        "Europe/Paris",
    ),
    (
        "Ben",
        "Carter",
        "ben.carter@outlook.com",
        "",
        "",
        "America/New_York",
    ),
];

/// The fixed directory every seeded world starts with. Ids are stable (`user_<given>` for
/// NexusAI, `ext_<given>` outside) so that tasks and tests can name people.
pub fn directory() -> Vec<User> {
    let mut out = Vec::new();
    for (i, (given, family, title, dept, tz)) in COLLEAGUES.iter().enumerate() {
        let email = format!("{}@{DOMAIN}", given.to_lowercase());
        out.push(User {
            id: format!("user_{}", given.to_lowercase()),
            email,
            display_name: format!("{given} {family}"),
            given_name: given.to_string(),
            family_name: family.to_string(),
            title: title.to_string(),
            department: dept.to_string(),
            organization: "NexusAI".into(),
            is_internal: true,
            is_primary: i == 0,
            time_zone: tz.to_string(),
        });
    }
    for (given, family, email, org, title, tz) in EXTERNALS {
        out.push(User {
            id: format!("ext_{}", given.to_lowercase()),
            email: email.to_string(),
            display_name: format!("{given} {family}"),
            given_name: given.to_string(),
            family_name: family.to_string(),
            title: title.to_string(),
            department: String::new(),
            organization: org.to_string(),
            is_internal: false,
            is_primary: false,
            time_zone: tz.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_is_consistent() {
        let dir = directory();
        assert_eq!(dir.iter().filter(|u| u.is_primary).count(), 1);
        assert_eq!(dir[0].email, "alex@nexusai.com");
        for u in &dir {
            assert!(
                u.time_zone.parse::<chrono_tz::Tz>().is_ok(),
                "{}",
                u.time_zone
            );
            assert_eq!(u.is_internal, u.email.ends_with(DOMAIN));
        }
        let ids: std::collections::BTreeSet<_> = dir.iter().map(|u| &u.id).collect();
        assert_eq!(ids.len(), dir.len());
    }
}
