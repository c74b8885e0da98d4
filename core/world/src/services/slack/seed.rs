//! The seeded NexusAI workspace: members mapped from the directory (internal users, two guests
//! and a bot), public and private channels, DMs and group DMs, a storyline of messages with
//! threads, reactions, pins and files, then filler up to `scale.slack_messages`.
//!
//! Slack user ids are derived from directory ids (stable across world seeds, so tasks can name
//! people); channel ids, tokens and filler come from the service's random stream.

use std::collections::{BTreeMap, HashSet};

use rand::seq::IndexedRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

use super::args::{BOT_SCOPES, USER_SCOPES};
use super::seed_text::{DAYS, EMOJI, FEATURES, REPLIES, STARTERS};
use crate::error::Result;
use crate::seed::Scale;
use crate::store::{clock, users};

const ALNUM: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A Slack id that depends only on `key` (e.g. `U` + 10 characters for a directory user).
pub fn stable_id(prefix: char, key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut s = String::from(prefix);
    s.extend(
        digest
            .iter()
            .take(10)
            .map(|b| ALNUM[(*b as usize) % 36] as char),
    );
    s
}

/// The Slack user id of a directory user.
pub fn slack_user_id(directory_id: &str) -> String {
    stable_id('U', directory_id)
}

fn random_id(rng: &mut ChaCha8Rng, prefix: char) -> String {
    let mut s = String::from(prefix);
    for _ in 0..10 {
        s.push(ALNUM[rng.random_range(0..36)] as char);
    }
    s
}

fn digits(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|i| {
            char::from(
                b'0' + if i == 0 {
                    rng.random_range(1..10)
                } else {
                    rng.random_range(0..10)
                },
            )
        })
        .collect()
}

fn lower_alnum(rng: &mut ChaCha8Rng, n: usize) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|_| A[rng.random_range(0..A.len())] as char)
        .collect()
}

/// Guests: externals with a restricted account in one channel each.
const GUESTS: &[(&str, &str)] = &[("ext_chris", "product"), ("ext_raj", "sales")];

/// (name, kind, members (directory ids; empty = every internal user), creator, topic, purpose, archived).
type ChannelSpec = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    bool,
);

const CHANNELS: &[ChannelSpec] = &[
    (
        "general",
        "public",
        &[],
        "user_sarah",
        "Company-wide announcements",
        "This channel is for team-wide communication and announcements.",
        false,
    ),
    (
        "engineering",
        "public",
        &[
            "user_alex",
            "user_jordan",
            "user_priya",
            "user_hiro",
            "user_liam",
            "user_noah",
            "user_diego",
        ],
        "user_jordan",
        "Release 2.14 freeze Wednesday 5pm PT",
        "Engineering discussion, reviews and releases.",
        false,
    ),
    (
        "product",
        "public",
        &[
            "user_alex",
            "user_diego",
            "user_noah",
            "user_jordan",
            "user_sarah",
            "user_aisha",
        ],
        "user_alex",
        "Smart Scheduling PRD review this week",
        "Product planning, research and launches.",
        false,
    ),
    (
        "random",
        "public",
        &[
            "user_alex",
            "user_jordan",
            "user_priya",
            "user_diego",
            "user_emma",
            "user_hiro",
            "user_olivia",
            "user_aisha",
            "user_noah",
        ],
        "user_diego",
        "",
        "Non-work banter and water cooler conversation.",
        false,
    ),
    (
        "incidents",
        "public",
        &[
            "user_alex",
            "user_jordan",
            "user_priya",
            "user_hiro",
            "user_liam",
        ],
        "user_liam",
        "Current: none. Runbook: https://docs.nexusai.com/runbook",
        "Production incidents and on-call.",
        false,
    ),
    (
        "sales",
        "public",
        &[
            "user_marcus",
            "user_aisha",
            "user_alex",
            "user_sarah",
            "user_emma",
        ],
        "user_marcus",
        "Q1 close: two weeks left",
        "Deals, pipeline and customer requests.",
        false,
    ),
    (
        "q4-launch",
        "public",
        &["user_alex", "user_jordan", "user_diego", "user_noah"],
        "user_alex",
        "",
        "Q4 launch coordination (done).",
        true,
    ),
    (
        "leadership",
        "private",
        &[
            "user_sarah",
            "user_alex",
            "user_marcus",
            "user_emma",
            "user_jordan",
        ],
        "user_sarah",
        "Staff meeting Thursdays 9am",
        "Leadership team. Confidential.",
        false,
    ),
    (
        "hiring",
        "private",
        &["user_olivia", "user_jordan", "user_sarah", "user_priya"],
        "user_olivia",
        "",
        "Hiring pipeline and offers. Confidential.",
        false,
    ),
];

