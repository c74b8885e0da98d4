//! Shared pieces of the generators: a per-task random stream, the people and vocabularies tasks
//! draw on, dates relative to the frozen now, and builders for needles, checks, gates and steps
//! that keep every template short and its verifier readable.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The acting user of every generated task.
pub const USER: &str = "alex@nexusai.com";
/// Alex's time zone (the calendar tools read and write local times in it).
pub const TZ: &str = "America/Los_Angeles";

/// A random stream for one task of one template.
pub struct Gen {
    rng: ChaCha8Rng,
    pub index: usize,
    /// Which phrasing of the template's instruction list this task drew (see [`Gen::phrasing`]),
    /// and how many the list has: the phrasing-held-out split is decided on it.
    pub phrasing: Option<(usize, usize)>,
}

impl Gen {
    pub fn new(template: &str, index: usize) -> Gen {
        let mut h = Sha256::new();
        h.update(b"env0-tasks-lite/");
        h.update(template.as_bytes());
        h.update((index as u64).to_le_bytes());
        Gen {
            rng: ChaCha8Rng::from_seed(h.finalize().into()),
            index,
            phrasing: None,
        }
    }

    /// Draws the instruction's phrasing from the template's list and records which one it was.
    pub fn phrasing(&mut self, options: &[&str]) -> String {
        let i = self.range(0, options.len() as i64 - 1) as usize;
        self.phrasing = Some((i, options.len()));
        options.get(i).map(|s| s.to_string()).unwrap_or_default()
    }

    pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items
            .choose(&mut self.rng)
            .cloned()
            .unwrap_or_else(|| unreachable!("generators never pick from an empty list"))
    }

    /// `n` distinct items (order random).
    pub fn pick_n<T: Clone>(&mut self, items: &[T], n: usize) -> Vec<T> {
        items.choose_multiple(&mut self.rng, n).cloned().collect()
    }

    /// An integer in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..=hi)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// A filler world seed from a small pool, so verification can cache base worlds.
    pub fn world_seed(&mut self) -> u64 {
        self.pick(&WORLD_SEEDS)
    }

    /// Shuffles in place.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        use rand::seq::SliceRandom;
        items.shuffle(&mut self.rng);
    }
}

/// World seeds the generated tasks use (each one base world per scale and now).
pub const WORLD_SEEDS: [u64; 4] = [11, 23, 37, 41];

/// The frozen now of generated tasks: Monday 16 March 2026, 09:00 in San Francisco.
pub const NOW: &str = "2026-03-16T16:00:00Z";

pub fn now() -> DateTime<Utc> {
    env0_world::default_now()
}

/// Alex's local date `days` from today.
pub fn day(days: i64) -> NaiveDate {
    let today = now()
        .with_timezone(&chrono_tz::America::Los_Angeles)
        .date_naive();
    today + Duration::days(days)
}

/// Whether Alex's local date `days` from today is a working day (Monday to Friday).
pub fn is_workday(days: i64) -> bool {
    !matches!(day(days).weekday(), Weekday::Sat | Weekday::Sun)
}

/// A day offset in `lo..=hi` that falls on a working day (Monday to Friday), uniformly among
/// those; meetings generated tasks ask for or seed land on these. `lo..=hi` must hold one.
pub fn workday(g: &mut Gen, lo: i64, hi: i64) -> i64 {
    let days: Vec<i64> = (lo..=hi).filter(|&d| is_workday(d)).collect();
    assert!(!days.is_empty(), "no working day in {lo}..={hi}");
    g.pick(&days)
}

/// The first working day after `days` (Friday → Monday).
pub fn next_workday(days: i64) -> i64 {
    let mut d = days + 1;
    while !is_workday(d) {
        d += 1;
    }
    d
}

/// A start `(hour, minute)` on the half hour such that a meeting of `minutes` starts at 9:00
/// or later and ends by 17:00 (working hours), and starts no earlier than `earliest`:00.
pub fn work_start(g: &mut Gen, earliest: i64, minutes: i64) -> (i64, i64) {
    let slots: Vec<i64> = (earliest.max(9) * 2..17 * 2)
        .map(|half| half * 30)
        .filter(|start| start + minutes <= 17 * 60)
        .collect();
    assert!(
        !slots.is_empty(),
        "no {minutes}-minute slot from {earliest}:00"
    );
    let start = g.pick(&slots);
    (start / 60, start % 60)
}

