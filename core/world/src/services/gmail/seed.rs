//! Filler mail: every user gets a mailbox (system labels, settings, send-as); the primary user
//! gets `scale.gmail_messages` messages — notifications, newsletters, multi-message work threads
//! with colleagues (copied into their mailboxes too), external and personal mail, sent mail,
//! spam, attachments — plus user labels with colours, filters, an alias and two drafts.
//! Deterministic: only the service's rng and the world's id generator are used.

use std::collections::HashMap;

use chrono::{DateTime, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;
use serde_json::json;

use super::labels::{self, Label};
use super::mime::{self, Attachment};
use super::seed_text::*;
use super::store::{self, Message};
use super::{delivery, mailbox, settings};
use crate::error::{Error, Result};
use crate::rest::ApiError;
use crate::seed::Scale;
use crate::store::clock::{self, ids};
use crate::store::users::{self, User};

fn err(e: ApiError) -> Error {
    Error::Invalid(format!("gmail seed: {}", e.message))
}

const LABEL_COLORS: &[(&str, &str)] = &[
    ("#ffffff", "#4a86e8"),
    ("#000000", "#fad165"),
    ("#ffffff", "#16a766"),
    ("#ffffff", "#a479e2"),
    ("#ffffff", "#fb4c2f"),
    ("#000000", "#ffad47"),
    ("#ffffff", "#3c78d8"),
    ("#000000", "#43d692"),
];

pub fn seed(conn: &Connection, rng: &mut ChaCha8Rng, scale: Scale) -> Result<()> {
    let all = users::all(conn)?;
    for u in &all {
        mailbox::ensure(conn, u).map_err(err)?;
    }
    let Some(primary) = users::primary(conn)? else {
        return Ok(());
    };
    let now = clock::now(conn)?;
    let span_days = if scale.gmail_messages <= 200 { 30 } else { 365 };
    let mut s = Seeder {
        conn,
        rng,
        now,
        span_ms: span_days * 86_400_000,
        primary,
        users: all,
        labels: HashMap::new(),
        threads: HashMap::new(),
        count: 0,
    };
    if scale.gmail_messages == 0 {
        return Ok(());
    }
    s.setup_primary()?;
    // the two drafts count towards the mailbox's size
    s.fill(scale.gmail_messages.saturating_sub(2).max(1))?;
    s.drafts()?;
    Ok(())
}

struct Seeder<'a> {
    conn: &'a Connection,
    rng: &'a mut ChaCha8Rng,
    now: DateTime<Utc>,
    span_ms: i64,
    primary: User,
    users: Vec<User>,
    /// Primary user's label name → id.
    labels: HashMap<String, String>,
    /// (owner, thread key) → thread id in that mailbox.
    threads: HashMap<(String, String), String>,
    /// Messages in the primary mailbox so far.
    count: usize,
}

/// One message to store, before it gets its owner-specific fields.
#[derive(Clone, Default)]
struct Spec {
    from: String,
    to: String,
    cc: String,
    subject: String,
    text: String,
    html: String,
    time: i64,
    thread_key: String,
    message_id: String,
    in_reply_to: String,
    refs: String,
    attachment: Option<(String, String)>,
    extra: Vec<(String, String)>,
}