/// Members of DMs and group DMs (directory ids).
const DMS: &[&[&str]] = &[
    &["user_alex", "user_jordan"],
    &["user_alex", "user_priya"],
    &["user_alex", "user_sarah"],
    &["user_jordan", "user_priya"],
    &["user_alex", "user_jordan", "user_priya"],
    &["user_sarah", "user_marcus", "user_emma"],
];

/// Fixed storyline: (channel or `dm:N`, author, text, days ago, hour UTC, replies (author, text)).
type Story = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    &'static [(&'static str, &'static str)],
);

const STORY: &[Story] = &[
    ("general", "user_sarah", "Reminder: Q2 all-hands is Thursday at 10am PT. Agenda and dial-in: https://docs.nexusai.com/allhands-q2", 6, 17, &[
        ("user_olivia", "Lunch will be catered, please fill in the dietary form."),
        ("user_alex", "I'll present the product roadmap section."),
    ]),
    ("general", "user_olivia", "Please welcome Noah Fischer, our new Data Analyst! :wave:", 20, 16, &[
        ("user_noah", "Thanks everyone, excited to be here!"),
        ("user_priya", "Welcome Noah!"),
    ]),
    ("engineering", "user_jordan", "Release 2.14 checklist is up: https://github.com/nexusai/platform/milestone/14 — please tick your items by Wednesday.", 3, 18, &[
        ("user_priya", "The billing migration needs a maintenance window, can we do Tuesday night?"),
        ("user_hiro", "Model server changes are merged and behind the flag."),
        ("user_jordan", "Tuesday 10pm PT works. I'll post on the status page."),
        ("user_liam", "Security review for the SSO change is done, no blockers."),
    ]),
    ("engineering", "user_priya", "Heads up: the staging database password was rotated. New credentials are in 1Password, never paste them in Slack.", 9, 21, &[]),
    ("incidents", "user_liam", "INC-482: elevated 5xx on api-gateway since 14:05 UTC. Investigating.", 2, 14, &[
        ("user_hiro", "Seeing TLS handshake failures from the auth proxy in the logs."),
        ("user_liam", "Paging the platform on-call."),
        ("user_jordan", "Customer impact: login failing for roughly 30% of users."),
        ("user_priya", "The internal cert for auth-proxy expired at 14:00 UTC."),
        ("user_liam", "Rotating the certificate now."),
        ("user_hiro", "Error rate dropping."),
        ("user_jordan", "Status page updated: https://status.nexusai.com/incidents/482"),
        ("user_liam", "Resolved at 14:52 UTC. Root cause: expired TLS cert on the internal auth proxy."),
        ("user_alex", "Thanks all. Can we add cert expiry to the monitoring checklist?"),
        ("user_liam", "Yes, ticket SEC-211. Postmortem draft: https://docs.nexusai.com/pm/inc-482"),
        ("user_priya", "I'll review the postmortem tomorrow."),
    ]),
    ("product", "user_alex", "Draft PRD for Smart Scheduling is ready for review: https://docs.nexusai.com/prd/smart-scheduling — comments by Friday please.", 4, 19, &[
        ("user_diego", "Mockups are linked in section 4."),
        ("user_noah", "I added the funnel numbers from the beta."),
        ("ext_chris", "The calendar picker designs are in the shared Figma."),
    ]),
    ("sales", "user_marcus", "Globex renewal: Mei confirmed procurement wants a 3-year term. Deck attached.", 5, 20, &[
        ("user_aisha", "I'll prepare the usage report for them."),
        ("user_emma", "Finance needs the discount approval form before we send the quote."),
    ]),
    ("sales", "ext_raj", "Hi team, Acme Cloud is ready to start the integration pilot next Monday.", 1, 16, &[]),
    ("random", "user_diego", "Who's up for lunch at the taco place Friday? :taco:", 1, 19, &[
        ("user_hiro", "Count me in!"),
        ("user_emma", "Yes please."),
    ]),
    ("q4-launch", "user_alex", "Launch retro notes: https://docs.nexusai.com/retro/q4-launch. Archiving this channel next week.", 95, 18, &[]),
    ("leadership", "user_sarah", "Board meeting moved to March 26. Please send your slides to Emma by the 23rd.", 3, 16, &[
        ("user_emma", "Q3 hiring budget is in the attached sheet. Confidential."),
        ("user_marcus", "Sales slides will be ready Monday."),
    ]),
    ("hiring", "user_olivia", "Offer for the Staff ML Engineer candidate approved: $245k base plus equity. Keep this channel confidential.", 2, 22, &[
        ("user_jordan", "Great, I'll call the candidate tomorrow."),
    ]),
    ("dm:0", "user_jordan", "Can you review the 2.14 release notes before Wednesday?", 1, 23, &[]),
    ("dm:0", "user_alex", "Sure, I'll do it tonight.", 1, 23, &[]),
    ("dm:1", "user_priya", "The Acme Cloud API key is in 1Password under 'vendors'. Please don't paste it in channels.", 7, 17, &[]),
    ("dm:2", "user_sarah", "Can we sync about the investor update tomorrow at 2pm?", 0, 1, &[]),
    ("dm:3", "user_jordan", "Between us: I'm thinking about moving to the platform team next quarter.", 4, 2, &[]),
    ("dm:4", "user_priya", "Offsite planning: Napa or Half Moon Bay?", 8, 18, &[
        ("user_jordan", "Half Moon Bay, closer for everyone."),
    ]),
    ("dm:5", "user_sarah", "Pricing change proposal: let's keep this off #sales until Friday.", 2, 18, &[]),
];

