//! The frozen world clock and the seeded id generator. Both live in `world_meta`, so they are part
//! of every snapshot: restoring a world restores its time and the ids it will hand out next.

use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

const NOW_KEY: &str = "now_ms";
const SEED_KEY: &str = "seed";
const COUNTER_KEY: &str = "id_counter";

/// How far the clock moves after each successful mutating request.
pub const TICK_MS: i64 = 1_000;

fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM world_meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO world_meta(key, value) VALUES (?1, ?2) \
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute([key, value])?;
    Ok(())
}

fn get_i64(conn: &Connection, key: &str) -> Result<i64> {
    let text = get(conn, key)?
        .ok_or_else(|| Error::Invalid(format!("world_meta has no '{key}' (not a world?)")))?;
    text.parse()
        .map_err(|_| Error::Invalid(format!("world_meta '{key}' is not an integer: {text}")))
}

/// Writes the initial clock and seed of a new world.
pub fn init(conn: &Connection, seed: u64, now: DateTime<Utc>) -> Result<()> {
    set(conn, SEED_KEY, &seed.to_string())?;
    set(conn, NOW_KEY, &now.timestamp_millis().to_string())?;
    set(conn, COUNTER_KEY, "0")?;
    Ok(())
}

/// The world's current time.
pub fn now(conn: &Connection) -> Result<DateTime<Utc>> {
    let ms = get_i64(conn, NOW_KEY)?;
    Utc.timestamp_millis_opt(ms)
        .single()
        .ok_or_else(|| Error::Invalid(format!("world clock out of range: {ms}")))
}

/// Sets the world's time (seeding and tests; requests only ever [`advance`] it).
pub fn set_now(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    set(conn, NOW_KEY, &now.timestamp_millis().to_string())
}

/// Moves the clock forward by `ms` milliseconds.
pub fn advance(conn: &Connection, ms: i64) -> Result<()> {
    let current = get_i64(conn, NOW_KEY)?;
    set(conn, NOW_KEY, &(current + ms).to_string())
}

/// The seed the world was created with.
pub fn seed(conn: &Connection) -> Result<u64> {
    Ok(get_i64(conn, SEED_KEY)? as u64)
}

/// 32 fresh pseudo-random bytes: sha256(seed, counter), then the counter moves on. Deterministic
/// for a given world history, independent of platform.
pub fn next_random(conn: &Connection) -> Result<[u8; 32]> {
    let seed = seed(conn)?;
    let counter = get_i64(conn, COUNTER_KEY)? + 1;
    set(conn, COUNTER_KEY, &counter.to_string())?;
    let mut hasher = Sha256::new();
    hasher.update(seed.to_le_bytes());
    hasher.update(counter.to_le_bytes());
    Ok(hasher.finalize().into())
}

/// Id generators shaped like the ids Google and Slack hand out.
pub mod ids {
    use super::*;

    /// 16 lowercase hex digits (Gmail message, thread and history-ish ids).
    pub fn hex16(conn: &Connection) -> Result<String> {
        Ok(hex::encode(&next_random(conn)?[..8]))
    }

    /// `len` lowercase hex digits (len ≤ 64).
    pub fn hex(conn: &Connection, len: usize) -> Result<String> {
        let mut s = hex::encode(next_random(conn)?);
        s.truncate(len.min(64));
        Ok(s)
    }

    /// `len` characters of lowercase base32hex (0-9a-v), the alphabet of Calendar event ids.
    pub fn base32hex(conn: &Connection, len: usize) -> Result<String> {
        const ALPHABET: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
        let bytes = next_random(conn)?;
        Ok(bytes
            .iter()
            .take(len.min(32))
            .map(|b| ALPHABET[(b & 31) as usize] as char)
            .collect())
    }

    /// A decimal number of `digits` digits with no leading zero (draft ids, history ids…).
    pub fn numeric(conn: &Connection, digits: usize) -> Result<String> {
        let bytes = next_random(conn)?;
        let mut out = String::with_capacity(digits);
        for (i, b) in bytes.iter().cycle().take(digits.max(1)).enumerate() {
            let d = if i == 0 { 1 + b % 9 } else { b % 10 };
            out.push(char::from(b'0' + d));
        }
        Ok(out)
    }

    /// `len` characters of unpadded base64url (opaque tokens).
    pub fn token(conn: &Connection, len: usize) -> Result<String> {
        let mut s = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(next_random(conn)?);
        s.truncate(len.min(43));
        Ok(s)
    }

    /// `len` characters of uppercase letters and digits (Slack ids such as C0123ABCD).
    pub fn upper_alnum(conn: &Connection, len: usize) -> Result<String> {
        const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        let bytes = next_random(conn)?;
        Ok(bytes
            .iter()
            .take(len.min(32))
            .map(|b| ALPHABET[(*b as usize) % 36] as char)
            .collect())
    }
}

/// RFC 3339 in UTC with milliseconds, the timestamp format of Google's JSON APIs.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::schema;

    fn conn(seed: u64) -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        schema::migrate(&mut c).unwrap();
        init(
            &c,
            seed,
            Utc.with_ymd_and_hms(2026, 3, 16, 16, 0, 0).unwrap(),
        )
        .unwrap();
        c
    }

    #[test]
    fn ids_are_deterministic_per_seed_and_distinct() {
        let (a, b, c) = (conn(7), conn(7), conn(8));
        let xs: Vec<String> = (0..50).map(|_| ids::hex16(&a).unwrap()).collect();
        let ys: Vec<String> = (0..50).map(|_| ids::hex16(&b).unwrap()).collect();
        let zs: Vec<String> = (0..50).map(|_| ids::hex16(&c).unwrap()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
        let unique: std::collections::BTreeSet<_> = xs.iter().collect();
        assert_eq!(unique.len(), xs.len());
        assert!(xs.iter().all(|x| x.len() == 16));
    }

    #[test]
    fn id_shapes() {
        let c = conn(1);
        assert!(ids::base32hex(&c, 26)
            .unwrap()
            .chars()
            .all(|ch| ch.is_ascii_digit() || ('a'..='v').contains(&ch)));
        let n = ids::numeric(&c, 20).unwrap();
        assert_eq!(n.len(), 20);
        assert!(!n.starts_with('0'));
        assert_eq!(ids::upper_alnum(&c, 9).unwrap().len(), 9);
    }

    #[test]
    fn clock_advances_and_formats() {
        let c = conn(1);
        assert_eq!(rfc3339(now(&c).unwrap()), "2026-03-16T16:00:00.000Z");
        advance(&c, TICK_MS).unwrap();
        assert_eq!(rfc3339(now(&c).unwrap()), "2026-03-16T16:00:01.000Z");
    }
}
