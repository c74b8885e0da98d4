//! Calendar filler: every internal user's primary calendar and settings; for the primary user a
//! realistic set of secondary calendars (Team, Product, Leadership, Recruiting, Travel, Family,
//! US holidays), recurring meetings (daily standup, 1:1s, monthly reviews, birthdays — with
//! EXDATE, UNTIL, COUNT, exceptions), and one-off meetings, all-day and multi-day events,
//! invitations from colleagues, cancellations and events in other zones, spread around now.
//! Deterministic: only the service's rng and the world's id generator are used.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use chrono_tz::Tz;
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use serde_json::json;

use super::access::{insert_calendar, put_acl, CalendarRow, Role};
use super::calendars::{new_entry, save_entry};
use super::seed_kit::{
    attendee, event, meet, organizer_attendee, person, plus_minutes, primary_cal, timed, Cals, Ctx,
};
use super::time::When;
use crate::error::{Error, Result};
use crate::seed::Scale;
use crate::store::clock::{self, ids, rfc3339};
use crate::store::users::{self, User, DOMAIN};

/// Id of the subscribed US holidays calendar.
pub const HOLIDAYS_ID: &str = "en.usa#holiday@group.v.calendar.google.com";

fn calendar(
    c: &Ctx<'_>,
    id: String,
    owner: Option<&User>,
    summary: &str,
    description: Option<&str>,
) -> Result<CalendarRow> {
    let cal = CalendarRow {
        id,
        owner_id: owner.map(|u| u.id.clone()),
        summary: summary.to_string(),
        description: description.map(str::to_string),
        location: None,
        time_zone: owner
            .map(|u| u.time_zone.clone())
            .unwrap_or_else(|| c.primary.time_zone.clone()),
        is_primary: false,
        updated: rfc3339(c.now - Duration::days(200)),
    };
    insert_calendar(c.conn, &cal)?;
    if let Some(o) = owner {
        put_acl(
            c.conn,
            &cal.id,
            "user",
            Some(&o.email),
            Role::Owner,
            &cal.updated,
        )?;
    }
    Ok(cal)
}

/// The n-th (1-based; -1 = last) `weekday` of a month.
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: i32) -> Option<NaiveDate> {
    if n > 0 {
        NaiveDate::from_weekday_of_month_opt(year, month, weekday, n as u8)
    } else {
        (1..=5)
            .rev()
            .find_map(|k| NaiveDate::from_weekday_of_month_opt(year, month, weekday, k))
    }
}

fn holidays(year: i32) -> Vec<(&'static str, Option<NaiveDate>)> {
    let d = |m, day| NaiveDate::from_ymd_opt(year, m, day);
    vec![
        ("New Year's Day", d(1, 1)),
        (
            "Martin Luther King Jr. Day",
            nth_weekday(year, 1, Weekday::Mon, 3),
        ),
        ("Presidents' Day", nth_weekday(year, 2, Weekday::Mon, 3)),
        ("Memorial Day", nth_weekday(year, 5, Weekday::Mon, -1)),
        ("Juneteenth", d(6, 19)),
        ("Independence Day", d(7, 4)),
        ("Labor Day", nth_weekday(year, 9, Weekday::Mon, 1)),
        ("Columbus Day", nth_weekday(year, 10, Weekday::Mon, 2)),
        ("Veterans Day", d(11, 11)),
        ("Thanksgiving Day", nth_weekday(year, 11, Weekday::Thu, 4)),
        ("Christmas Day", d(12, 25)),
    ]
}

