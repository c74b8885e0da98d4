//! Times as Calendar speaks them: `EventDateTime` (`date` or `dateTime` + optional `timeZone`),
//! RFC 3339 parameters, IANA zones, and local times across DST changes.

use std::borrow::Cow;

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use crate::rest::ApiError;

/// The start or end of an event.
#[derive(Clone, Debug, PartialEq)]
pub enum When {
    /// An all-day boundary (`date`; the end is exclusive).
    Date(NaiveDate),
    /// An instant, with the zone the event was written in, if any.
    DateTime { at: DateTime<Utc>, tz: Option<Tz> },
}

impl When {
    pub fn is_date(&self) -> bool {
        matches!(self, When::Date(_))
    }

    /// The instant this boundary stands for; all-day dates start at midnight in `cal_tz`.
    pub fn instant(&self, cal_tz: Tz) -> DateTime<Utc> {
        match self {
            When::Date(d) => local_to_utc(cal_tz, d.and_hms_opt(0, 0, 0).unwrap_or_default()),
            When::DateTime { at, .. } => *at,
        }
    }

    /// Google's JSON form: `dateTime` rendered in `display` (the event's zone, else the
    /// calendar's), `timeZone` only when the event has one.
    pub fn to_json(&self, display: Tz) -> Value {
        match self {
            When::Date(d) => json!({"date": d.format("%Y-%m-%d").to_string()}),
            When::DateTime { at, tz } => {
                let mut m = Map::new();
                m.insert("dateTime".into(), Value::String(format_in(*at, display)));
                if let Some(tz) = tz {
                    m.insert("timeZone".into(), Value::String(tz.name().to_string()));
                }
                Value::Object(m)
            }
        }
    }

    /// The form kept in the database: in the event's own zone when it has one.
    pub fn to_stored(&self, cal_tz: Tz) -> Value {
        match self {
            When::DateTime { tz: Some(tz), .. } => self.to_json(*tz),
            _ => self.to_json(cal_tz),
        }
    }

    /// Reads the stored (or any well-formed) JSON form back.
    pub fn from_stored(v: &Value) -> Option<When> {
        parse_event_time(v, "start").ok()
    }

    /// [`When::from_stored`] of the stored text, `None` when it is not JSON: an object's three
    /// fields are read without building a [`Value`]; anything else the typed read refuses
    /// (duplicate or non-string fields, a non-object) goes the general way.
    pub fn from_stored_text(text: &str) -> Option<When> {
        /// The fields an `EventDateTime` is read from; others are skipped.
        #[derive(serde::Deserialize)]
        struct Stored<'a> {
            #[serde(borrow)]
            date: Option<Cow<'a, str>>,
            #[serde(borrow, rename = "dateTime")]
            date_time: Option<Cow<'a, str>>,
            #[serde(borrow, rename = "timeZone")]
            time_zone: Option<Cow<'a, str>>,
        }
        if let Some((date, date_time, tz)) = canonical_stored(text) {
            return event_time_from(date, date_time, tz, "start").ok();
        }
        if text.trim_start().starts_with('{') {
            if let Ok(t) = serde_json::from_str::<Stored<'_>>(text) {
                return event_time_from(
                    t.date.as_deref(),
                    t.date_time.as_deref(),
                    t.time_zone.as_deref(),
                    "start",
                )
                .ok();
            }
        }
        let v: Value = serde_json::from_str(text).ok()?;
        When::from_stored(&v)
    }
}

