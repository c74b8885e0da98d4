//! One-off filler events for the calendar seeder: meetings (some in guests' zones), invitations
//! from colleagues, personal events, all-day and multi-day trips, with cancellations, colours,
//! reminders and extended properties sprinkled in.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use chrono_tz::Tz;
use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::seed_kit::{
    attendee, event, meet, organizer_attendee, person, plus_minutes, primary_cal, timed, Cals, Ctx,
};
use super::time::When;
use crate::error::Result;
use crate::store::clock::rfc3339;
use crate::store::users::User;

struct Template {
    summary: &'static str,
    minutes: i64,
    guests: &'static [&'static str],
    location: Option<&'static str>,
    description: Option<&'static str>,
}

const MEETINGS: &[Template] = &[
    Template {
        summary: "Design review: onboarding flow",
        minutes: 60,
        guests: &["Diego", "Noah"],
        location: Some("Room Lovelace"),
        description: Some(
            "Walk through the new onboarding screens and decide on the empty states.",
        ),
    },
    Template {
        summary: "Customer call — Globex",
        minutes: 30,
        guests: &["Mei", "Aisha"],
        location: None,
        description: Some("Renewal and expansion; bring the usage report."),
    },
    Template {
        summary: "Pipeline review",
        minutes: 45,
        guests: &["Marcus", "Aisha"],
        location: None,
        description: None,
    },
    Template {
        summary: "Interview: Senior Backend Engineer",
        minutes: 60,
        guests: &["Olivia"],
        location: Some("Room Turing"),
        description: Some("System design round. Scorecard in the hiring tool."),
    },
    Template {
        summary: "Vendor demo — Acme Cloud",
        minutes: 45,
        guests: &["Raj", "Liam"],
        location: None,
        description: Some("GPU pricing and reserved capacity."),
    },
    Template {
        summary: "Investor update prep",
        minutes: 60,
        guests: &["Sarah", "Emma"],
        location: None,
        description: Some("Draft the Q1 investor update."),
    },
    Template {
        summary: "Coffee with Dana",
        minutes: 45,
        guests: &["Dana"],
        location: Some("Blue Bottle, Hayes Valley"),
        description: None,
    },
    Template {
        summary: "Lunch with Priya",
        minutes: 60,
        guests: &["Priya"],
        location: Some("Tartine Manufactory"),
        description: None,
    },
    Template {
        summary: "Architecture deep dive: agent runtime",
        minutes: 90,
        guests: &["Priya", "Hiro", "Jordan"],
        location: None,
        description: Some("KV cache reuse across turns; on-device memory budget."),
    },
    Template {
        summary: "Roadmap planning",
        minutes: 90,
        guests: &["Sarah", "Jordan", "Noah"],
        location: Some("Main conference room"),
        description: None,
    },
    Template {
        summary: "Sprint retro",
        minutes: 60,
        guests: &["Jordan", "Priya", "Diego", "Hiro"],
        location: None,
        description: None,
    },
    Template {
        summary: "Pricing discussion",
        minutes: 60,
        guests: &["Marcus", "Emma", "Noah"],
        location: None,
        description: Some("Usage-based vs seat-based; see the pricing doc."),
    },
    Template {
        summary: "Legal review with Sofia",
        minutes: 45,
        guests: &["Sofia"],
        location: None,
        description: Some("DPA redlines for the Northwind contract."),
    },
    Template {
        summary: "Contractor check-in",
        minutes: 30,
        guests: &["Chris"],
        location: None,
        description: None,
    },
    Template {
        summary: "Partnership call — Northwind",
        minutes: 45,
        guests: &["Fatima", "Marcus"],
        location: None,
        description: None,
    },
    Template {
        summary: "Security review: SSO rollout",
        minutes: 60,
        guests: &["Liam", "Jordan"],
        location: None,
        description: None,
    },
    Template {
        summary: "Data review: activation funnel",
        minutes: 45,
        guests: &["Noah"],
        location: None,
        description: Some("Week-over-week activation and the drop at step 3."),
    },
    Template {
        summary: "All hands",
        minutes: 60,
        guests: &["Sarah", "Jordan", "Marcus", "Emma", "Olivia"],
        location: Some("Main conference room"),
        description: None,
    },
    Template {
        summary: "Hiring committee",
        minutes: 60,
        guests: &["Olivia", "Jordan", "Sarah"],
        location: None,
        description: None,
    },
    Template {
        summary: "Launch readiness check",
        minutes: 45,
        guests: &["Diego", "Priya", "Aisha"],
        location: None,
        description: None,
    },
];