/// Seeds the calendar service.
pub fn seed(conn: &Connection, rng: &mut ChaCha8Rng, scale: Scale) -> Result<()> {
    let now = clock::now(conn)?;
    let all = users::all(conn)?;
    let primary =
        users::primary(conn)?.ok_or_else(|| Error::Invalid("calendar seed needs users".into()))?;
    let c = Ctx {
        conn,
        now,
        users: all.clone(),
        primary: primary.clone(),
    };
    let since = rfc3339(now - Duration::days(400));
    for u in all.iter().filter(|u| u.is_internal) {
        let cal = primary_cal(u, since.clone());
        insert_calendar(conn, &cal)?;
        put_acl(conn, &cal.id, "user", Some(&u.email), Role::Owner, &since)?;
        put_acl(
            conn,
            &cal.id,
            "domain",
            Some(DOMAIN),
            Role::FreeBusyReader,
            &since,
        )?;
        let mut entry = new_entry(&u.id, &cal.id, 14, &since);
        entry.default_reminders = json!([{"method": "popup", "minutes": 10}]);
        entry.notifications = Some(json!({"notifications": [
            {"type": "eventCreation", "method": "email"},
            {"type": "eventChange", "method": "email"},
            {"type": "eventCancellation", "method": "email"},
            {"type": "eventResponse", "method": "email"}
        ]}));
        save_entry(conn, &entry)?;
        super::settings::seed_for(conn, u)?;
    }
    if scale.calendar_events == 0 {
        return Ok(());
    }
    seed_workspace(&c, rng, scale.calendar_events)
}

fn seed_workspace(c: &Ctx<'_>, rng: &mut ChaCha8Rng, target: usize) -> Result<()> {
    let alex = c.primary.clone();
    let jordan = c.user("Jordan").clone();
    let sarah = c.user("Sarah").clone();
    let group_id = |c: &Ctx<'_>| -> Result<String> {
        Ok(format!(
            "c_{}@group.calendar.google.com",
            ids::base32hex(c.conn, 26)?
        ))
    };
    let cals = Cals {
        primary: primary_cal(&alex, rfc3339(c.now)),
        team: calendar(
            c,
            group_id(c)?,
            Some(&alex),
            "Team",
            Some("Engineering & product team events"),
        )?,
        product: calendar(
            c,
            group_id(c)?,
            Some(&alex),
            "Product",
            Some("Launches, reviews and roadmap"),
        )?,
        leadership: calendar(
            c,
            group_id(c)?,
            Some(&alex),
            "Leadership",
            Some("Leadership team meetings"),
        )?,
        recruiting: calendar(
            c,
            group_id(c)?,
            Some(&alex),
            "Recruiting",
            Some("Interviews and hiring syncs"),
        )?,
        travel: calendar(c, group_id(c)?, Some(&alex), "Travel", None)?,
        family: calendar(c, group_id(c)?, Some(&alex), "Family", None)?,
        holidays: calendar(
            c,
            HOLIDAYS_ID.to_string(),
            None,
            "Holidays in United States",
            Some("Holidays and Observances in United States"),
        )?,
    };
    let stamp = rfc3339(c.now - Duration::days(200));
    put_acl(
        c.conn,
        &cals.team.id,
        "domain",
        Some(DOMAIN),
        Role::Reader,
        &stamp,
    )?;
    put_acl(
        c.conn,
        &cals.team.id,
        "user",
        Some(&jordan.email),
        Role::Writer,
        &stamp,
    )?;
    put_acl(
        c.conn,
        &cals.product.id,
        "domain",
        Some(DOMAIN),
        Role::Reader,
        &stamp,
    )?;
    put_acl(
        c.conn,
        &cals.leadership.id,
        "user",
        Some(&sarah.email),
        Role::Writer,
        &stamp,
    )?;
    put_acl(
        c.conn,
        &cals.holidays.id,
        "default",
        None,
        Role::Reader,
        &stamp,
    )?;
    put_acl(
        c.conn,
        &jordan.email,
        "user",
        Some(&alex.email),
        Role::Reader,
        &stamp,
    )?;
    for (i, cal) in [
        &cals.team,
        &cals.product,
        &cals.leadership,
        &cals.recruiting,
        &cals.travel,
        &cals.family,
        &cals.holidays,
    ]
    .into_iter()
    .enumerate()
    {
        save_entry(
            c.conn,
            &new_entry(&alex.id, &cal.id, [9, 16, 24, 6, 2, 21, 8][i], &stamp),
        )?;
    }
    let mut jordan_entry = new_entry(&alex.id, &jordan.email, 12, &stamp);
    jordan_entry.hidden = true;
    jordan_entry.selected = false;
    save_entry(c.conn, &jordan_entry)?;
    save_entry(c.conn, &new_entry(&jordan.id, &cals.team.id, 9, &stamp))?;
    save_entry(
        c.conn,
        &new_entry(&sarah.id, &cals.leadership.id, 24, &stamp),
    )?;

    let mut count = 0usize;
    count += seed_recurring(c, rng, &cals)?;
    count += seed_holidays(c, rng, &cals.holidays)?;
    let large = target > 200;
    let (back, fwd) = if large { (182, 182) } else { (28, 42) };
    while count < target {
        super::seed_filler::seed_one_off(c, rng, &cals, back, fwd)?;
        count += 1;
    }
    Ok(())
}

