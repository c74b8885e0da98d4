//! The calendar seeder's building blocks, shared by the seeder (`seed.rs`: calendars, recurring
//! series, holidays) and the one-off filler (`seed_filler.rs`): the seeding context, people as
//! event fields, blank events, times and Meet links.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use serde_json::{json, Value};

use super::access::CalendarRow;
use super::model::EventRow;
use super::time::{local_to_utc, When};
use crate::error::Result;
use crate::store::clock::{ids, rfc3339};
use crate::store::users::User;

pub(super) struct Ctx<'a> {
    pub(super) conn: &'a Connection,
    pub(super) now: DateTime<Utc>,
    pub(super) users: Vec<User>,
    pub(super) primary: User,
}

impl Ctx<'_> {
    pub(super) fn user(&self, given: &str) -> &User {
        self.users
            .iter()
            .find(|u| u.given_name == given)
            .unwrap_or(&self.primary)
    }
}

pub(super) fn person(u: &User) -> Value {
    json!({"email": u.email, "displayName": u.display_name})
}

pub(super) fn attendee(u: &User, status: &str) -> Value {
    json!({"email": u.email, "displayName": u.display_name, "responseStatus": status})
}

pub(super) fn organizer_attendee(u: &User) -> Value {
    json!({"email": u.email, "displayName": u.display_name, "organizer": true, "responseStatus": "accepted"})
}

/// A blank event on `cal` organized by `org`.
#[allow(clippy::too_many_arguments)]
pub(super) fn event(
    c: &Ctx<'_>,
    rng: &mut ChaCha8Rng,
    cal: &CalendarRow,
    organizer: Value,
    summary: &str,
    start: When,
    end: When,
) -> Result<EventRow> {
    let id = ids::base32hex(c.conn, 26)?;
    let created = c.now
        - Duration::days(rng.random_range(3..90))
        - Duration::minutes(rng.random_range(0..600));
    let updated = created + Duration::days(rng.random_range(0..3));
    let updated = updated.min(c.now - Duration::minutes(5));
    let mut row = EventRow::new(
        id,
        &cal.id,
        (start, end),
        (organizer.clone(), organizer),
        rfc3339(created),
    );
    row.summary = Some(summary.to_string());
    row.updated = rfc3339(updated);
    Ok(row)
}

pub(super) fn timed(tz: Tz, date: NaiveDate, h: u32, m: u32) -> When {
    When::DateTime {
        at: local_to_utc(
            tz,
            date.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()),
        ),
        tz: Some(tz),
    }
}

pub(super) fn plus_minutes(w: &When, minutes: i64) -> When {
    match w {
        When::DateTime { at, tz } => When::DateTime {
            at: *at + Duration::minutes(minutes),
            tz: *tz,
        },
        When::Date(d) => When::Date(*d + Duration::days(1)),
    }
}

pub(super) fn meet(c: &Ctx<'_>) -> Result<Value> {
    let code: String = ids::base32hex(c.conn, 10)?
        .chars()
        .map(|ch| {
            if ch.is_ascii_digit() {
                (b'a' + ch as u8 - b'0') as char
            } else {
                ch
            }
        })
        .collect();
    let code = format!("{}-{}-{}", &code[..3], &code[3..7], &code[7..10]);
    Ok(json!({
        "entryPoints": [{"entryPointType": "video", "uri": format!("https://meet.google.com/{code}"), "label": format!("meet.google.com/{code}")}],
        "conferenceSolution": {"key": {"type": "hangoutsMeet"}, "name": "Google Meet"},
        "conferenceId": code,
    }))
}

pub(super) struct Cals {
    pub(super) primary: CalendarRow,
    pub(super) team: CalendarRow,
    pub(super) product: CalendarRow,
    pub(super) leadership: CalendarRow,
    pub(super) recruiting: CalendarRow,
    pub(super) travel: CalendarRow,
    pub(super) family: CalendarRow,
    pub(super) holidays: CalendarRow,
}

/// `u`'s primary calendar (id = email), last updated at `updated`.
pub(super) fn primary_cal(u: &User, updated: String) -> CalendarRow {
    CalendarRow {
        id: u.email.clone(),
        owner_id: Some(u.id.clone()),
        summary: u.email.clone(),
        description: None,
        location: None,
        time_zone: u.time_zone.clone(),
        is_primary: true,
        updated,
    }
}
