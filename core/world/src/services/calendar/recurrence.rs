//! Expanding an event's `recurrence` (RFC 5545 `RRULE`, `EXDATE`, `RDATE` lines) into instance
//! start times. Rules are evaluated by the `rrule` crate in the event's own IANA zone, so a
//! 09:00 America/Los_Angeles weekly meeting stays at 09:00 local across DST changes; all-day
//! series are evaluated on dates.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use rrule::{RRule, RRuleSet, Unvalidated};

use super::time::{local_to_utc, When};

/// Series longer than this are cut (a guard against unbounded rules without a window).
pub const MAX_INSTANCES: usize = 5_000;

/// The zone a timed series is evaluated in: the start's own zone, else the calendar's.
fn series_zone(start: &When, cal_tz: Tz) -> Tz {
    match start {
        When::DateTime { tz: Some(tz), .. } => *tz,
        _ => cal_tz,
    }
}

/// Rewrites `UNTIL` into the UTC form the RFC requires for zoned starts: a bare date means the
/// end of that day (timed series) or that date (all-day series); a floating time is local.
fn normalize_until(value: &str, all_day: bool, zone: Tz) -> Result<String, String> {
    let up = value.trim();
    if up.ends_with('Z') {
        return Ok(up.to_string());
    }
    let bad = || format!("Invalid UNTIL value '{value}'");
    if up.len() == 8 {
        let d = NaiveDate::parse_from_str(up, "%Y%m%d").map_err(|_| bad())?;
        if all_day {
            return Ok(format!("{}T000000Z", d.format("%Y%m%d")));
        }
        let end = local_to_utc(zone, d.and_hms_opt(23, 59, 59).unwrap_or_default());
        return Ok(end.format("%Y%m%dT%H%M%SZ").to_string());
    }
    let naive = NaiveDateTime::parse_from_str(up, "%Y%m%dT%H%M%S").map_err(|_| bad())?;
    if all_day {
        return Ok(format!("{}T000000Z", naive.date().format("%Y%m%d")));
    }
    Ok(local_to_utc(zone, naive)
        .format("%Y%m%dT%H%M%SZ")
        .to_string())
}

/// One `EXDATE`/`RDATE` value list, as instants (timed) or dates (all-day).
fn parse_date_list(
    params: &str,
    values: &str,
    all_day: bool,
    zone: Tz,
) -> Result<Vec<When>, String> {
    let mut tz = zone;
    for p in params.split(';').skip(1) {
        if let Some(name) = p.strip_prefix("TZID=") {
            tz = name.parse().map_err(|_| format!("Unknown TZID '{name}'"))?;
        }
    }
    let mut out = Vec::new();
    for v in values.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        let when = if v.len() == 8 {
            let d = NaiveDate::parse_from_str(v, "%Y%m%d")
                .map_err(|_| format!("Invalid date '{v}'"))?;
            When::Date(d)
        } else if let Some(z) = v.strip_suffix('Z') {
            let n = NaiveDateTime::parse_from_str(z, "%Y%m%dT%H%M%S")
                .map_err(|_| format!("Invalid date-time '{v}'"))?;
            When::DateTime {
                at: Utc.from_utc_datetime(&n),
                tz: None,
            }
        } else {
            let n = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
                .map_err(|_| format!("Invalid date-time '{v}'"))?;
            When::DateTime {
                at: local_to_utc(tz, n),
                tz: None,
            }
        };
        out.push(match (all_day, when) {
            (true, When::DateTime { at, .. }) => When::Date(at.with_timezone(&tz).date_naive()),
            (_, w) => w,
        });
    }
    Ok(out)
}

/// A parsed recurrence, ready to expand.
pub struct Series {
    set: Option<RRuleSet>,
    start: When,
    zone: Tz,
    exdates: Vec<When>,
    rdates: Vec<When>,
}