fn seed_holidays(c: &Ctx<'_>, rng: &mut ChaCha8Rng, cal: &CalendarRow) -> Result<usize> {
    let year = c.now.year();
    let mut n = 0;
    for (name, date) in holidays(year)
        .into_iter()
        .chain(holidays(year + 1).into_iter().take(1))
    {
        let Some(d) = date else { continue };
        let org = json!({"email": cal.id, "displayName": cal.summary});
        let mut e = event(
            c,
            rng,
            cal,
            org,
            name,
            When::Date(d),
            When::Date(d + Duration::days(1)),
        )?;
        e.transparency = "transparent".into();
        e.visibility = "public".into();
        e.description = Some("Public holiday".into());
        e.ical_uid = format!(
            "{}_{}@google.com",
            d.format("%Y%m%d"),
            name.to_lowercase().replace([' ', '\'', '.'], "_")
        );
        e.save(c.conn, cal.tz())?;
        n += 1;
    }
    Ok(n)
}

/// The Monday of the week `weeks` weeks from now (local to `tz`).
fn monday(c: &Ctx<'_>, tz: Tz, weeks: i64) -> NaiveDate {
    let today = c.now.with_timezone(&tz).date_naive();
    today - Duration::days(today.weekday().num_days_from_monday() as i64) + Duration::weeks(weeks)
}