/// "Thursday", "tomorrow", "Thursday 19 March", "Tuesday next week", … — how a person names a
/// day `days` ahead.
pub fn day_phrase(g: &mut Gen, days: i64) -> String {
    let d = day(days);
    let weekday = weekday_name(d.weekday());
    let dated = format!("{weekday} {} {}", d.day(), month_name(d.month()));
    match days {
        1 if g.chance(0.6) => "tomorrow".into(),
        2..=6 if g.chance(0.5) => weekday.to_string(),
        7..=13 if g.chance(0.4) => format!("{weekday} next week"),
        _ => dated,
    }
}

/// [`day_phrase`] as it follows a verb: "tomorrow", "on Thursday", "on Tuesday next week".
pub fn on_day(g: &mut Gen, days: i64) -> String {
    let d = day_phrase(g, days);
    if d == "tomorrow" {
        d
    } else {
        format!("on {d}")
    }
}

/// "Thursday 19 March" always (for emails, where relative words would drift).
pub fn dated(days: i64) -> String {
    let d = day(days);
    format!(
        "{} {} {}",
        weekday_name(d.weekday()),
        d.day(),
        month_name(d.month())
    )
}

/// The weekday of Alex's local date `days` from today ("Friday").
pub fn weekday_of(days: i64) -> &'static str {
    weekday_name(day(days).weekday())
}

pub fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

pub fn month_name(m: u32) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][(m as usize).saturating_sub(1).min(11)]
}

/// "2026-03-19T14:30": a local time for the calendar tools and `time_eq`.
pub fn local(days: i64, hour: i64, minute: i64) -> String {
    format!("{}T{hour:02}:{minute:02}", day(days).format("%Y-%m-%d"))
}

pub fn ymd(days: i64) -> String {
    day(days).format("%Y-%m-%d").to_string()
}

/// "2pm", "2:30pm", "11am".
pub fn clock(hour: i64, minute: i64) -> String {
    let (h12, suffix) = match hour {
        0 => (12, "am"),
        1..=11 => (hour, "am"),
        12 => (12, "pm"),
        _ => (hour - 12, "pm"),
    };
    if minute == 0 {
        format!("{h12}{suffix}")
    } else {
        format!("{h12}:{minute:02}{suffix}")
    }
}

/// A regex that accepts the usual ways of writing a time of day ("14:00", "2pm", "2:00 PM").
pub fn clock_regex(hour: i64, minute: i64) -> String {
    let h12 = match hour {
        0 => 12,
        13..=23 => hour - 12,
        h => h,
    };
    let ampm = if hour < 12 { "a" } else { "p" };
    if minute == 0 {
        format!(r"(?i)(\b{hour}:00\b|\b{h12}(:00)?\s*{ampm}\.?m\b)")
    } else {
        format!(r"(?i)(\b{hour}:{minute:02}\b|\b{h12}:{minute:02}\s*{ampm}\.?m\b)")
    }
}

/// A regex that accepts the usual ways of naming the local day `days` from today in free text:
/// "Thursday", "19 March", "March 19th", "Mar 19", "19/03", "3/19", "2026-03-19".
pub fn date_regex(days: i64) -> String {
    let d = day(days);
    let (n, month) = (d.day(), month_name(d.month()));
    let mon = &month[..3];
    let weekday = weekday_name(d.weekday());
    format!(
        r"(?i)(\b{weekday}\b|\b{n}(st|nd|rd|th)?\s+(of\s+)?({month}|{mon})\b|\b({month}|{mon})\.?\s+{n}(st|nd|rd|th)?\b|\b0?{n}/0?{m}\b|\b0?{m}/0?{n}\b|\b{iso}\b)",
        m = d.month(),
        iso = d.format("%Y-%m-%d")
    )
}

/// A case-insensitive regex matching `text` literally.
pub fn literal_regex(text: &str) -> String {
    format!("(?i){}", regex::escape(text))
}

/// A colleague at NexusAI (from the world's directory).
#[derive(Clone, Debug)]
pub struct Person {
    pub first: &'static str,
    pub last: &'static str,
    pub email: &'static str,
}

impl Person {
    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
    /// "Jordan Rivera <jordan@nexusai.com>".
    pub fn from(&self) -> String {
        format!("{} {} <{}>", self.first, self.last, self.email)
    }
}