type Vars = Vec<(&'static str, String)>;

/// A thread to seed: who takes part, who starts, and the text of each message.
struct Conversation {
    participants: Vec<User>,
    starter: User,
    subject: String,
    messages: Vec<String>,
    label: Option<String>,
    attachment: Option<String>,
    important: bool,
}

fn address(u: &User) -> String {
    format!("{} <{}>", u.display_name, u.email)
}

impl Seeder<'_> {
    fn pick<'b, T>(&mut self, items: &'b [T]) -> &'b T {
        &items[self.rng.random_range(0..items.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn vars(&mut self) -> Vars {
        let now = self.now;
        let day = now + chrono::Duration::days(self.rng.random_range(-20..40));
        let month = self.pick(MONTHS).to_string();
        let hour = self.rng.random_range(8..17);
        vec![
            ("project", self.pick(PROJECTS).to_string()),
            ("customer", self.pick(CUSTOMERS).to_string()),
            ("company", self.pick(COMPANIES).to_string()),
            ("vendor", self.pick(VENDORS).to_string()),
            ("repo", self.pick(REPOS).to_string()),
            ("service", self.pick(SERVICES).to_string()),
            ("feature", self.pick(FEATURES).to_string()),
            ("topic", self.pick(TOPICS).to_string()),
            ("pr_title", self.pick(PR_TITLES).to_string()),
            ("issue_title", self.pick(ISSUE_TITLES).to_string()),
            ("city", self.pick(CITIES).to_string()),
            ("airport", self.pick(AIRPORTS).to_string()),
            ("meeting", self.pick(MEETINGS).to_string()),
            ("channel", self.pick(CHANNELS).to_string()),
            ("role", self.pick(ROLES).to_string()),
            ("candidate", self.pick(CANDIDATES).to_string()),
            ("person", self.pick(PEOPLE).to_string()),
            ("person2", self.pick(OUTSIDERS).to_string()),
            ("book", self.pick(BOOKS).to_string()),
            ("priority", self.pick(PRIORITIES).to_string()),
            ("env", self.pick(ENVS).to_string()),
            ("branch", self.pick(BRANCHES).to_string()),
            ("weekday", self.pick(WEEKDAYS).to_string()),
            ("month", month),
            ("date", day.format("%B %-d, %Y").to_string()),
            ("quarter", self.rng.random_range(1..5).to_string()),
            ("num", self.rng.random_range(1000..9999).to_string()),
            (
                "inv",
                format!("INV-{}", self.rng.random_range(10000..99999)),
            ),
            (
                "amount",
                format!(
                    "{}.{:02}",
                    self.rng.random_range(12..9000),
                    self.rng.random_range(0..100)
                ),
            ),
            ("big", self.rng.random_range(120..990).to_string()),
            ("small", self.rng.random_range(5..95).to_string()),
            ("tiny", self.rng.random_range(2..9).to_string()),
            ("hour", hour.to_string()),
            ("hour2", (hour + 1).to_string()),
            (
                "code",
                format!("{:06X}", self.rng.random_range(0..0xFFFFFF)),
            ),
        ]
    }

    /// A time in the past, skewed towards recent days.
    fn past(&mut self) -> i64 {
        let u: f64 = self.rng.random();
        let age = (self.span_ms as f64 * u.powf(1.7)) as i64 + 600_000;
        self.now.timestamp_millis() - age
    }

    fn age_days(&self, t: i64) -> i64 {
        (self.now.timestamp_millis() - t) / 86_400_000
    }

    fn label(&mut self, name: &str) -> Result<String> {
        if let Some(id) = self.labels.get(name) {
            return Ok(id.clone());
        }
        if let Some((parent, _)) = name.rsplit_once('/') {
            self.label(parent)?;
        }
        let (text, bg) = LABEL_COLORS[self.labels.len() % LABEL_COLORS.len()];
        let label = Label {
            id: labels::new_label_id(self.conn).map_err(err)?,
            name: name.to_string(),
            kind: "user".into(),
            message_list_visibility: Some("show".into()),
            label_list_visibility: Some("labelShow".into()),
            color: Some(json!({"textColor": text, "backgroundColor": bg})),
        };
        labels::insert_user_label(self.conn, &self.primary.id, &label).map_err(err)?;
        self.labels.insert(name.to_string(), label.id.clone());
        Ok(label.id)
    }

    fn setup_primary(&mut self) -> Result<()> {
        let github = self.label("Notifications/GitHub")?;
        let receipts = self.label("Purchases")?;
        for name in ["Finance", "Travel", "Clients", "Recruiting", "Newsletters"] {
            self.label(name)?;
        }
        let filters = [
            json!({"criteria": {"from": "notifications@github.com"},
                   "action": {"addLabelIds": [github], "removeLabelIds": ["INBOX"]}}),
            json!({"criteria": {"from": "receipts@stripe.com"}, "action": {"addLabelIds": [receipts]}}),
        ];
        for f in filters {
            if let Some(body) = f.as_object() {
                settings::create_filter(self.conn, &self.primary.id, body).map_err(err)?;
            }
        }
        let signature = format!(
            "{}<br>{}, NexusAI",
            self.primary.display_name, self.primary.title
        );
        self.conn.execute(
            "UPDATE gmail_send_as SET signature = ?2 WHERE user_id = ?1 AND is_primary = 1",
            rusqlite::params![self.primary.id, signature],
        )?;
        let alias = format!(
            "{}.{}@{}",
            self.primary.given_name.to_lowercase(),
            self.primary.family_name.to_lowercase(),
            users::DOMAIN
        );
        self.conn.execute(
            "INSERT INTO gmail_send_as (user_id, send_as_email, display_name, reply_to_address, \
             signature, is_primary, is_default, treat_as_alias, verification_status) \
             VALUES (?1, ?2, ?3, '', '', 0, 0, 1, 'accepted')",
            rusqlite::params![self.primary.id, alias, self.primary.display_name],
        )?;
        Ok(())
    }

    fn colleagues(&self) -> Vec<User> {
        self.users
            .iter()
            .filter(|u| u.is_internal && u.id != self.primary.id)
            .cloned()
            .collect()
    }

    fn user_by_email(&self, email: &str) -> Option<User> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
            .cloned()
    }

    fn new_message_id(&mut self, domain: &str) -> Result<String> {
        Ok(format!(
            "<{}.{}@{}>",
            ids::hex(self.conn, 24)?,
            self.count,
            domain
        ))
    }

    /// Stores `spec` in `owner`'s mailbox with `labels`.
    fn put(&mut self, owner: &User, spec: &Spec, labels: Vec<String>) -> Result<()> {
        let id = ids::hex16(self.conn)?;
        let key = (owner.id.clone(), spec.thread_key.clone());
        let thread_id = match self.threads.get(&key) {
            Some(t) if !spec.thread_key.is_empty() => t.clone(),
            _ => {
                if !spec.thread_key.is_empty() {
                    self.threads.insert(key, id.clone());
                }
                id.clone()
            }
        };
        let date = Utc
            .timestamp_millis_opt(spec.time)
            .single()
            .unwrap_or(self.now)
            .with_timezone(&delivery::tz_of(owner))
            .to_rfc2822();
        let mut m = Message {
            id,
            user_id: owner.id.clone(),
            thread_id,
            label_ids: store::normalize_labels(labels),
            from: spec.from.clone(),
            to: spec.to.clone(),
            cc: spec.cc.clone(),
            subject: spec.subject.clone(),
            date_header: date,
            message_id_header: spec.message_id.clone(),
            in_reply_to: spec.in_reply_to.clone(),
            refs: spec.refs.clone(),
            extra_headers: spec.extra.clone(),
            snippet: mime::snippet(&spec.text, &spec.html),
            body_text: spec.text.clone(),
            body_html: spec.html.clone(),
            internal_date: spec.time,
            ..Message::default()
        };
        m.history_id = store::record(
            self.conn,
            &owner.id,
            "messageAdded",
            &m.id,
            &m.thread_id,
            &m.label_ids,
        )
        .map_err(err)?;
        let atts: Vec<Attachment> = spec
            .attachment
            .iter()
            .map(|(name, mime_type)| Attachment {
                id: String::new(),
                filename: name.clone(),
                mime_type: mime_type.clone(),
                data: attachment_bytes(name, &spec.subject),
            })
            .collect();
        store::insert(self.conn, &m, &atts).map_err(err)?;
        if owner.id == self.primary.id {
            self.count += 1;
        }
        Ok(())
    }

    /// Labels of a received message in the primary mailbox.
    fn inbox_labels(&mut self, time: i64, category: &str, unread_bias: f64) -> Vec<String> {
        let age = self.age_days(time);
        let mut l = vec![category.to_string()];
        let archived = age > 14 && self.chance(0.45);
        if !archived {
            l.push("INBOX".into());
        }
        let p_unread = if age < 3 {
            0.7
        } else if age < 10 {
            0.35
        } else {
            0.06
        };
        if self.chance(p_unread * unread_bias) {
            l.push("UNREAD".into());
        }
        if self.chance(0.06) {
            l.push("STARRED".into());
        }
        l
    }

    fn fill(&mut self, target: usize) -> Result<()> {
        // one of each kind first, so that even a small mailbox has every kind of mail
        let opening = [3, 3, 4, 5, 6, 7, 0, 1, 2, 0, 1];
        let mut i = 0;
        while self.count < target {
            let kind = if i < opening.len() {
                opening[i]
            } else {
                let r = self.rng.random_range(0..100);
                match r {
                    0..=34 => 0,
                    35..=51 => 1,
                    52..=56 => 2,
                    57..=66 => 3,
                    67..=71 => 4,
                    72..=79 => 5,
                    80..=84 => 6,
                    _ => 7,
                }
            };
            i += 1;
            let left = target - self.count;
            match kind {
                0 => self.bulk(NOTIFICATIONS, 1.0)?,
                1 => self.bulk(NEWSLETTERS, 0.8)?,
                2 => self.spam()?,
                3 | 7 => self.work_thread(left)?,
                4 => self.external_thread(left)?,
                5 => self.personal()?,
                _ => self.sent_alone()?,
            }
        }
        Ok(())
    }

    fn bulk(&mut self, pool: &[Bulk], unread_bias: f64) -> Result<()> {
        let (from, subject, body, category, label, attachment, html) = *self.pick(pool);
        let vars = self.vars();
        let time = self.past();
        let text = fill(body, &vars);
        let domain = mime::email_of(from)
            .rsplit('@')
            .next()
            .unwrap_or("mail.com")
            .to_string();
        let mut spec = Spec {
            from: from.to_string(),
            to: self.primary.email.clone(),
            subject: fill(subject, &vars),
            html: if html { html_of(&text) } else { String::new() },
            text,
            time,
            message_id: self.new_message_id(&domain)?,
            ..Spec::default()
        };
        if !attachment.is_empty() {
            let name = fill(attachment, &vars);
            spec.attachment = Some((name.clone(), mime_type(&name).into()));
        }
        if category == "CATEGORY_PROMOTIONS" || label == "Newsletters" {
            spec.extra.push((
                "List-Unsubscribe".into(),
                format!("<mailto:unsubscribe@{domain}>"),
            ));
        }
        if category == "CATEGORY_FORUMS" {
            spec.extra.push(("List-Id".into(), format!("<{}>", domain)));
        }
        let mut labels = self.inbox_labels(time, category, unread_bias);
        if !label.is_empty() {
            labels.push(self.label(label)?);
            if label == "Notifications/GitHub" {
                labels.retain(|l| l != "INBOX");
            }
        }
        let primary = self.primary.clone();
        self.put(&primary, &spec, labels)
    }

    fn spam(&mut self) -> Result<()> {
        let (from, subject, body) = *self.pick(SPAM);
        let vars = self.vars();
        let time = self.past();
        let spec = Spec {
            from: from.into(),
            to: self.primary.email.clone(),
            subject: fill(subject, &vars),
            text: fill(body, &vars),
            time,
            message_id: self.new_message_id("bulk-mailer.example")?,
            ..Spec::default()
        };
        let mut labels = vec!["SPAM".to_string()];
        if self.chance(0.7) {
            labels.push("UNREAD".into());
        }
        let primary = self.primary.clone();
        self.put(&primary, &spec, labels)
    }

    /// Stores one message of a conversation: in the primary mailbox (sent or received) and in
    /// the mailbox of every other world user that takes part.
    fn converse(
        &mut self,
        spec: &Spec,
        sender: &User,
        participants: &[User],
        labels: Vec<String>,
    ) -> Result<()> {
        for p in participants {
            if p.id == self.primary.id {
                let l = if sender.id == p.id {
                    vec!["SENT".to_string()]
                } else {
                    labels.clone()
                };
                self.put(p, spec, l)?;
            } else if p.id == sender.id {
                self.put(p, spec, vec!["SENT".into()])?;
            } else {
                let mut l = vec!["INBOX".to_string(), "CATEGORY_PERSONAL".into()];
                if self.age_days(spec.time) < 5 && self.chance(0.4) {
                    l.push("UNREAD".into());
                }
                self.put(p, spec, l)?;
            }
        }
        Ok(())
    }

    fn thread(&mut self, c: Conversation) -> Result<()> {
        let Conversation {
            participants,
            starter,
            subject,
            messages,
            label,
            attachment,
            important,
        } = c;
        let key = ids::hex(self.conn, 12)?;
        let mut time = self.past();
        let span = (self.now.timestamp_millis() - time).max(600_000);
        let mut sender = starter;
        let mut refs: Vec<String> = Vec::new();
        let starred = self.chance(0.1);
        for (n, body) in messages.iter().enumerate() {
            if n > 0 {
                time += self
                    .rng
                    .random_range(300_000..(span / messages.len() as i64).max(300_001));
                let others: Vec<User> = participants
                    .iter()
                    .filter(|p| p.id != sender.id)
                    .cloned()
                    .collect();
                if !others.is_empty() {
                    sender = self.pick(&others).clone();
                }
            }
            let recipients: Vec<&User> =
                participants.iter().filter(|p| p.id != sender.id).collect();
            let (to, cc) = recipients.split_at(recipients.len().min(1));
            let to_first = to.first().map(|u| u.given_name.clone()).unwrap_or_default();
            let vars: Vars = vec![
                ("to_first", to_first),
                ("sender", sender.given_name.clone()),
            ];
            let signature = format!(
                "\n\n{}\n{}, {}",
                sender.display_name, sender.title, sender.organization
            );
            let mut text = fill(body, &vars);
            if n > 0 {
                text.push_str(&signature);
            }
            let domain = sender
                .email
                .rsplit('@')
                .next()
                .unwrap_or("mail.com")
                .to_string();
            let spec = Spec {
                from: address(&sender),
                to: to.iter().map(|u| address(u)).collect::<Vec<_>>().join(", "),
                cc: cc.iter().map(|u| address(u)).collect::<Vec<_>>().join(", "),
                subject: if n == 0 {
                    subject.clone()
                } else {
                    format!("Re: {subject}")
                },
                html: if self.chance(0.5) {
                    html_of(&text)
                } else {
                    String::new()
                },
                text,
                time,
                thread_key: key.clone(),
                message_id: self.new_message_id(&domain)?,
                in_reply_to: refs.last().cloned().unwrap_or_default(),
                refs: refs.join(" "),
                attachment: if n == 0 {
                    attachment
                        .as_ref()
                        .map(|a| (a.clone(), mime_type(a).to_string()))
                } else {
                    None
                },
                extra: Vec::new(),
            };
            refs.push(spec.message_id.clone());
            let mut labels = self.inbox_labels(time, "CATEGORY_PERSONAL", 1.0);
            if important {
                labels.push("IMPORTANT".into());
            }
            if starred {
                labels.push("STARRED".into());
            }
            if let Some(l) = &label {
                labels.push(self.label(l)?);
            }
            self.converse(&spec, &sender, &participants, labels)?;
        }
        Ok(())
    }

    fn work_thread(&mut self, left: usize) -> Result<()> {
        let (subject, opening, replies, label, attachment) = *self.pick(WORK_THREADS);
        let vars = self.vars();
        let mut people = self.colleagues();
        let mut participants = vec![self.primary.clone()];
        for _ in 0..self.rng.random_range(1..4) {
            if people.is_empty() {
                break;
            }
            let i = self.rng.random_range(0..people.len());
            participants.push(people.remove(i));
        }
        let starter = if self.chance(0.25) {
            self.primary.clone()
        } else {
            participants[1].clone()
        };
        let len = self
            .rng
            .random_range(1..=replies.len() + 1)
            .min(left.max(1));
        let mut messages = vec![fill(opening, &vars)];
        messages.extend(replies.iter().take(len - 1).map(|r| fill(r, &vars)));
        let label = (!label.is_empty() && self.chance(0.75)).then(|| fill(label, &vars));
        let attachment =
            (!attachment.is_empty() && self.chance(0.6)).then(|| fill(attachment, &vars));
        let important = self.chance(0.5);
        self.thread(Conversation {
            participants,
            starter,
            subject: fill(subject, &vars),
            messages,
            label,
            attachment,
            important,
        })
    }

    fn external_thread(&mut self, left: usize) -> Result<()> {
        let (email, subject, body, replies, label, attachment) = *self.pick(EXTERNAL_THREADS);
        let Some(external) = self.user_by_email(email) else {
            return self.bulk(NEWSLETTERS, 1.0);
        };
        let vars = self.vars();
        let len = self
            .rng
            .random_range(1..=replies.len() + 1)
            .min(left.max(1));
        let mut messages = vec![fill(body, &vars)];
        messages.extend(replies.iter().take(len - 1).map(|r| fill(r, &vars)));
        let label = (!label.is_empty()).then(|| label.to_string());
        let attachment =
            (!attachment.is_empty() && self.chance(0.8)).then(|| fill(attachment, &vars));
        let participants = vec![self.primary.clone(), external.clone()];
        self.thread(Conversation {
            participants,
            starter: external,
            subject: fill(subject, &vars),
            messages,
            label,
            attachment,
            important: true,
        })
    }

    fn personal(&mut self) -> Result<()> {
        let (email, subject, body, attachment) = *self.pick(PERSONAL);
        let Some(friend) = self.user_by_email(email) else {
            return self.bulk(NEWSLETTERS, 1.0);
        };
        let vars = self.vars();
        let time = self.past();
        let spec = Spec {
            from: address(&friend),
            to: self.primary.email.clone(),
            subject: fill(subject, &vars),
            text: fill(body, &vars),
            time,
            message_id: self.new_message_id("mail.gmail.com")?,
            attachment: (!attachment.is_empty()).then(|| {
                let name = fill(attachment, &vars);
                let m = mime_type(&name).to_string();
                (name, m)
            }),
            ..Spec::default()
        };
        let labels = self.inbox_labels(time, "CATEGORY_PERSONAL", 1.2);
        let participants = vec![self.primary.clone(), friend.clone()];
        self.converse(&spec, &friend, &participants, labels)
    }

    fn sent_alone(&mut self) -> Result<()> {
        let (subject, body) = *self.pick(SENT_ALONE);
        let mut vars = self.vars();
        let colleagues = self.colleagues();
        if colleagues.is_empty() {
            return self.bulk(NEWSLETTERS, 1.0);
        }
        let to = self.pick(&colleagues).clone();
        vars.insert(0, ("to_first", to.given_name.clone()));
        let time = self.past();
        let spec = Spec {
            from: address(&self.primary),
            to: address(&to),
            subject: fill(subject, &vars),
            text: fill(body, &vars),
            time,
            message_id: self.new_message_id("mail.gmail.com")?,
            ..Spec::default()
        };
        let participants = vec![self.primary.clone(), to];
        let primary = self.primary.clone();
        self.converse(&spec, &primary, &participants, Vec::new())
    }

    fn drafts(&mut self) -> Result<()> {
        let colleagues = self.colleagues();
        let drafts = [
            (
                colleagues.iter().find(|u| u.department == "Sales").cloned(),
                "Pricing proposal for Globex",
                "Hi,\n\nHere is my first pass at the Globex pricing: 3-year term, 12% discount, annual billing.\nThoughts before I send it?\n\nAlex",
            ),
            (
                colleagues.first().cloned(),
                "Offsite agenda (draft)",
                "Day 1: strategy and roadmap\nDay 2: team workshops\nDay 3: hike and dinner",
            ),
        ];
        for (to, subject, body) in drafts {
            let time = self.now.timestamp_millis() - self.rng.random_range(3_600_000..172_800_000);
            let spec = Spec {
                from: address(&self.primary),
                to: to.map(|u| address(&u)).unwrap_or_default(),
                subject: subject.into(),
                text: body.into(),
                time,
                message_id: self.new_message_id("mail.gmail.com")?,
                ..Spec::default()
            };
            let primary = self.primary.clone();
            self.put(&primary, &spec, vec!["DRAFT".into()])?;
            let message_id: String = self.conn.query_row(
                "SELECT id FROM gmail_messages WHERE user_id = ?1 ORDER BY rowid DESC LIMIT 1",
                [&primary.id],
                |r| r.get(0),
            )?;
            let draft_id = format!("r{}", ids::numeric(self.conn, 19)?);
            self.conn.execute(
                "INSERT INTO gmail_drafts (id, user_id, message_id) VALUES (?1, ?2, ?3)",
                rusqlite::params![draft_id, primary.id, message_id],
            )?;
        }
        Ok(())
    }
}
