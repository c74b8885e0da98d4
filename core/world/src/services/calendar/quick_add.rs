//! `events.quickAdd`: a useful subset of Google's natural-language parser. It finds one date
//! ("today", "tomorrow", a weekday, "next Friday", "March 20", "3/20", "2026-03-20"), one time or
//! time range ("at 9am", "12pm-1pm", "from 2 to 3pm", "noon", "14:30") and an optional duration
//! ("for 30 minutes", "for 2 hours"); the rest of the text is the summary. Without a time the
//! event is all-day; without a date it is today; without an end it lasts an hour.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

/// What quickAdd understood.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub summary: String,
    pub date: NaiveDate,
    /// Local start and end times; `None` for an all-day event.
    pub times: Option<(NaiveTime, NaiveTime)>,
    /// Extra days when the end time is past midnight.
    pub end_days: i64,
}

fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn month(word: &str) -> Option<u32> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    NAMES
        .iter()
        .position(|n| word.len() >= 3 && n.starts_with(word))
        .map(|i| i as u32 + 1)
}

fn day_number(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if !["", "st", "nd", "rd", "th"].contains(&suffix) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// One time of day: `9am`, `9:30pm`, `14:00`, `noon`, `midnight`, `9` (meridiem unknown).
fn time_of_day(word: &str) -> Option<(u32, u32, Option<bool>)> {
    match word {
        "noon" => return Some((12, 0, Some(true))),
        "midnight" => return Some((0, 0, Some(false))),
        _ => {}
    }
    let (body, pm) = if let Some(b) = word.strip_suffix("am").or_else(|| word.strip_suffix("a")) {
        (b, Some(false))
    } else if let Some(b) = word.strip_suffix("pm").or_else(|| word.strip_suffix("p")) {
        (b, Some(true))
    } else {
        (word, None)
    };
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?),
        None => (body.parse::<u32>().ok()?, 0),
    };
    if m > 59 || h > 23 || (pm.is_some() && !(1..=12).contains(&h)) || body.is_empty() {
        return None;
    }
    if pm.is_none() && !body.contains(':') && h > 12 {
        return None;
    }
    Some((h, m, pm))
}

fn to_24h(h: u32, pm: bool) -> u32 {
    match (h, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (h, true) => h + 12,
        (h, false) => h,
    }
}

/// Resolves a range whose first part may lack am/pm (`12-1pm`, `11-1pm`, `2 to 3pm`).
fn resolve_range(
    a: (u32, u32, Option<bool>),
    b: (u32, u32, Option<bool>),
) -> (NaiveTime, NaiveTime) {
    let guess = |h: u32| h < 8; // a bare 1–7 is afternoon in a work calendar
    let end_h = match b.2 {
        Some(pm) => to_24h(b.0, pm),
        None if b.0 > 12 || b.0 == 0 => b.0,
        None => to_24h(b.0, guess(b.0)),
    };
    let start_h = match a.2 {
        Some(pm) => to_24h(a.0, pm),
        None if a.0 > 12 => a.0,
        None => {
            let same = to_24h(a.0, b.2.unwrap_or(guess(a.0)));
            if same * 60 + a.1 > end_h * 60 + b.1 {
                to_24h(a.0, !b.2.unwrap_or(guess(a.0)))
            } else {
                same
            }
        }
    };
    let t = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    (t(start_h, a.1), t(end_h, b.1))
}

fn single_time(a: (u32, u32, Option<bool>), after_at: bool) -> Option<NaiveTime> {
    let h = match a.2 {
        Some(pm) => to_24h(a.0, pm),
        None if a.0 > 12 || a.0 == 0 => a.0,
        None if after_at => to_24h(a.0, a.0 < 8),
        None => return None,
    };
    NaiveTime::from_hms_opt(h, a.1, 0)
}

fn clean(word: &str) -> String {
    word.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | '!' | '?'))
        .to_lowercase()
}