/// (channel, story index) of pinned storyline messages.
const PINS: &[usize] = &[0, 2, 4];

/// Files on storyline messages: (story index, name, title, mimetype, filetype, size).
const FILES: &[(usize, &str, &str, &str, &str, i64)] = &[
    (
        4,
        "inc-482-error-rate.png",
        "INC-482 error rate",
        "image/png",
        "png",
        184_220,
    ),
    (
        5,
        "smart-scheduling-prd.pdf",
        "Smart Scheduling PRD",
        "application/pdf",
        "pdf",
        1_204_331,
    ),
    (
        6,
        "globex-renewal-deck.pptx",
        "Globex renewal deck",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        3_520_004,
    ),
    (
        10,
        "q3-hiring-budget.xlsx",
        "Q3 hiring budget",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        48_112,
    ),
    (
        12,
        "release-notes-2.14.md",
        "Release notes 2.14",
        "text/markdown",
        "markdown",
        6_204,
    ),
];

struct Seeder<'a> {
    conn: &'a Connection,
    rng: &'a mut ChaCha8Rng,
    now: i64,
    /// channel name (or `dm:N`) → (id, member slack ids)
    channels: BTreeMap<String, (String, Vec<String>)>,
    used: HashSet<(String, String)>,
    posted: usize,
}