/// The fields of a stored time written as [`When::to_stored`] writes it (`{"date":"…"}`,
/// `{"dateTime":"…"}` or `{"dateTime":"…","timeZone":"…"}`, strings without escapes or control
/// characters), read without a JSON parser; `None` for any other text.
fn canonical_stored(text: &str) -> Option<(Option<&str>, Option<&str>, Option<&str>)> {
    /// The longest start of `s` that is a JSON string's content as written (no quote,
    /// backslash or control character), and the rest.
    fn plain(s: &str) -> (&str, &str) {
        let n = s
            .bytes()
            .position(|b| b < 0x20 || b == b'"' || b == b'\\')
            .unwrap_or(s.len());
        s.split_at(n)
    }
    const END: &str = r#""}"#;
    if let Some(rest) = text.strip_prefix(r#"{"date":""#) {
        let (date, end) = plain(rest);
        return (end == END).then_some((Some(date), None, None));
    }
    let (at, end) = plain(text.strip_prefix(r#"{"dateTime":""#)?);
    if end == END {
        return Some((None, Some(at), None));
    }
    let (tz, end) = plain(end.strip_prefix(r#"","timeZone":""#)?);
    (end == END).then_some((None, Some(at), Some(tz)))
}

/// A UTC instant as Google writes it, in `tz` (`Z` for UTC).
pub fn format_in(at: DateTime<Utc>, tz: Tz) -> String {
    if tz == chrono_tz::UTC {
        return at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    }
    at.with_timezone(&tz)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A local wall-clock time in `tz` as UTC. In a DST gap the time moves forward by the gap; in a
/// repeated hour the first occurrence wins (as Google does).
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(a, _) => a.with_timezone(&Utc),
        LocalResult::None => {
            let shifted = local + Duration::hours(1);
            match tz.from_local_datetime(&shifted) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
                LocalResult::None => Utc.from_utc_datetime(&local),
            }
        }
    }
}

pub fn parse_tz(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// An RFC 3339 timestamp with offset (query parameters such as `timeMin`).
pub fn parse_rfc3339_param(name: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ApiError::invalid_parameter(name, value))
}

/// A `%Y-%m-%d` date. `YYYY-MM-DD` in ASCII digits is read directly (as the format reads it);
/// anything else goes through the format.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        if let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn parse_naive(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .ok()
}

/// Parses an `EventDateTime` object. `which` is "start" or "end" (for messages).
pub fn parse_event_time(v: &Value, which: &str) -> Result<When, ApiError> {
    let obj = v
        .as_object()
        .ok_or_else(|| ApiError::bad_request(format!("Invalid {which} time.")))?;
    let tz = match obj.get("timeZone") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name.as_str()),
        Some(_) => {
            return Err(ApiError::bad_request(format!(
                "Invalid time zone definition for {which} time."
            )))
        }
    };
    // A non-string `date` or `dateTime` reads as "", which is no valid time.
    let text = |key: &str| {
        obj.get(key)
            .filter(|d| !d.is_null())
            .map(|d| d.as_str().unwrap_or_default())
    };
    event_time_from(text("date"), text("dateTime"), tz, which)
}

/// An `EventDateTime` from its (non-null) `date`, `dateTime` and `timeZone` fields.
fn event_time_from(
    date: Option<&str>,
    date_time: Option<&str>,
    tz: Option<&str>,
    which: &str,
) -> Result<When, ApiError> {
    let tz = match tz {
        None => None,
        Some(name) => Some(parse_tz(name).ok_or_else(|| {
            ApiError::bad_request(format!("Invalid time zone definition for {which} time."))
        })?),
    };
    match (date, date_time) {
        (Some(_), Some(_)) => Err(ApiError::bad_request(format!(
            "Invalid {which} time: specify either date or dateTime, not both."
        ))),
        (Some(text), None) => parse_date(text)
            .map(When::Date)
            .ok_or_else(|| ApiError::bad_request(format!("Invalid {which} time."))),
        (None, Some(text)) => {
            if let Ok(t) = DateTime::parse_from_rfc3339(text) {
                return Ok(When::DateTime {
                    at: t.with_timezone(&Utc),
                    tz,
                });
            }
            let naive = parse_naive(text)
                .ok_or_else(|| ApiError::bad_request(format!("Invalid {which} time.")))?;
            let zone = tz.ok_or_else(|| {
                ApiError::bad_request(format!("Missing time zone definition for {which} time."))
            })?;
            Ok(When::DateTime {
                at: local_to_utc(zone, naive),
                tz: Some(zone),
            })
        }
        (None, None) => Err(ApiError::required(which)),
    }
}

/// `YYYYMMDDTHHMMSSZ` (timed) or `YYYYMMDD` (all-day): the suffix of an instance id.
pub fn instance_suffix(start: &When) -> String {
    match start {
        When::Date(d) => d.format("%Y%m%d").to_string(),
        When::DateTime { at, .. } => at.format("%Y%m%dT%H%M%SZ").to_string(),
    }
}