/// Alex's colleagues (not Alex).
pub const COLLEAGUES: &[Person] = &[
    Person {
        first: "Jordan",
        last: "Rivera",
        email: "jordan@nexusai.com",
    },
    Person {
        first: "Priya",
        last: "Patel",
        email: "priya@nexusai.com",
    },
    Person {
        first: "Sarah",
        last: "Kim",
        email: "sarah@nexusai.com",
    },
    Person {
        first: "Diego",
        last: "Morales",
        email: "diego@nexusai.com",
    },
    Person {
        first: "Olivia",
        last: "Brown",
        email: "olivia@nexusai.com",
    },
    Person {
        first: "Aisha",
        last: "Bello",
        email: "aisha@nexusai.com",
    },
    Person {
        first: "Marcus",
        last: "Johnson",
        email: "marcus@nexusai.com",
    },
    Person {
        first: "Emma",
        last: "Schulz",
        email: "emma@nexusai.com",
    },
    Person {
        first: "Hiro",
        last: "Tanaka",
        email: "hiro@nexusai.com",
    },
    Person {
        first: "Noah",
        last: "Fischer",
        email: "noah@nexusai.com",
    },
];

/// People outside NexusAI (from the world's directory).
pub const EXTERNALS: &[Person] = &[
    Person {
        first: "Dana",
        last: "Whitfield",
        email: "dana@horizonvc.com",
    },
    Person {
        first: "Raj",
        last: "Mehta",
        email: "raj.mehta@acmecloud.io",
    },
    Person {
        first: "Sofia",
        last: "Rossi",
        email: "sofia@rossilegal.it",
    },
    Person {
        first: "Mei",
        last: "Lin",
        email: "mei.lin@globex.com",
    },
    Person {
        first: "Chris",
        last: "Doyle",
        email: "chris@pixelforge.design",
    },
    Person {
        first: "Fatima",
        last: "Zahra",
        email: "fatima.z@northwind.co",
    },
];

/// SaaS vendors that send invoices, receipts and newsletters: (name, domain).
pub const VENDORS: &[(&str, &str)] = &[
    ("Sentry", "sentry.io"),
    ("Vercel", "vercel.com"),
    ("Datadog", "datadoghq.com"),
    ("Figma", "figma.com"),
    ("Notion", "notion.so"),
    ("Linear", "linear.app"),
    ("Twilio", "twilio.com"),
    ("Cloudflare", "cloudflare.com"),
    ("Snowflake", "snowflake.com"),
    ("Zoom", "zoom.us"),
    ("Atlassian", "atlassian.com"),
    ("HubSpot", "hubspot.com"),
    ("Mailchimp", "mailchimp.com"),
    ("Airtable", "airtable.com"),
    ("Postman", "postman.com"),
    ("Retool", "retool.com"),
    ("Miro", "miro.com"),
    ("Loom", "loom.com"),
    ("Segment", "segment.com"),
    ("PagerDuty", "pagerduty.com"),
];

/// Project code names.
pub const PROJECTS: &[&str] = &[
    "Phoenix", "Atlas", "Helix", "Orion", "Nimbus", "Falcon", "Aurora", "Zephyr", "Quasar",
    "Tundra", "Cobalt", "Meridian",
];

/// Meeting kinds that pair with a project: "Sprint Retro — Phoenix".
pub const MEETING_KINDS: &[&str] = &[
    "Sprint Retro",
    "Design Review",
    "Partner Call",
    "Roadmap Sync",
    "Budget Review",
    "Launch Checklist",
    "Standup",
    "Risk Review",
    "Demo Prep",
    "Customer Debrief",
];

/// Discussion topics for emails and meetings.
pub const TOPICS: &[&str] = &[
    "onboarding redesign",
    "Q2 hiring plan",
    "pricing update",
    "security audit",
    "data retention policy",
    "mobile release",
    "customer churn analysis",
    "API deprecation",
    "offsite planning",
    "vendor renewal",
    "SOC 2 evidence",
    "analytics dashboard",
];

/// Title case for a topic ("onboarding redesign" → "Onboarding Redesign").
pub fn title(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) if w.chars().all(|ch| ch.is_lowercase() || !ch.is_alphabetic()) => {
                    f.to_uppercase().collect::<String>() + c.as_str()
                }
                _ => w.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lower-case slug for ids ("Sprint Retro" → "sprint-retro").
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

// ---- builders for task JSON -------------------------------------------------------------

pub fn needle(role: &str, app: &str, kind: &str, data: Value) -> Value {
    json!({"role": role, "app": app, "kind": kind, "data": data})
}

pub fn step(tool: &str, args: Value) -> Value {
    json!({"tool": tool, "args": args})
}

/// `{"$from": step, "path": path, "where": preds, "get": get}` (first match).
pub fn from(step: usize, path: &str, preds: Value, get: &str) -> Value {
    json!({"$from": step, "path": path, "where": preds, "get": get})
}