impl Series {
    /// Parses `lines` for a series starting at `start`. Errors name the offending line.
    pub fn parse(lines: &[String], start: &When, cal_tz: Tz) -> Result<Series, String> {
        let all_day = start.is_date();
        let zone = series_zone(start, cal_tz);
        let dt_start: DateTime<rrule::Tz> = match start {
            When::Date(d) => {
                let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
                rrule::Tz::UTC.from_utc_datetime(&midnight)
            }
            When::DateTime { at, .. } => at.with_timezone(&rrule::Tz::Tz(zone)),
        };
        let mut rules = Vec::new();
        let mut exdates = Vec::new();
        let mut rdates = Vec::new();
        for line in lines {
            let (head, value) = line
                .split_once(':')
                .ok_or_else(|| format!("Invalid recurrence rule '{line}'"))?;
            let name = head.split(';').next().unwrap_or("").to_ascii_uppercase();
            match name.as_str() {
                "RRULE" => {
                    let mut parts = Vec::new();
                    for part in value.split(';').filter(|p| !p.is_empty()) {
                        match part.split_once('=') {
                            Some((k, v)) if k.eq_ignore_ascii_case("UNTIL") => {
                                parts.push(format!("UNTIL={}", normalize_until(v, all_day, zone)?))
                            }
                            _ => parts.push(part.to_ascii_uppercase()),
                        }
                    }
                    if parts.iter().any(|p| {
                        matches!(
                            p.as_str(),
                            "FREQ=HOURLY" | "FREQ=MINUTELY" | "FREQ=SECONDLY"
                        )
                    }) {
                        return Err(format!(
                            "Unsupported frequency in '{line}' (DAILY or longer)"
                        ));
                    }
                    let text = format!("RRULE:{}", parts.join(";"));
                    let rule: RRule<Unvalidated> = text
                        .parse()
                        .map_err(|e| format!("Invalid recurrence rule '{line}': {e}"))?;
                    let rule = rule
                        .validate(dt_start)
                        .map_err(|e| format!("Invalid recurrence rule '{line}': {e}"))?;
                    rules.push(rule);
                }
                "EXDATE" => exdates.extend(parse_date_list(head, value, all_day, zone)?),
                "RDATE" => rdates.extend(parse_date_list(head, value, all_day, zone)?),
                _ => return Err(format!("Invalid recurrence rule '{line}'")),
            }
        }
        let set = if rules.is_empty() {
            None
        } else {
            Some(RRuleSet::new(dt_start).set_rrules(rules).limit())
        };
        Ok(Series {
            set,
            start: start.clone(),
            zone,
            exdates,
            rdates,
        })
    }

    fn excluded(&self, w: &When) -> bool {
        self.exdates.iter().any(|x| match (x, w) {
            (When::Date(a), When::Date(b)) => a == b,
            (When::DateTime { at: a, .. }, When::DateTime { at: b, .. }) => a == b,
            (When::Date(a), When::DateTime { at, .. }) => {
                at.with_timezone(&self.zone).date_naive() == *a
            }
            _ => false,
        })
    }

    fn key(&self, w: &When, cal_tz: Tz) -> DateTime<Utc> {
        w.instant(cal_tz)
    }

    /// Instance starts (original start times) in order, up to `before` (exclusive, as an
    /// instant) and at most `max` of them. Each carries the series' zone.
    pub fn starts(&self, cal_tz: Tz, before: DateTime<Utc>, max: usize) -> Vec<When> {
        let zone_tz = match &self.start {
            When::DateTime { tz, .. } => *tz,
            When::Date(_) => None,
        };
        let mut out: Vec<When> = Vec::new();
        match &self.set {
            Some(set) => {
                for t in set {
                    let w = match &self.start {
                        When::Date(_) => When::Date(t.with_timezone(&Utc).date_naive()),
                        When::DateTime { .. } => When::DateTime {
                            at: t.with_timezone(&Utc),
                            tz: zone_tz,
                        },
                    };
                    if self.key(&w, cal_tz) >= before || out.len() >= max {
                        break;
                    }
                    out.push(w);
                }
            }
            None => out.push(self.start.clone()),
        }
        for r in &self.rdates {
            let w = match r {
                When::DateTime { at, .. } => When::DateTime {
                    at: *at,
                    tz: zone_tz,
                },
                d => d.clone(),
            };
            if self.key(&w, cal_tz) < before && !out.contains(&w) {
                out.push(w);
            }
        }
        out.retain(|w| !self.excluded(w));
        out.sort_by_key(|w| self.key(w, cal_tz));
        out.truncate(max);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};