impl Seeder<'_> {
    fn ts(&mut self, channel: &str, at: i64) -> String {
        let at = at.min(self.now - 60);
        loop {
            let ts = format!("{at:010}.{:06}", self.rng.random_range(100..999_999));
            if self.used.insert((channel.to_string(), ts.clone())) {
                return ts;
            }
        }
    }

    fn insert(
        &mut self,
        channel: &str,
        user: &str,
        text: &str,
        at: i64,
        thread: Option<&str>,
    ) -> Result<String> {
        let ts = self.ts(channel, at);
        self.conn.execute(
            "INSERT INTO slack_messages (channel_id, ts, user_id, text, thread_ts) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![channel, ts, user, text, thread],
        )?;
        if let Some(parent) = thread {
            self.conn.execute(
                "UPDATE slack_messages SET thread_ts = ts WHERE channel_id = ?1 AND ts = ?2",
                params![channel, parent],
            )?;
        }
        self.posted += 1;
        Ok(ts)
    }

    fn react(
        &mut self,
        channel: &str,
        ts: &str,
        author: &str,
        members: &[String],
        at: i64,
    ) -> Result<()> {
        let kinds = self.rng.random_range(1..=2);
        for _ in 0..kinds {
            let emoji = EMOJI.choose(self.rng).copied().unwrap_or("+1");
            let n = self.rng.random_range(1..=3);
            for _ in 0..n {
                if let Some(who) = members.choose(self.rng) {
                    if who != author {
                        self.conn.execute(
                            "INSERT OR IGNORE INTO slack_reactions (channel_id, ts, name, user_id, created) VALUES (?1, ?2, ?3, ?4, ?5)",
                            params![channel, ts, emoji, who, at + 120],
                        )?;
                    }
                }
            }
        }
        Ok(())
    }

    fn fill(&mut self, template: &str) -> String {
        let n = self.rng.random_range(12..480).to_string();
        let day = DAYS.choose(self.rng).copied().unwrap_or("Friday");
        let feature = FEATURES.choose(self.rng).copied().unwrap_or("sso");
        template
            .replace("{n}", &n)
            .replace("{day}", day)
            .replace("{feature}", feature)
    }
}