/// Like [`from`] but every match, as a list.
pub fn from_all(step: usize, path: &str, preds: Value, get: &str) -> Value {
    json!({"$from": step, "path": path, "where": preds, "get": get, "all": true})
}

pub fn pred(field: &str, op: &str, value: Value) -> Value {
    json!({"field": field, "op": op, "value": value})
}

pub fn pred_tz(field: &str, op: &str, value: Value) -> Value {
    json!({"field": field, "op": op, "value": value, "tz": TZ})
}

pub fn check(id: &str, weight: f64, describe: &str, select: Value, expect: Value) -> Value {
    json!({"id": id, "weight": weight, "describe": describe, "select": select, "expect": expect})
}

pub fn select(collection: &str, from: &str, needles: &[&str], preds: Value) -> Value {
    let mut s = json!({"collection": collection, "from": from});
    if !needles.is_empty() {
        s["needles"] = json!(needles);
    }
    if preds.as_array().is_some_and(|a| !a.is_empty()) {
        s["where"] = preds;
    }
    s
}

pub fn gate(id: &str, describe: &str, select: Value, effect: Value) -> Value {
    json!({"id": id, "describe": describe, "select": select, "effect": effect})
}

pub fn force(v: f64) -> Value {
    json!({"force": v})
}

pub fn cap(v: f64) -> Value {
    json!({"cap": v})
}

/// `{"collection": c, "fields": [...]}`: rows of `c` may change in these fields (empty: any),
/// and may be added or deleted as the flags say.
pub fn allow(collection: &str, fields: &[&str], added: bool, deleted: bool) -> Value {
    let mut a = json!({"collection": collection, "added": added, "deleted": deleted});
    if !fields.is_empty() {
        a["fields"] = json!(fields);
    }
    a
}

/// The bookkeeping every Gmail write touches (history, mailbox history id).
pub fn gmail_bookkeeping() -> Vec<Value> {
    vec![
        allow("gmail_history", &[], true, false),
        allow("gmail_mailboxes", &["history_id"], false, false),
    ]
}

/// Mail sent or labelled: message rows may be added and their labels may change.
pub fn gmail_label_changes() -> Vec<Value> {
    let mut v = gmail_bookkeeping();
    v.push(allow("gmail_messages", &["label_ids"], false, false));
    v
}

/// `base` with the entries of `extra` replacing those of the same collection.
pub fn merge_allow(base: Vec<Value>, extra: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = base
        .into_iter()
        .filter(|b| !extra.iter().any(|e| e["collection"] == b["collection"]))
        .collect();
    out.extend(extra);
    out
}

/// `collateral` with the rows of `collection` that may be updated or deleted limited to the
/// needles of `roles` (the default, applied by the generator, is the `target` role).
pub fn only_rows(mut collateral: Value, collection: &str, roles: &[&str]) -> Value {
    for a in collateral["allow"].as_array_mut().into_iter().flatten() {
        if a["collection"] == collection {
            a["needles"] = json!(roles);
        }
    }
    collateral
}

/// `collateral` with every added, updated or deleted row of `collection` required to match
/// `preds` (e.g. `file_id` a needle of the target role, for permissions).
pub fn only_where(mut collateral: Value, collection: &str, preds: Value) -> Value {
    for a in collateral["allow"].as_array_mut().into_iter().flatten() {
        if a["collection"] == collection {
            a["where"] = preds.clone();
        }
    }
    collateral
}

/// A predicate: `field` holds the key of a row seeded as one of `roles`.
pub fn of_needles(field: &str, roles: &[&str]) -> Value {
    json!({"field": field, "op": "needle", "value": roles})
}

/// A lookup of a label's id by name (case-insensitive), for `contains` on `label_ids`.
pub fn label_lookup(name: &str) -> Value {
    json!({"lookup": {"collection": "gmail_labels",
        "where": [{"field": "name", "op": "eq_ci", "value": name}, {"field": "user_id", "op": "eq", "value": "user_alex"}],
        "field": "id"}})
}

/// Sent mail (an added message carrying SENT) matching `preds`.
pub fn sent(preds: Value) -> Value {
    let mut all = vec![pred("label_ids", "contains", json!("SENT"))];
    all.extend(preds.as_array().cloned().unwrap_or_default());
    select("gmail_messages", "added", &[], Value::Array(all))
}