    fn la() -> Tz {
        "America/Los_Angeles".parse().unwrap()
    }

    fn timed(y: i32, m: u32, d: u32, h: u32, tz: Tz) -> When {
        When::DateTime {
            at: local_to_utc(
                tz,
                NaiveDate::from_ymd_opt(y, m, d)
                    .unwrap()
                    .and_hms_opt(h, 0, 0)
                    .unwrap(),
            ),
            tz: Some(tz),
        }
    }

    fn expand(lines: &[&str], start: When) -> Vec<When> {
        let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        Series::parse(&lines, &start, la()).unwrap().starts(
            la(),
            Utc.with_ymd_and_hms(2028, 1, 1, 0, 0, 0).unwrap(),
            500,
        )
    }

    fn local(w: &When) -> NaiveDateTime {
        match w {
            When::DateTime { at, .. } => at.with_timezone(&la()).naive_local(),
            When::Date(d) => d.and_hms_opt(0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn weekly_keeps_local_time_across_both_dst_changes() {
        let got = expand(
            &["RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20261130"],
            timed(2026, 3, 2, 9, la()),
        );
        assert!(got.len() > 30);
        assert!(got.iter().all(|w| local(w).hour() == 9));
        // Offsets change: -08:00 before 8 March, -07:00 until 1 November, -08:00 after.
        let hours: Vec<u32> = got
            .iter()
            .map(|w| match w {
                When::DateTime { at, .. } => at.hour(),
                _ => 0,
            })
            .collect();
        assert_eq!(hours[0], 17);
        assert_eq!(hours[1], 16);
        assert_eq!(*hours.last().unwrap(), 17);
    }

    #[test]
    fn monthly_ordinal_weekdays_and_count() {
        let got = expand(
            &["RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"],
            timed(2026, 1, 1, 10, la()),
        );
        let days: Vec<u32> = got.iter().map(|w| local(w).day()).collect();
        assert_eq!(days, vec![30, 27, 27]);
        let got = expand(
            &["RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=2"],
            timed(2026, 3, 1, 10, la()),
        );
        assert_eq!(
            local(&got[0]).date(),
            NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()
        );
        assert_eq!(
            local(&got[1]).date(),
            NaiveDate::from_ymd_opt(2026, 4, 14).unwrap()
        );
    }

    #[test]
    fn exdate_and_interval_and_monthday() {
        let got = expand(
            &[
                "RRULE:FREQ=DAILY;INTERVAL=2;COUNT=4",
                "EXDATE;TZID=America/Los_Angeles:20260305T090000",
            ],
            timed(2026, 3, 1, 9, la()),
        );
        let days: Vec<u32> = got.iter().map(|w| local(w).day()).collect();
        assert_eq!(days, vec![1, 3, 7]);
        let got = expand(
            &["RRULE:FREQ=MONTHLY;BYMONTHDAY=15;COUNT=2"],
            timed(2026, 3, 1, 9, la()),
        );
        assert_eq!(local(&got[0]).day(), 15);
    }

    #[test]
    fn yearly_all_day() {
        let got = expand(
            &["RRULE:FREQ=YEARLY;COUNT=2"],
            When::Date(NaiveDate::from_ymd_opt(2026, 5, 4).unwrap()),
        );
        assert_eq!(
            got,
            vec![
                When::Date(NaiveDate::from_ymd_opt(2026, 5, 4).unwrap()),
                When::Date(NaiveDate::from_ymd_opt(2027, 5, 4).unwrap())
            ]
        );
    }

    #[test]
    fn bad_rules_are_errors() {
        let start = timed(2026, 3, 1, 9, la());
        assert!(Series::parse(&["RRULE:FREQ=SOMETIMES".into()], &start, la()).is_err());
        assert!(Series::parse(&["NOPE".into()], &start, la()).is_err());
        assert!(Series::parse(&["EXRULE:FREQ=DAILY".into()], &start, la()).is_err());
        assert!(Series::parse(&["RRULE:FREQ=HOURLY".into()], &start, la()).is_err());
    }
}