const PERSONAL: &[(&str, i64, Option<&str>)] = &[
    ("Dentist", 60, Some("Castro Dental, 2280 Market St")),
    ("Parent-teacher conference", 30, Some("Grattan Elementary")),
    ("Soccer practice pickup", 30, None),
    ("Dinner with Tom", 120, Some("Nopa")),
    ("Car service", 60, Some("Mission Auto")),
    ("Haircut", 45, None),
];

const ALL_DAY: &[&str] = &[
    "Company offsite",
    "PTO",
    "Focus day: launch prep",
    "ML Systems Summit",
    "Board meeting day",
    "Customer onsite — Globex",
];

const TRIPS: &[(&str, &str, &str)] = &[
    ("New York", "JFK", "The Roxy Hotel"),
    ("Berlin", "BER", "Hotel Oderberger"),
    ("Tokyo", "HND", "Park Hyatt Tokyo"),
    ("Austin", "AUS", "Hotel San José"),
    ("London", "LHR", "The Hoxton, Holborn"),
];

const STATUSES: &[&str] = &[
    "accepted",
    "accepted",
    "accepted",
    "needsAction",
    "tentative",
    "declined",
];

fn workday(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d += Duration::days(1);
    }
    d
}

pub(super) fn seed_one_off(
    c: &Ctx<'_>,
    rng: &mut ChaCha8Rng,
    cals: &Cals,
    back: i64,
    fwd: i64,
) -> Result<()> {
    let la: Tz = c
        .primary
        .time_zone
        .parse()
        .unwrap_or(chrono_tz::America::Los_Angeles);
    let today = c.now.with_timezone(&la).date_naive();
    let day = today + Duration::days(rng.random_range(-back..=fwd));
    let alex = c.primary.clone();
    let roll: u32 = rng.random_range(0..100);
    let mut e = if roll < 62 {
        let t = MEETINGS.choose(rng).unwrap_or(&MEETINGS[0]);
        let d = workday(day);
        let guests: Vec<User> = t.guests.iter().map(|g| c.user(g).clone()).collect();
        let external = guests.iter().find(|g| !g.is_internal).cloned();
        // Meetings with someone abroad are written in their zone.
        let tz: Tz = match &external {
            Some(x) if rng.random_bool(0.5) => x.time_zone.parse().unwrap_or(la),
            _ => la,
        };
        let hour = if tz == la {
            rng.random_range(8..17)
        } else {
            rng.random_range(9..16)
        };
        let s = timed(tz, d, hour, *[0, 30].choose(rng).unwrap_or(&0));
        let cal = match t.summary {
            s if s.starts_with("Interview") || s.starts_with("Hiring") => &cals.recruiting,
            s if s.starts_with("Roadmap") || s.starts_with("Launch") || s.starts_with("Design") => {
                &cals.product
            }
            s if s.starts_with("Sprint") || s.starts_with("Architecture") => &cals.team,
            _ => &cals.primary,
        };
        let org = if cal.id == cals.primary.id {
            person(&alex)
        } else {
            json!({"email": cal.id, "displayName": cal.summary})
        };
        let mut e = event(
            c,
            rng,
            cal,
            org,
            t.summary,
            s.clone(),
            plus_minutes(&s, t.minutes),
        )?;
        e.creator = person(&alex);
        e.location = t.location.map(str::to_string);
        e.description = t.description.map(str::to_string);
        if cal.id == cals.primary.id {
            e.attendees.push(organizer_attendee(&alex));
        } else {
            e.attendees.push(attendee(&alex, "accepted"));
        }
        for g in &guests {
            e.attendees
                .push(attendee(g, STATUSES.choose(rng).unwrap_or(&"accepted")));
        }
        if rng.random_bool(0.4) {
            e.conference_data = Some(meet(c)?);
        }
        e
    } else if roll < 72 {
        // An invitation from a colleague, on their calendar.
        let host = c
            .users
            .iter()
            .filter(|u| u.is_internal && !u.is_primary)
            .collect::<Vec<_>>()
            .choose(rng)
            .map(|u| (*u).clone())
            .unwrap_or_else(|| alex.clone());
        let t = MEETINGS.choose(rng).unwrap_or(&MEETINGS[0]);
        let d = workday(day);
        let s = timed(la, d, rng.random_range(8..17), 0);
        let mut e = event(
            c,
            rng,
            &primary_cal(&host, rfc3339(c.now)),
            person(&host),
            t.summary,
            s.clone(),
            plus_minutes(&s, t.minutes),
        )?;
        e.description = t.description.map(str::to_string);
        e.attendees = vec![
            organizer_attendee(&host),
            attendee(&alex, STATUSES.choose(rng).unwrap_or(&"needsAction")),
        ];
        if rng.random_bool(0.5) {
            e.conference_data = Some(meet(c)?);
        }
        e
    } else if roll < 82 {
        let (summary, minutes, location) = *PERSONAL.choose(rng).unwrap_or(&PERSONAL[0]);
        let s = timed(la, day, rng.random_range(8..19), 0);
        let org = json!({"email": cals.family.id, "displayName": cals.family.summary});
        let mut e = event(
            c,
            rng,
            &cals.family,
            org,
            summary,
            s.clone(),
            plus_minutes(&s, minutes),
        )?;
        e.creator = person(&alex);
        e.location = location.map(str::to_string);
        e.visibility = "private".into();
        e.reminders =
            json!({"useDefault": false, "overrides": [{"method": "popup", "minutes": 60}]});
        e
    } else if roll < 92 {
        let summary = ALL_DAY.choose(rng).unwrap_or(&ALL_DAY[0]);
        let days = if *summary == "Company offsite" { 2 } else { 1 };
        let mut e = event(
            c,
            rng,
            &cals.primary,
            person(&alex),
            summary,
            When::Date(day),
            When::Date(day + Duration::days(days)),
        )?;
        if *summary == "PTO" {
            e.transparency = "opaque".into();
            e.description = Some("Out of office".into());
        } else {
            e.transparency = "transparent".into();
        }
        e
    } else {
        // A trip: a multi-day all-day event on Travel (the flight is part of the description).
        let (city, airport, hotel) = *TRIPS.choose(rng).unwrap_or(&TRIPS[0]);
        let nights = rng.random_range(2..6);
        let org = json!({"email": cals.travel.id, "displayName": cals.travel.summary});
        let mut e = event(
            c,
            rng,
            &cals.travel,
            org,
            &format!("Trip to {city}"),
            When::Date(day),
            When::Date(day + Duration::days(nights)),
        )?;
        e.creator = person(&alex);
        e.location = Some(hotel.to_string());
        e.description = Some(format!(
            "Flight SFO → {airport}, {nights} nights at {hotel}."
        ));
        e.transparency = "transparent".into();
        e
    };
    if rng.random_bool(0.05) {
        e.status = "cancelled".into();
    }
    if rng.random_bool(0.15) {
        e.color_id = Some(rng.random_range(1..=11).to_string());
    }
    if rng.random_bool(0.15) && e.reminders == json!({"useDefault": true}) {
        e.reminders = json!({"useDefault": false, "overrides": [{"method": "email", "minutes": 60}, {"method": "popup", "minutes": 10}]});
    }
    if rng.random_bool(0.05) {
        e.extended_properties = Some(json!({"private": {"source": "crm"}}));
    }
    let tz = la;
    e.save(c.conn, tz)?;
    Ok(())
}