/// Reads an instance-id suffix back.
pub fn parse_instance_suffix(s: &str) -> Option<When> {
    if let Some(stripped) = s.strip_suffix('Z') {
        let naive = NaiveDateTime::parse_from_str(stripped, "%Y%m%dT%H%M%S").ok()?;
        return Some(When::DateTime {
            at: Utc.from_utc_datetime(&naive),
            tz: None,
        });
    }
    if s.len() == 8 {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok().map(When::Date);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_times_take_the_given_zone_and_render_with_offsets() {
        let w = parse_event_time(
            &json!({"dateTime": "2026-03-09T09:00:00", "timeZone": "America/Los_Angeles"}),
            "start",
        )
        .unwrap();
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        assert_eq!(
            w.to_json(la)["dateTime"],
            json!("2026-03-09T09:00:00-07:00")
        );
        assert!(parse_event_time(&json!({"dateTime": "2026-03-09T09:00:00"}), "start").is_err());
        assert!(parse_event_time(
            &json!({"dateTime": "2026-03-09T09:00:00Z", "timeZone": "Mars/Base"}),
            "start"
        )
        .is_err());
    }

    #[test]
    fn dst_gap_moves_forward() {
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        let t = local_to_utc(
            la,
            NaiveDate::from_ymd_opt(2026, 3, 8)
                .unwrap()
                .and_hms_opt(2, 30, 0)
                .unwrap(),
        );
        assert_eq!(format_in(t, la), "2026-03-08T03:30:00-07:00");
    }

    /// The typed read of stored times answers what parsing a value answers, on every shape.
    #[test]
    fn stored_text_reads_as_values_do() {
        let texts = [
            r#"{"dateTime":"2026-01-19T09:30:00-08:00","timeZone":"America/Los_Angeles"}"#,
            r#"{"dateTime":"2026-01-19T17:30:00Z"}"#,
            r#"{"date":"2026-07-04"}"#,
            r#" { "date" : "2026-07-04", "extra": [1, {"a": null}] } "#,
            r#"{"date":"2026-07-04","dateTime":null,"timeZone":null}"#,
            r#"{"date":"2026-07-04","dateTime":"2026-07-04T10:00:00Z"}"#,
            r#"{"dateTime":"2026-03-08T02:30:00","timeZone":"America/Los_Angeles"}"#,
            r#"{"dateTime":"2026-03-08T02:30:00"}"#,
            r#"{"dateTime":"2026-03-08T02:30","timeZone":"Europe/Berlin"}"#,
            r#"{"dateTime":"2026-01-19T09:30:00Z","timeZone":"Mars/Base"}"#,
            r#"{"dateTime":"2026-01-19T09:30:00Z","timeZone":7}"#,
            r#"{"date":20260704}"#,
            r#"{"date":"2026-07-04","date":"2026-07-05"}"#,
            r#"{"date":"2026\u002d07-04"}"#,
            r#"{"dateTime":"2026-01-19T09:30:00Z","timeZone":"Europe\/Berlin"}"#,
            r#"{}"#,
            r#"["2026-07-04"]"#,
            r#"["2026-07-04", "2026-07-04T10:00:00Z", null]"#,
            r#""2026-07-04""#,
            r#"null"#,
            r#"{"date":"2026-07-04"} trailing"#,
            "{\"date\":\"2026-07-04\t\"}",
            "{\"dateTime\":\"2026-01-19T09:30:00Z\",\"timeZone\":\"Europe/Berlin\u{1}\"}",
            r#"{"dateTime":"2026-01-19T09:30:00Z","timeZone":"Europe/Berlin","timeZone":"UTC"}"#,
            r#"{"dateTime":"2026-01-19T09:30:00Z","timeZone":"UTC","x":"","timeZone":"UTC"}"#,
            r#"{"dateTime":"a\",\"timeZone\":\"UTC"}"#,
            r#"{"dateTime":"2026-01-19T09:30:00Z","timeZone":"UTC"}"#,
            r#"{"dateTime":"2026-01-19T09:30:00","timeZone":"Asia/Kolkata"}"#,
            r#"{"dateTime":"","timeZone":""}"#,
            r#"{"date":""}"#,
            r#"{"date":"2026-07-04""#,
            "",
        ];
        for text in texts {
            let by_value = serde_json::from_str::<Value>(text)
                .ok()
                .and_then(|v| When::from_stored(&v));
            assert_eq!(When::from_stored_text(text), by_value, "{text}");
        }
    }

    /// What is stored is read without a JSON parser, and back to what was stored.
    #[test]
    fn stored_times_take_the_short_way() {
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 16, 16, 0, 0).unwrap();
        for w in [
            When::Date(NaiveDate::from_ymd_opt(2026, 7, 4).unwrap()),
            When::DateTime { at, tz: None },
            When::DateTime { at, tz: Some(la) },
        ] {
            let text = w.to_stored(la).to_string();
            assert!(canonical_stored(&text).is_some(), "{text}");
            assert_eq!(When::from_stored_text(&text), Some(w));
        }
    }

    /// Dates read directly read as the format reads them.
    #[test]
    fn dates_read_as_the_format_reads_them() {
        for text in [
            "2026-07-04",
            "2026-02-29",
            "2024-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-01-32",
            "0000-01-01",
            "9999-12-31",
            "2026-7-04",
            "2026-07-4",
            " 2026-07-04",
            "2026-07-04 ",
            "+2026-07-04",
            "20260-07-04",
            "2026/07/04",
            "2026-07-0x",
            "",
            "２０２６-07-04",
        ] {
            assert_eq!(
                parse_date(text),
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn instance_suffixes_round_trip() {
        let w = When::DateTime {
            at: Utc.with_ymd_and_hms(2026, 3, 16, 16, 0, 0).unwrap(),
            tz: None,
        };
        assert_eq!(instance_suffix(&w), "20260316T160000Z");
        assert_eq!(parse_instance_suffix("20260316T160000Z"), Some(w));
        let d = When::Date(NaiveDate::from_ymd_opt(2026, 7, 4).unwrap());
        assert_eq!(parse_instance_suffix(&instance_suffix(&d)), Some(d));
    }
}