/// Joins phrases: "a", "a and b", "a, b and c".
pub fn join_and(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn clock_phrases_and_patterns() {
        assert_eq!(clock(14, 0), "2pm");
        assert_eq!(clock(9, 30), "9:30am");
        let re = regex::Regex::new(&clock_regex(14, 0)).unwrap_or_else(|e| panic!("{e}"));
        for ok in ["at 14:00", "2pm", "2:00 PM", "2 p.m."] {
            assert!(re.is_match(ok), "{ok}");
        }
        assert!(!re.is_match("12:00"));
        assert_eq!(title("onboarding redesign"), "Onboarding Redesign");
        assert_eq!(slug("Sprint Retro — Phoenix"), "sprint-retro-phoenix");
        assert_eq!(local(3, 14, 0), "2026-03-19T14:00");
        assert_eq!(dated(3), "Thursday 19 March");
        let re = regex::Regex::new(&date_regex(3)).unwrap_or_else(|e| panic!("{e}"));
        for ok in [
            "on Thursday",
            "19 March",
            "the 19th of March",
            "Mar 19",
            "March 19th",
            "3/19",
            "19/03",
            "2026-03-19",
        ] {
            assert!(re.is_match(ok), "{ok}");
        }
        for wrong in ["Friday", "20 March", "March 1", "3/20", "119 March"] {
            assert!(!re.is_match(wrong), "{wrong}");
        }
    }

    #[test]
    fn workdays_and_working_hours() {
        // now is Monday 16 March 2026: +5 and +6 are the weekend, +7 is Monday again.
        assert!(is_workday(0) && is_workday(4) && is_workday(7));
        assert!(!is_workday(5) && !is_workday(6) && !is_workday(-1));
        assert_eq!(next_workday(4), 7);
        assert_eq!(next_workday(1), 2);
        let mut g = Gen::new("workday-test", 0);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..500 {
            let d = workday(&mut g, 1, 13);
            assert!((1..=13).contains(&d) && is_workday(d), "{d}");
            seen.insert(d);
            for len in [30, 45, 60] {
                let (h, m) = work_start(&mut g, 9, len);
                assert!(h >= 9 && h * 60 + m + len <= 17 * 60, "{h}:{m} +{len}");
                let (h, m) = work_start(&mut g, 13, len);
                assert!(h >= 13 && h * 60 + m + len <= 17 * 60, "{h}:{m} +{len}");
            }
        }
        // every weekday of the range is drawn, no weekend day is
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 7, 8, 9, 10, 11]
        );
        assert_eq!(day_phrase(&mut g, 9).split(' ').next(), Some("Wednesday"));
    }

    /// No generated task seeds, asks for or writes a meeting on a weekend or outside 9:00–17:00.
    #[test]
    fn generated_meetings_fall_in_working_hours() {
        let tasks = super::super::generate().unwrap_or_else(|e| panic!("{e}"));
        let (mut seeded, mut written) = (0, 0);
        for task in &tasks {
            let id = &task.id;
            for weekend in ["Saturday", "Sunday"] {
                assert!(
                    !task.instruction.contains(weekend),
                    "{id}: {}",
                    task.instruction
                );
            }
            let v = serde_json::to_value(task).unwrap_or_else(|e| panic!("{e}"));
            for n in v["seed"]["needles"].as_array().into_iter().flatten() {
                if n["app"] != "calendar" || n["kind"] != "event" {
                    continue;
                }
                let d = &n["data"];
                let int = |k: &str| d[k].as_i64().unwrap_or_default();
                let start = int("start_hour") * 60 + int("start_minute");
                let end = start + int("duration_minutes");
                assert!(
                    is_workday(int("days_from_now")),
                    "{id}: seeded on a weekend"
                );
                assert!(
                    start >= 9 * 60 && end <= 17 * 60,
                    "{id}: seeded {start}–{end}"
                );
                seeded += 1;
            }
            for s in v["oracle"]["steps"].as_array().into_iter().flatten() {
                let a = &s["args"];
                let (Some(start), Some(end)) = (a["start"].as_str(), a["end"].as_str()) else {
                    continue;
                };
                let at = |t: &str| {
                    chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
                        .unwrap_or_else(|e| panic!("{id}: {t}: {e}"))
                };
                let (start, end) = (at(start), at(end));
                assert!(
                    !matches!(start.weekday(), Weekday::Sat | Weekday::Sun),
                    "{id}: {start} is a weekend"
                );
                assert_eq!(start.date(), end.date(), "{id}");
                assert!(start.hour() >= 9, "{id}: starts {start}");
                assert!(
                    end.hour() * 60 + end.minute() <= 17 * 60,
                    "{id}: ends {end}"
                );
                written += 1;
            }
        }
        assert!(
            seeded > 800 && written > 300,
            "{seeded} seeded, {written} written"
        );
    }
}