fn seed_recurring(c: &Ctx<'_>, rng: &mut ChaCha8Rng, cals: &Cals) -> Result<usize> {
    let la: Tz = c
        .primary
        .time_zone
        .parse()
        .unwrap_or(chrono_tz::America::Los_Angeles);
    let alex = c.primary.clone();
    let u = |g: &str| c.user(g).clone();
    let start_week = monday(c, la, -8);
    let mut n = 0;

    // Daily standup, organized by Jordan on his calendar; one skipped day (EXDATE) and one
    // cancelled instance (an exception row).
    let jordan = u("Jordan");
    let jcal = primary_cal(&jordan, rfc3339(c.now));
    let s = timed(la, start_week, 9, 30);
    let mut e = event(
        c,
        rng,
        &jcal,
        person(&jordan),
        "Daily Standup",
        s.clone(),
        plus_minutes(&s, 15),
    )?;
    let skip = start_week + Duration::days(14);
    e.recurrence = Some(vec![
        "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR".into(),
        format!("EXDATE;TZID={}:{}T093000", la.name(), skip.format("%Y%m%d")),
    ]);
    e.description = Some("15 minutes: yesterday, today, blockers.".into());
    e.attendees = vec![
        organizer_attendee(&jordan),
        attendee(&alex, "accepted"),
        attendee(&u("Priya"), "accepted"),
        attendee(&u("Diego"), "accepted"),
        attendee(&u("Hiro"), "tentative"),
        attendee(&u("Noah"), "accepted"),
    ];
    e.conference_data = Some(meet(c)?);
    e.save(c.conn, la)?;
    let cancelled_day = monday(c, la, 1) + Duration::days(2);
    let mut ex = e.instance(&timed(la, cancelled_day, 9, 30), la);
    ex.status = "cancelled".into();
    ex.save(c.conn, la)?;
    n += 1;

    // Weekly 1:1 with Jordan on Tuesdays; next week's moved an hour later.
    let s = timed(la, start_week + Duration::days(1), 10, 0);
    let mut e = event(
        c,
        rng,
        &cals.primary,
        person(&alex),
        "1:1 Alex / Jordan",
        s.clone(),
        plus_minutes(&s, 30),
    )?;
    e.recurrence = Some(vec!["RRULE:FREQ=WEEKLY;BYDAY=TU".into()]);
    e.attendees = vec![organizer_attendee(&alex), attendee(&jordan, "accepted")];
    e.reminders = json!({"useDefault": false, "overrides": [{"method": "popup", "minutes": 5}]});
    e.save(c.conn, la)?;
    let day = monday(c, la, 1) + Duration::days(1);
    let mut ex = e.instance(&timed(la, day, 10, 0), la);
    ex.start = timed(la, day, 11, 0);
    ex.end = timed(la, day, 11, 30);
    ex.sequence = 1;
    ex.save(c.conn, la)?;
    n += 1;

    // Biweekly 1:1 with Priya.
    let s = timed(la, start_week + Duration::days(3), 14, 0);
    let mut e = event(
        c,
        rng,
        &cals.primary,
        person(&alex),
        "1:1 Alex / Priya",
        s.clone(),
        plus_minutes(&s, 30),
    )?;
    e.recurrence = Some(vec!["RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH".into()]);
    e.attendees = vec![organizer_attendee(&alex), attendee(&u("Priya"), "accepted")];
    e.save(c.conn, la)?;
    n += 1;

    // Monthly product review, first Wednesday.
    let first =
        NaiveDate::from_ymd_opt(start_week.year(), start_week.month(), 1).unwrap_or(start_week);
    let s = timed(la, first, 11, 0);
    let org = json!({"email": cals.product.id, "displayName": cals.product.summary});
    let mut e = event(
        c,
        rng,
        &cals.product,
        org,
        "Monthly Product Review",
        s.clone(),
        plus_minutes(&s, 60),
    )?;
    e.recurrence = Some(vec!["RRULE:FREQ=MONTHLY;BYDAY=1WE".into()]);
    e.location = Some("Room Ada (3F)".into());
    e.attendees = vec![
        attendee(&alex, "accepted"),
        attendee(&u("Diego"), "accepted"),
        attendee(&u("Noah"), "needsAction"),
        attendee(&u("Sarah"), "tentative"),
    ];
    e.creator = person(&alex);
    e.save(c.conn, la)?;
    n += 1;

    // Leadership sync, last Friday of the month.
    let s = timed(la, first, 15, 0);
    let org = json!({"email": cals.leadership.id, "displayName": cals.leadership.summary});
    let mut e = event(
        c,
        rng,
        &cals.leadership,
        org,
        "Leadership Sync",
        s.clone(),
        plus_minutes(&s, 60),
    )?;
    e.recurrence = Some(vec!["RRULE:FREQ=MONTHLY;BYDAY=-1FR".into()]);
    e.attendees = vec![
        attendee(&alex, "accepted"),
        attendee(&u("Sarah"), "accepted"),
        attendee(&u("Marcus"), "accepted"),
        attendee(&u("Emma"), "declined"),
    ];
    e.creator = person(&alex);
    e.visibility = "private".into();
    e.save(c.conn, la)?;
    n += 1;

    // Budget check-in on the 15th, six times, in Emma's zone.
    let berlin: Tz = u("Emma")
        .time_zone
        .parse()
        .unwrap_or(chrono_tz::Europe::Berlin);
    let s = timed(berlin, first, 17, 0);
    let mut e = event(
        c,
        rng,
        &cals.primary,
        person(&alex),
        "Budget check-in",
        s.clone(),
        plus_minutes(&s, 30),
    )?;
    e.recurrence = Some(vec!["RRULE:FREQ=MONTHLY;BYMONTHDAY=15;COUNT=6".into()]);
    e.attendees = vec![organizer_attendee(&alex), attendee(&u("Emma"), "accepted")];
    e.conference_data = Some(meet(c)?);
    e.save(c.conn, la)?;
    n += 1;

    // Recruiting sync, ten Wednesdays.
    let s = timed(la, start_week + Duration::days(2), 13, 0);
    let org = json!({"email": cals.recruiting.id, "displayName": cals.recruiting.summary});
    let mut e = event(
        c,
        rng,
        &cals.recruiting,
        org,
        "Recruiting sync",
        s.clone(),
        plus_minutes(&s, 30),
    )?;
    e.recurrence = Some(vec!["RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=10".into()]);
    e.attendees = vec![
        attendee(&alex, "accepted"),
        attendee(&u("Olivia"), "accepted"),
    ];
    e.creator = person(&alex);
    e.save(c.conn, la)?;
    n += 1;

    // Tokyo sync, organized by Hiro in Asia/Tokyo.
    let hiro = u("Hiro");
    let tokyo: Tz = hiro.time_zone.parse().unwrap_or(chrono_tz::Asia::Tokyo);
    let s = timed(tokyo, monday(c, tokyo, -8) + Duration::days(3), 9, 0);
    let mut e = event(
        c,
        rng,
        &primary_cal(&hiro, rfc3339(c.now)),
        person(&hiro),
        "Tokyo sync (ML infra)",
        s.clone(),
        plus_minutes(&s, 45),
    )?;
    e.recurrence = Some(vec!["RRULE:FREQ=WEEKLY;BYDAY=TH".into()]);
    e.attendees = vec![
        organizer_attendee(&hiro),
        attendee(&alex, "accepted"),
        attendee(&u("Priya"), "needsAction"),
    ];
    e.conference_data = Some(meet(c)?);
    e.save(c.conn, tokyo)?;
    n += 1;

    // Gym, Mon/Wed/Fri mornings until the end of next quarter.
    let s = timed(la, start_week, 7, 0);
    let org = json!({"email": cals.family.id, "displayName": cals.family.summary});
    let mut e = event(
        c,
        rng,
        &cals.family,
        org.clone(),
        "Gym",
        s.clone(),
        plus_minutes(&s, 60),
    )?;
    let until = start_week + Duration::weeks(20);
    e.recurrence = Some(vec![format!(
        "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;UNTIL={}",
        until.format("%Y%m%d")
    )]);
    e.visibility = "private".into();
    e.creator = person(&alex);
    e.save(c.conn, la)?;
    n += 1;

    // Birthdays (yearly, all-day).
    for (name, offset) in [("Mom's birthday", 12), ("Sam's birthday", 33)] {
        let d =
            c.now.with_timezone(&la).date_naive() + Duration::days(offset) - Duration::days(365);
        let mut e = event(
            c,
            rng,
            &cals.family,
            org.clone(),
            name,
            When::Date(d),
            When::Date(d + Duration::days(1)),
        )?;
        e.recurrence = Some(vec!["RRULE:FREQ=YEARLY".into()]);
        e.transparency = "transparent".into();
        e.reminders =
            json!({"useDefault": false, "overrides": [{"method": "popup", "minutes": 1440}]});
        e.creator = person(&alex);
        e.save(c.conn, la)?;
        n += 1;
    }

    // Quarterly planning, second Tuesday every three months.
    let s = timed(la, first, 13, 0);
    let org = json!({"email": cals.team.id, "displayName": cals.team.summary});
    let mut e = event(
        c,
        rng,
        &cals.team,
        org,
        "Quarterly planning",
        s.clone(),
        plus_minutes(&s, 120),
    )?;
    e.recurrence = Some(vec!["RRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU".into()]);
    e.location = Some("Main conference room".into());
    e.attendees = vec![
        attendee(&alex, "accepted"),
        attendee(&jordan, "accepted"),
        attendee(&u("Priya"), "accepted"),
        attendee(&u("Diego"), "tentative"),
    ];
    e.creator = person(&alex);
    e.save(c.conn, la)?;
    n += 1;

    // Security office hours, Liam's, Alex optional.
    let liam = u("Liam");
    let s = timed(la, start_week + Duration::days(4), 8, 0);
    let mut e = event(
        c,
        rng,
        &primary_cal(&liam, rfc3339(c.now)),
        person(&liam),
        "Security office hours",
        s.clone(),
        plus_minutes(&s, 60),
    )?;
    e.recurrence = Some(vec!["RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=12".into()]);
    let mut optional = attendee(&alex, "needsAction");
    optional["optional"] = json!(true);
    e.attendees = vec![organizer_attendee(&liam), optional];
    e.save(c.conn, la)?;
    n += 1;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holiday_rules() {
        let h = holidays(2026);
        let get = |name: &str| {
            h.iter()
                .find(|(n, _)| *n == name)
                .and_then(|(_, d)| *d)
                .unwrap()
        };
        assert_eq!(
            get("Thanksgiving Day"),
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
        );
        assert_eq!(
            get("Memorial Day"),
            NaiveDate::from_ymd_opt(2026, 5, 25).unwrap()
        );
        assert_eq!(
            get("Martin Luther King Jr. Day"),
            NaiveDate::from_ymd_opt(2026, 1, 19).unwrap()
        );
    }
}