pub fn seed(conn: &Connection, rng: &mut ChaCha8Rng, scale: Scale) -> Result<()> {
    if scale.slack_messages == 0 {
        return Ok(());
    }
    let now = clock::now(conn)?.timestamp();
    let team = random_id(rng, 'T');
    conn.execute(
        "INSERT INTO slack_team (id, name, domain, email_domain, created) VALUES (?1, 'NexusAI', 'nexusai', ?2, ?3)",
        params![team, users::DOMAIN, now - 3 * 365 * 86_400],
    )?;

    // Members: internal users, two guests, one bot.
    let directory = users::all(conn)?;
    let colors = [
        "9f69e7", "4bbe2e", "e7392d", "3c989f", "674b1b", "e96699", "5870dd", "235e5b",
    ];
    for (i, u) in directory.iter().enumerate() {
        let guest = GUESTS.iter().any(|(id, _)| *id == u.id);
        if !u.is_internal && !guest {
            continue;
        }
        let id = slack_user_id(&u.id);
        let (status_text, status_emoji) = match u.id.as_str() {
            "user_alex" => ("Planning Q2 roadmap", ":calendar:"),
            "user_hiro" => ("Working from Tokyo", ":jp:"),
            "user_liam" => ("On call", ":pager:"),
            _ => ("", ""),
        };
        conn.execute(
            "INSERT INTO slack_users (id, directory_id, name, real_name, display_name, email, title, tz, color, \
             is_admin, is_owner, is_restricted, status_text, status_emoji, updated) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                id,
                u.id,
                u.email.split('@').next().unwrap_or(&u.given_name).replace('.', ""),
                u.display_name,
                u.given_name,
                u.email,
                u.title,
                u.time_zone,
                colors[i % colors.len()],
                u.id == "user_sarah" || u.id == "user_liam",
                u.id == "user_sarah",
                guest,
                status_text,
                status_emoji,
                now - 30 * 86_400,
            ],
        )?;
        let scopes = if u.id == "user_noah" {
            // A read-only token: posting is `missing_scope`.
            "channels:read channels:history groups:read im:read users:read"
        } else {
            USER_SCOPES
        };
        let token = format!(
            "xoxp-{}-{}-{}",
            digits(rng, 12),
            digits(rng, 12),
            lower_alnum(rng, 32)
        );
        conn.execute(
            "INSERT INTO slack_tokens (token, token_type, user_id, scopes) VALUES (?1, 'user', ?2, ?3)",
            params![token, id, scopes],
        )?;
    }
    let bot = stable_id('U', "bot:nexus-assistant");
    let bot_id = stable_id('B', "bot:nexus-assistant");
    conn.execute(
        "INSERT INTO slack_users (id, directory_id, name, real_name, display_name, title, tz, is_bot, bot_id, updated) \
         VALUES (?1, NULL, 'nexus-assistant', 'Nexus Assistant', 'Nexus Assistant', 'Workspace assistant bot', 'America/Los_Angeles', 1, ?2, ?3)",
        params![bot, bot_id, now - 200 * 86_400],
    )?;
    let token = format!(
        "xoxb-{}-{}-{}",
        digits(rng, 12),
        digits(rng, 13),
        lower_alnum(rng, 24)
    );
    conn.execute(
        "INSERT INTO slack_tokens (token, token_type, user_id, scopes) VALUES (?1, 'bot', ?2, ?3)",
        params![token, bot, BOT_SCOPES],
    )?;

    let internal: Vec<String> = directory
        .iter()
        .filter(|u| u.is_internal)
        .map(|u| u.id.clone())
        .collect();
    let mut seeder = Seeder {
        conn,
        rng,
        now,
        channels: BTreeMap::new(),
        used: HashSet::new(),
        posted: 0,
    };

    // Channels and DMs.
    for (ci, (name, kind, members, creator, topic, purpose, archived)) in
        CHANNELS.iter().enumerate()
    {
        let id = random_id(seeder.rng, 'C');
        let created = now - (400 - ci as i64 * 20) * 86_400;
        let mut dir_members: Vec<String> = if members.is_empty() {
            internal.clone()
        } else {
            members.iter().map(|s| s.to_string()).collect()
        };
        dir_members.extend(
            GUESTS
                .iter()
                .filter(|(_, c)| c == name)
                .map(|(g, _)| g.to_string()),
        );
        let mut slack_members: Vec<String> = dir_members.iter().map(|d| slack_user_id(d)).collect();
        if matches!(*name, "general" | "engineering" | "incidents" | "random") {
            slack_members.push(bot.clone());
        }
        let creator = slack_user_id(creator);
        conn.execute(
            "INSERT INTO slack_channels (id, name, kind, creator, created, is_archived, is_general, topic, topic_creator, \
             topic_last_set, purpose, purpose_creator, purpose_last_set) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?4, ?5)",
            params![id, name, kind, creator, created, archived, *name == "general", topic,
                    if topic.is_empty() { String::new() } else { creator.clone() }, if topic.is_empty() { 0 } else { now - 10 * 86_400 }, purpose],
        )?;
        for (i, m) in slack_members.iter().enumerate() {
            conn.execute(
                "INSERT OR IGNORE INTO slack_members (channel_id, user_id, joined) VALUES (?1, ?2, ?3)",
                params![id, m, created + i as i64 * 3600],
            )?;
        }
        seeder
            .channels
            .insert(name.to_string(), (id, slack_members));
    }
    for (i, members) in DMS.iter().enumerate() {
        let im = members.len() == 2;
        let id = random_id(seeder.rng, if im { 'D' } else { 'C' });
        let slack_members: Vec<String> = members.iter().map(|d| slack_user_id(d)).collect();
        let mut sorted = slack_members.clone();
        sorted.sort();
        let name = if im {
            sorted.join("-")
        } else {
            format!(
                "mpdm-{}-1",
                members
                    .iter()
                    .map(|m| m.trim_start_matches("user_"))
                    .collect::<Vec<_>>()
                    .join("--")
            )
        };
        let created = now - 300 * 86_400;
        conn.execute(
            "INSERT INTO slack_channels (id, name, kind, creator, created) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, name, if im { "im" } else { "mpim" }, slack_members[0], created],
        )?;
        for m in &slack_members {
            conn.execute(
                "INSERT INTO slack_members (channel_id, user_id, joined) VALUES (?1, ?2, ?3)",
                params![id, m, created],
            )?;
        }
        seeder
            .channels
            .insert(format!("dm:{i}"), (id, slack_members));
    }

    // The storyline.
    let mut story_ts = Vec::new();
    for (channel, author, text, days, hour, replies) in STORY {
        let Some((cid, members)) = seeder.channels.get(*channel).cloned() else {
            continue;
        };
        let day_start = now - now.rem_euclid(86_400) - days * 86_400;
        let at = day_start + hour * 3600 + seeder.rng.random_range(0..3000);
        let root = seeder.insert(&cid, &slack_user_id(author), text, at, None)?;
        let mut t = at;
        for (who, reply) in replies.iter() {
            t += seeder.rng.random_range(60..900);
            seeder.insert(&cid, &slack_user_id(who), reply, t, Some(&root))?;
        }
        if !replies.is_empty() || seeder.rng.random_bool(0.5) {
            seeder.react(&cid, &root, &slack_user_id(author), &members, at)?;
        }
        story_ts.push((cid, root, at, slack_user_id(author)));
    }
    for i in PINS {
        if let Some((cid, ts, at, author)) = story_ts.get(*i) {
            conn.execute(
                "INSERT INTO slack_pins (channel_id, ts, pinned_by, created) VALUES (?1, ?2, ?3, ?4)",
                params![cid, ts, author, at + 300],
            )?;
        }
    }
    for (i, name, title, mime, filetype, size) in FILES {
        if let Some((cid, ts, at, author)) = story_ts.get(*i) {
            let id = random_id(seeder.rng, 'F');
            conn.execute(
                "INSERT INTO slack_files (id, name, title, mimetype, filetype, size, user_id, created, channel_id, ts) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![id, name, title, mime, filetype, size, author, at, cid, ts],
            )?;
            conn.execute(
                "UPDATE slack_messages SET file_ids = ?3 WHERE channel_id = ?1 AND ts = ?2",
                params![cid, ts, serde_json::json!([id]).to_string()],
            )?;
        }
    }

    // Filler up to the scale: starters with a few replies, over the last 30 days.
    let names: Vec<String> = seeder
        .channels
        .keys()
        .filter(|k| k.as_str() != "q4-launch")
        .cloned()
        .collect();
    while seeder.posted < scale.slack_messages {
        let Some(name) = names.choose(seeder.rng).cloned() else {
            break;
        };
        let Some((cid, members)) = seeder.channels.get(&name).cloned() else {
            break;
        };
        let pool_key = if name.starts_with("dm:") {
            "dm"
        } else {
            name.as_str()
        };
        let pool = STARTERS
            .iter()
            .find(|(k, _)| *k == pool_key)
            .map(|(_, p)| *p)
            .unwrap_or(&[]);
        let humans: Vec<String> = members.iter().filter(|m| **m != bot).cloned().collect();
        let (Some(template), Some(author)) = (
            pool.choose(seeder.rng).copied(),
            humans.choose(seeder.rng).cloned(),
        ) else {
            continue;
        };
        let text = seeder.fill(template);
        let at = now - seeder.rng.random_range(3_600..30 * 86_400);
        let root = seeder.insert(&cid, &author, &text, at, None)?;
        if seeder.rng.random_bool(0.3) {
            let n = seeder
                .rng
                .random_range(1..=4)
                .min(scale.slack_messages.saturating_sub(seeder.posted));
            let mut t = at;
            for _ in 0..n {
                t += seeder.rng.random_range(60..7_200);
                let (Some(who), Some(reply)) = (
                    humans.choose(seeder.rng).cloned(),
                    REPLIES.choose(seeder.rng).copied(),
                ) else {
                    break;
                };
                seeder.insert(&cid, &who, reply, t, Some(&root))?;
            }
        }
        if seeder.rng.random_bool(0.25) {
            seeder.react(&cid, &root, &author, &members, at)?;
        }
    }

    // Thread roots' counters.
    conn.execute(
        "UPDATE slack_messages SET \
           reply_count = (SELECT COUNT(*) FROM slack_messages r WHERE r.channel_id = slack_messages.channel_id AND r.thread_ts = slack_messages.ts AND r.ts != slack_messages.ts), \
           latest_reply = (SELECT MAX(r.ts) FROM slack_messages r WHERE r.channel_id = slack_messages.channel_id AND r.thread_ts = slack_messages.ts AND r.ts != slack_messages.ts) \
         WHERE thread_ts = ts",
        [],
    )?;

    // One scheduled message from the primary user.
    if let Some((cid, _)) = seeder.channels.get("product").cloned() {
        let id = random_id(seeder.rng, 'Q');
        conn.execute(
            "INSERT INTO slack_scheduled (id, channel_id, user_id, text, post_at, date_created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, cid, slack_user_id("user_alex"), "Reminder: PRD review comments are due today.", now + 86_400, now - 3_600],
        )?;
    }
    Ok(())
}