/// Parses `text` relative to `today` (the calendar's local date).
pub fn parse(text: &str, today: NaiveDate) -> Parsed {
    let words: Vec<&str> = text.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| clean(w)).collect();
    let mut used = vec![false; words.len()];
    let mut date: Option<NaiveDate> = None;
    let mut times: Option<(NaiveTime, NaiveTime)> = None;
    let mut start_only: Option<NaiveTime> = None;
    let mut duration: Option<Duration> = None;
    let connectors = [
        "at", "on", "from", "to", "-", "until", "till", "next", "this", "for", "@",
    ];

    let mut i = 0;
    while i < words.len() {
        let w = lower[i].as_str();
        let prev = if i > 0 { lower[i - 1].as_str() } else { "" };
        // Dates.
        if date.is_none() {
            let found = match w {
                "today" | "tonight" => Some((today, 1)),
                "tomorrow" | "tmrw" => Some((today + Duration::days(1), 1)),
                _ => None,
            }
            .or_else(|| {
                weekday(w).map(|wd| {
                    let mut ahead = (wd.num_days_from_monday() as i64
                        - today.weekday().num_days_from_monday() as i64)
                        .rem_euclid(7);
                    if ahead == 0 {
                        ahead = 7;
                    }
                    (today + Duration::days(ahead), 1)
                })
            })
            .or_else(|| {
                let m = month(w)?;
                let d = lower.get(i + 1).and_then(|n| day_number(n))?;
                let mut date = NaiveDate::from_ymd_opt(today.year(), m, d)?;
                if date < today {
                    date = NaiveDate::from_ymd_opt(today.year() + 1, m, d)?;
                }
                Some((date, 2))
            })
            .or_else(|| {
                let d = day_number(w)?;
                let m = lower.get(i + 1).and_then(|n| month(n))?;
                Some((NaiveDate::from_ymd_opt(today.year(), m, d)?, 2))
            })
            .or_else(|| {
                NaiveDate::parse_from_str(w, "%Y-%m-%d")
                    .ok()
                    .map(|d| (d, 1))
            })
            .or_else(|| {
                let (m, d) = w.split_once('/')?;
                let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
                let mut date = NaiveDate::from_ymd_opt(today.year(), m, d)?;
                if date < today {
                    date = NaiveDate::from_ymd_opt(today.year() + 1, m, d)?;
                }
                Some((date, 1))
            });
            if let Some((d, n)) = found {
                date = Some(d);
                for u in used.iter_mut().skip(i).take(n) {
                    *u = true;
                }
                if matches!(prev, "on" | "next" | "this") {
                    used[i - 1] = true;
                }
                i += n;
                continue;
            }
        }
        // Durations: "for 30 minutes", "for 2 hours", "for 1h".
        if w == "for" && duration.is_none() {
            if let Some(next) = lower.get(i + 1) {
                let (num, unit) = match lower.get(i + 2) {
                    Some(u) if next.parse::<f64>().is_ok() => (next.clone(), u.clone()),
                    _ => {
                        let split = next
                            .find(|c: char| c.is_ascii_alphabetic())
                            .unwrap_or(next.len());
                        (next[..split].to_string(), next[split..].to_string())
                    }
                };
                let minutes = num.parse::<f64>().ok().and_then(|n| match unit.as_str() {
                    "h" | "hr" | "hrs" | "hour" | "hours" => Some(n * 60.0),
                    "m" | "min" | "mins" | "minute" | "minutes" => Some(n),
                    _ => None,
                });
                if let Some(minutes) = minutes {
                    duration = Some(Duration::minutes(minutes.round() as i64));
                    let n = if next.parse::<f64>().is_ok() { 3 } else { 2 };
                    for u in used.iter_mut().skip(i).take(n) {
                        *u = true;
                    }
                    i += n;
                    continue;
                }
            }
        }
        // Times and ranges.
        if times.is_none() && start_only.is_none() {
            let after_at = matches!(prev, "at" | "@" | "from");
            if let Some((a, b)) = w
                .split_once('-')
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
            {
                if let (Some(a), Some(b)) = (time_of_day(a), time_of_day(b)) {
                    times = Some(resolve_range(a, b));
                    used[i] = true;
                    if after_at {
                        used[i - 1] = true;
                    }
                    i += 1;
                    continue;
                }
            }
            if let Some(a) = time_of_day(w) {
                // "2pm to 3pm", "2 - 3pm", "2 until 3"
                let joined = lower.get(i + 1).map(String::as_str);
                if matches!(joined, Some("to" | "-" | "until" | "till")) {
                    if let Some(b) = lower.get(i + 2).and_then(|n| time_of_day(n)) {
                        if a.2.is_some() || b.2.is_some() || after_at {
                            times = Some(resolve_range(a, b));
                            for u in used.iter_mut().skip(i).take(3) {
                                *u = true;
                            }
                            if after_at {
                                used[i - 1] = true;
                            }
                            i += 3;
                            continue;
                        }
                    }
                }
                if let Some(t) = single_time(a, after_at) {
                    start_only = Some(t);
                    used[i] = true;
                    if after_at {
                        used[i - 1] = true;
                    }
                    i += 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    let times = times.or_else(|| {
        start_only.map(|s| {
            let d = duration.unwrap_or(Duration::hours(1));
            (s, s + d)
        })
    });
    let times = match (times, duration) {
        (Some((s, _)), Some(d)) if start_only.is_none() => Some((s, s + d)),
        (t, _) => t,
    };
    let end_days = match times {
        Some((s, e)) if e <= s => 1,
        _ => 0,
    };
    let mut kept: Vec<&str> = words
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(w, _)| *w)
        .collect();
    while kept
        .last()
        .is_some_and(|w| connectors.contains(&clean(w).as_str()))
    {
        kept.pop();
    }
    while kept
        .first()
        .is_some_and(|w| connectors.contains(&clean(w).as_str()))
    {
        kept.remove(0);
    }
    let summary = kept.join(" ").trim_end_matches([',', ';']).to_string();
    Parsed {
        summary: if summary.is_empty() {
            text.trim().to_string()
        } else {
            summary
        },
        date: date.unwrap_or(today),
        times,
        end_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monday() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 16).unwrap()
    }

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn lunch_tomorrow_with_range() {
        let p = parse("Lunch with Priya tomorrow 12pm-1pm", monday());
        assert_eq!(p.summary, "Lunch with Priya");
        assert_eq!(p.date, NaiveDate::from_ymd_opt(2026, 3, 17).unwrap());
        assert_eq!(p.times, Some((t(12, 0), t(13, 0))));
    }

    #[test]
    fn weekday_at_time() {
        let p = parse("Standup Monday at 9am", monday());
        assert_eq!(p.summary, "Standup");
        assert_eq!(p.date, NaiveDate::from_ymd_opt(2026, 3, 23).unwrap());
        assert_eq!(p.times, Some((t(9, 0), t(10, 0))));
        let p = parse("Review on Friday from 2 to 3:30pm", monday());
        assert_eq!(p.summary, "Review");
        assert_eq!(p.date, NaiveDate::from_ymd_opt(2026, 3, 20).unwrap());
        assert_eq!(p.times, Some((t(14, 0), t(15, 30))));
    }

    #[test]
    fn dates_durations_and_all_day() {
        let p = parse("Dentist March 20 at 4:30pm for 30 minutes", monday());
        assert_eq!(p.summary, "Dentist");
        assert_eq!(p.date, NaiveDate::from_ymd_opt(2026, 3, 20).unwrap());
        assert_eq!(p.times, Some((t(16, 30), t(17, 0))));
        let p = parse("Offsite 2026-04-02", monday());
        assert_eq!(p.times, None);
        assert_eq!(p.summary, "Offsite");
        let p = parse("Call mom", monday());
        assert_eq!(
            (p.summary.as_str(), p.date, p.times),
            ("Call mom", monday(), None)
        );
        let p = parse("Team dinner tomorrow 11-1am", monday());
        assert_eq!(p.end_days, 1);
    }
}
