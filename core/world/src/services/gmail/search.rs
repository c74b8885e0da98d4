//! Gmail's search language (`q`): a tokenizer, a recursive-descent parser that builds an [`Expr`],
//! and an evaluator over stored messages.
//!
//! Grammar (as Gmail reads it, OR binding tighter than the implicit AND):
//!
//! ```text
//! query   := and
//! and     := or ( ["AND"] or )*
//! or      := unary ( ("OR" | "|") unary )*
//! unary   := "-" unary | primary
//! primary := "(" and ")" | "{" unary* "}" | FIELD ":" value | WORD | "QUOTED"
//! value   := WORD | "QUOTED" | "(" and ")" | "{" unary* "}"     (the field applies inside)
//! ```
//!
//! The parser is lenient like Gmail (a stray `)` is ignored, an open `(` closes at the end); the
//! only error is nesting deeper than [`MAX_DEPTH`]. Text matches whole words: the value's words
//! must appear consecutively in the field (`from:bob` matches `Bob Li <bob@x.com>`).

use std::cell::OnceCell;
use std::collections::HashMap;

use chrono::{DateTime, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::mime;
use super::store::Message;

/// Deepest nesting of groups and negations the parser accepts.
pub const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// Every child must match (the empty And matches everything).
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Term(Term),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// Lowercase operator name (`from`, `label`…); `None` for a bare word or phrase.
    pub field: Option<String>,
    pub value: String,
    /// Whether the value was quoted.
    pub phrase: bool,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    LParen,
    RParen,
    LBrace,
    RBrace,
    Minus,
    Or,
    And,
    Field(String),
    Word(String),
    Quoted(String),
}

fn is_special(c: char) -> bool {
    matches!(c, '(' | ')' | '{' | '}' | '"')
}

fn tokenize(q: &str) -> Vec<Token> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => out.push(Token::LParen),
            ')' => out.push(Token::RParen),
            '{' => out.push(Token::LBrace),
            '}' => out.push(Token::RBrace),
            '|' => out.push(Token::Or),
            '-' if chars.get(i + 1).is_some_and(|n| !n.is_whitespace()) => out.push(Token::Minus),
            '"' => {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && chars[end] != '"' {
                    end += 1;
                }
                out.push(Token::Quoted(chars[start..end].iter().collect()));
                i = end + 1;
                continue;
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !is_special(chars[i])
                    && chars[i] != '|'
                {
                    i += 1;
                    // a field name stops at its colon; the value is the next token
                    if chars[i - 1] == ':' && i - 1 > start {
                        break;
                    }
                }
                let word: String = chars[start..i].iter().collect();
                if let Some(name) = word.strip_suffix(':').filter(|n| is_field_name(n)) {
                    out.push(Token::Field(name.to_ascii_lowercase()));
                } else if word == "OR" {
                    out.push(Token::Or);
                } else if word == "AND" {
                    out.push(Token::And);
                } else if word != "-" {
                    // an unknown `foo:` keeps reading its value as part of the word
                    if word.ends_with(':') && i < chars.len() && !chars[i].is_whitespace() {
                        let mut end = i;
                        while end < chars.len()
                            && !chars[end].is_whitespace()
                            && !is_special(chars[end])
                        {
                            end += 1;
                        }
                        let rest: String = chars[i..end].iter().collect();
                        out.push(Token::Word(format!("{word}{rest}")));
                        i = end;
                        continue;
                    }
                    out.push(Token::Word(word));
                }
                continue;
            }
        }
        i += 1;
    }
    out
}

const FIELDS: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "label",
    "is",
    "in",
    "category",
    "after",
    "before",
    "older",
    "newer",
    "older_than",
    "newer_than",
    "has",
    "filename",
    "rfc822msgid",
    "list",
    "deliveredto",
    "replyto",
    "larger",
    "smaller",
    "size",
];

fn is_field_name(name: &str) -> bool {
    FIELDS.contains(&name.to_ascii_lowercase().as_str())
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// Parses a query. Fails only when it nests deeper than [`MAX_DEPTH`].
pub fn parse(q: &str) -> Result<Expr, String> {
    let mut p = Parser {
        tokens: tokenize(q),
        pos: 0,
        depth: 0,
    };
    let mut items = Vec::new();
    while p.pos < p.tokens.len() {
        match p.peek() {
            Some(Token::RParen) | Some(Token::RBrace) => p.pos += 1,
            _ => {
                if let Expr::And(more) = p.and(None)? {
                    items.extend(more);
                }
            }
        }
    }
    Ok(simplify(Expr::And(items)))
}

fn simplify(e: Expr) -> Expr {
    match e {
        Expr::And(mut v) if v.len() == 1 => v.remove(0),
        Expr::Or(mut v) if v.len() == 1 => v.remove(0),
        other => other,
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(format!("query nests deeper than {MAX_DEPTH} levels"))
        } else {
            Ok(())
        }
    }

    fn and(&mut self, field: Option<&str>) -> Result<Expr, String> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None | Some(Token::RParen) | Some(Token::RBrace) => break,
                Some(Token::And) | Some(Token::Or) => self.pos += 1,
                _ => {
                    if let Some(e) = self.or(field)? {
                        items.push(e);
                    }
                }
            }
        }
        Ok(Expr::And(items))
    }

    fn or(&mut self, field: Option<&str>) -> Result<Option<Expr>, String> {
        let mut items = Vec::new();
        if let Some(e) = self.unary(field)? {
            items.push(e);
        }
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            if let Some(e) = self.unary(field)? {
                items.push(e);
            }
        }
        Ok(match items.len() {
            0 => None,
            1 => items.pop(),
            _ => Some(Expr::Or(items)),
        })
    }

    fn unary(&mut self, field: Option<&str>) -> Result<Option<Expr>, String> {
        if self.peek() == Some(&Token::Minus) {
            self.pos += 1;
            self.enter()?;
            let inner = self.unary(field)?;
            self.depth -= 1;
            return Ok(inner.map(|e| Expr::Not(Box::new(e))));
        }
        self.primary(field)
    }

    fn group(&mut self, field: Option<&str>) -> Result<Expr, String> {
        self.enter()?;
        let inner = self.and(field)?;
        if self.peek() == Some(&Token::RParen) {
            self.pos += 1;
        }
        self.depth -= 1;
        Ok(simplify(inner))
    }

    fn braces(&mut self, field: Option<&str>) -> Result<Expr, String> {
        self.enter()?;
        let mut items = Vec::new();
        loop {
            match self.peek() {
                None => break,
                Some(Token::RBrace) => {
                    self.pos += 1;
                    break;
                }
                Some(Token::RParen) | Some(Token::Or) | Some(Token::And) => self.pos += 1,
                _ => {
                    if let Some(e) = self.unary(field)? {
                        items.push(e);
                    }
                }
            }
        }
        self.depth -= 1;
        Ok(simplify(Expr::Or(items)))
    }

    fn primary(&mut self, field: Option<&str>) -> Result<Option<Expr>, String> {
        let Some(token) = self.peek().cloned() else {
            return Ok(None);
        };
        self.pos += 1;
        Ok(match token {
            Token::LParen => Some(self.group(field)?),
            Token::LBrace => Some(self.braces(field)?),
            Token::Word(w) => Some(term(field, w, false)),
            Token::Quoted(w) => Some(term(field, w, true)),
            Token::Field(name) => match self.peek().cloned() {
                Some(Token::LParen) => {
                    self.pos += 1;
                    Some(self.group(Some(&name))?)
                }
                Some(Token::LBrace) => {
                    self.pos += 1;
                    Some(self.braces(Some(&name))?)
                }
                Some(Token::Word(w)) => {
                    self.pos += 1;
                    Some(term(Some(&name), w, false))
                }
                Some(Token::Quoted(w)) => {
                    self.pos += 1;
                    Some(term(Some(&name), w, true))
                }
                // `subject:` with nothing usable after it searches the word itself
                _ => Some(term(field, format!("{name}:"), false)),
            },
            Token::RParen | Token::RBrace | Token::Or | Token::And | Token::Minus => None,
        })
    }
}

fn term(field: Option<&str>, value: String, phrase: bool) -> Expr {
    Expr::Term(Term {
        field: field.map(str::to_string),
        value,
        phrase,
    })
}

/// Which of spam and trash a query explicitly asks for (`in:spam`, `label:trash`, `in:anywhere`).
pub fn scope(e: &Expr) -> (bool, bool) {
    match e {
        Expr::And(v) | Expr::Or(v) => v.iter().fold((false, false), |(s, t), c| {
            let (cs, ct) = scope(c);
            (s || cs, t || ct)
        }),
        Expr::Not(inner) => scope(inner),
        Expr::Term(t) => match (t.field.as_deref(), t.value.to_ascii_lowercase().as_str()) {
            (Some("in") | Some("label") | Some("is"), "anywhere") => (true, true),
            (Some("in") | Some("label"), "spam") => (true, false),
            (Some("in") | Some("label"), "trash") => (false, true),
            _ => (false, false),
        },
    }
}

/// What a query is evaluated against besides the message.
pub struct Context {
    pub now: DateTime<Utc>,
    pub tz: Tz,
    pub user_email: String,
    /// Normalized label name (see [`normalize_label`]) → label id, user labels and system ones.
    pub labels: HashMap<String, String>,
}

/// Gmail's label-name folding: case, spaces, slashes, hyphens and underscores are alike.
pub fn normalize_label(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .map(|c| {
            if matches!(c, ' ' | '/' | '-' | '_' | '.') {
                '-'
            } else {
                c
            }
        })
        .collect()
}

/// Lowercase words of a text (split on anything that is not a letter or digit).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A message prepared for matching: the words of each field, computed on first use (most
/// operators look at labels or dates only).
pub struct Doc<'a> {
    pub message: &'a Message,
    from: OnceCell<Vec<String>>,
    to: OnceCell<Vec<String>>,
    cc: OnceCell<Vec<String>>,
    bcc: OnceCell<Vec<String>>,
    subject: OnceCell<Vec<String>>,
    body: OnceCell<Vec<String>>,
    filenames: OnceCell<Vec<Vec<String>>>,
}

impl<'a> Doc<'a> {
    pub fn new(message: &'a Message) -> Doc<'a> {
        Doc {
            message,
            from: OnceCell::new(),
            to: OnceCell::new(),
            cc: OnceCell::new(),
            bcc: OnceCell::new(),
            subject: OnceCell::new(),
            body: OnceCell::new(),
            filenames: OnceCell::new(),
        }
    }

    fn from(&self) -> &[String] {
        self.from.get_or_init(|| words(&self.message.from))
    }
    fn to(&self) -> &[String] {
        self.to.get_or_init(|| words(&self.message.to))
    }
    fn cc(&self) -> &[String] {
        self.cc.get_or_init(|| words(&self.message.cc))
    }
    fn bcc(&self) -> &[String] {
        self.bcc.get_or_init(|| words(&self.message.bcc))
    }
    fn subject(&self) -> &[String] {
        self.subject.get_or_init(|| words(&self.message.subject))
    }
    fn body(&self) -> &[String] {
        self.body.get_or_init(|| {
            let m = self.message;
            if m.body_text.trim().is_empty() {
                words(&mime::html_to_text(&m.body_html))
            } else {
                words(&m.body_text)
            }
        })
    }
    fn filenames(&self) -> &[Vec<String>] {
        self.filenames.get_or_init(|| {
            self.message
                .attachment_names
                .iter()
                .map(|n| words(n))
                .collect()
        })
    }
}

/// Whether `needle`'s words appear consecutively in `haystack`. A value without any word (`@`,
/// `""`) constrains nothing, as Gmail ignores bare punctuation.
fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    if needle.is_empty() {
        return true;
    }
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Whether `doc` satisfies `expr`.
pub fn matches(expr: &Expr, doc: &Doc<'_>, ctx: &Context) -> bool {
    match expr {
        Expr::And(v) => v.iter().all(|e| matches(e, doc, ctx)),
        Expr::Or(v) => v.iter().any(|e| matches(e, doc, ctx)),
        Expr::Not(e) => !matches(e, doc, ctx),
        Expr::Term(t) => term_matches(t, doc, ctx),
    }
}

fn resolve_me(value: &str, ctx: &Context) -> String {
    if value.eq_ignore_ascii_case("me") {
        ctx.user_email.clone()
    } else {
        value.to_string()
    }
}

fn term_matches(t: &Term, doc: &Doc<'_>, ctx: &Context) -> bool {
    let m = doc.message;
    let lower = t.value.to_lowercase();
    let field = t.field.as_deref().unwrap_or("");
    let needle = |v: &str| words(v);
    match field {
        "" => {
            let n = needle(&t.value);
            contains_run(doc.subject(), &n)
                || contains_run(doc.from(), &n)
                || contains_run(doc.to(), &n)
                || contains_run(doc.cc(), &n)
                || doc.filenames().iter().any(|f| contains_run(f, &n))
                || contains_run(doc.body(), &n)
        }
        "from" => contains_run(doc.from(), &needle(&resolve_me(&t.value, ctx))),
        "to" => {
            let n = needle(&resolve_me(&t.value, ctx));
            contains_run(doc.to(), &n) || contains_run(doc.cc(), &n) || contains_run(doc.bcc(), &n)
        }
        "deliveredto" => {
            let n = needle(&resolve_me(&t.value, ctx));
            contains_run(doc.to(), &n) || contains_run(doc.cc(), &n) || contains_run(doc.bcc(), &n)
        }
        "cc" => contains_run(doc.cc(), &needle(&resolve_me(&t.value, ctx))),
        "bcc" => contains_run(doc.bcc(), &needle(&resolve_me(&t.value, ctx))),
        "replyto" => contains_run(&words(&m.reply_to), &needle(&t.value)),
        "subject" => contains_run(doc.subject(), &needle(&t.value)),
        "filename" => {
            let n = needle(&t.value);
            doc.filenames().iter().any(|f| contains_run(f, &n))
        }
        "rfc822msgid" => m
            .message_id_header
            .trim_matches(['<', '>'])
            .eq_ignore_ascii_case(lower.trim_matches(['<', '>'])),
        "list" => m.extra_headers.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("List-Id") && contains_run(&words(v), &needle(&t.value))
        }),
        "label" => label_matches(&lower, m, ctx),
        "in" => match lower.as_str() {
            "anywhere" | "all" => true,
            "inbox" => m.has_label("INBOX"),
            "sent" => m.has_label("SENT"),
            "trash" => m.has_label("TRASH"),
            "spam" => m.has_label("SPAM"),
            "draft" | "drafts" => m.has_label("DRAFT"),
            "starred" => m.has_label("STARRED"),
            "important" => m.has_label("IMPORTANT"),
            "chats" | "chat" => m.has_label("CHAT"),
            "snoozed" => false,
            _ => label_matches(&lower, m, ctx),
        },
        "is" => match lower.as_str() {
            "unread" => m.has_label("UNREAD"),
            "read" => !m.has_label("UNREAD"),
            "starred" => m.has_label("STARRED"),
            "important" => m.has_label("IMPORTANT"),
            "chat" => m.has_label("CHAT"),
            "anywhere" => true,
            _ => false,
        },
        "category" => match category_label(&lower) {
            Some(id) => m.has_label(id),
            None => false,
        },
        "has" => match lower.as_str() {
            "attachment" => !m.attachment_names.is_empty(),
            "userlabels" => m.label_ids.iter().any(|l| l.starts_with("Label_")),
            "nouserlabels" => !m.label_ids.iter().any(|l| l.starts_with("Label_")),
            "star" | "yellow-star" => m.has_label("STARRED"),
            _ => false,
        },
        "after" => parse_date(&lower, ctx).is_some_and(|t| m.internal_date >= t),
        "before" => parse_date(&lower, ctx).is_some_and(|t| m.internal_date < t),
        "older_than" | "older" => relative(&lower, ctx).is_some_and(|t| m.internal_date < t),
        "newer_than" | "newer" => relative(&lower, ctx).is_some_and(|t| m.internal_date >= t),
        "larger" | "size" => parse_size(&lower).is_some_and(|n| approx_size(m) > n),
        "smaller" => parse_size(&lower).is_some_and(|n| approx_size(m) < n),
        _ => false,
    }
}

fn approx_size(m: &Message) -> i64 {
    (m.body_text.len() + m.body_html.len() + m.subject.len() + 600) as i64
}

fn parse_size(v: &str) -> Option<i64> {
    let (num, mult) = if let Some(n) = v.strip_suffix('m') {
        (n, 1_000_000)
    } else if let Some(n) = v.strip_suffix('k') {
        (n, 1_000)
    } else {
        (v, 1)
    };
    num.parse::<i64>().ok()?.checked_mul(mult)
}

/// The label id behind a `category:` value.
pub fn category_label(value: &str) -> Option<&'static str> {
    Some(match value {
        "primary" | "personal" => "CATEGORY_PERSONAL",
        "social" => "CATEGORY_SOCIAL",
        "promotions" => "CATEGORY_PROMOTIONS",
        "updates" => "CATEGORY_UPDATES",
        "forums" => "CATEGORY_FORUMS",
        _ => return None,
    })
}

fn label_matches(value: &str, m: &Message, ctx: &Context) -> bool {
    let key = normalize_label(value);
    match ctx.labels.get(&key) {
        Some(id) => m.has_label(id),
        None => m.label_ids.iter().any(|l| normalize_label(l) == key),
    }
}

/// Midnight of a `YYYY/MM/DD` (or `MM/DD/YYYY`, `YYYY-MM-DD`) date in the user's zone, or epoch
/// seconds, as epoch milliseconds.
fn parse_date(v: &str, ctx: &Context) -> Option<i64> {
    if !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()) && v.len() > 8 {
        return v.parse::<i64>().ok()?.checked_mul(1000);
    }
    let parts: Vec<&str> = v.split(['/', '-']).collect();
    if parts.len() != 3 {
        return None;
    }
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let date = if parts[0].len() == 4 {
        NaiveDate::from_ymd_opt(nums[0] as i32, nums[1], nums[2])?
    } else {
        NaiveDate::from_ymd_opt(nums[2] as i32, nums[0], nums[1])?
    };
    let local = ctx
        .tz
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .earliest()?;
    Some(local.timestamp_millis())
}

/// `now` minus `Nd`, `Nw`, `Nm` or `Ny`, as epoch milliseconds.
fn relative(v: &str, ctx: &Context) -> Option<i64> {
    let unit = v.chars().last()?;
    let n: u32 = v[..v.len() - unit.len_utf8()].parse().ok()?;
    let t = match unit {
        'd' => ctx
            .now
            .checked_sub_signed(chrono::Duration::try_days(n.into())?)?,
        'w' => ctx
            .now
            .checked_sub_signed(chrono::Duration::try_weeks(n.into())?)?,
        'h' => ctx
            .now
            .checked_sub_signed(chrono::Duration::try_hours(n.into())?)?,
        'm' => ctx.now.checked_sub_months(Months::new(n))?,
        'y' => ctx
            .now
            .checked_sub_months(Months::new(n.checked_mul(12)?))?,
        _ => return None,
    };
    Some(t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn t(field: Option<&str>, value: &str) -> Expr {
        term(field, value.into(), false)
    }

    #[test]
    fn parses_operators_groups_and_precedence() {
        assert_eq!(parse("").unwrap(), Expr::And(vec![]));
        assert_eq!(
            parse("a b OR c").unwrap(),
            Expr::And(vec![
                t(None, "a"),
                Expr::Or(vec![t(None, "b"), t(None, "c")])
            ])
        );
        assert_eq!(
            parse("from:bob -is:unread").unwrap(),
            Expr::And(vec![
                t(Some("from"), "bob"),
                Expr::Not(Box::new(t(Some("is"), "unread")))
            ])
        );
        assert_eq!(
            parse("{x y} | z").unwrap(),
            Expr::Or(vec![
                Expr::Or(vec![t(None, "x"), t(None, "y")]),
                t(None, "z")
            ])
        );
        assert_eq!(
            parse("subject:(q3 report)").unwrap(),
            Expr::And(vec![t(Some("subject"), "q3"), t(Some("subject"), "report")])
        );
        assert_eq!(
            parse("subject:\"q3 report\"").unwrap(),
            term(Some("subject"), "q3 report".into(), true)
        );
        assert_eq!(parse("foo:bar").unwrap(), t(None, "foo:bar"));
        assert_eq!(parse("e-mail").unwrap(), t(None, "e-mail"));
        assert!(parse(&"(".repeat(100)).is_err());
        let ctx = Context {
            now: Utc::now(),
            tz: chrono_tz::UTC,
            user_email: "a@b.c".into(),
            labels: HashMap::new(),
        };
        let m = Message::default();
        for q in ["newer_than:é✓", "older_than:✓", "after:é/✓/1", "larger:✓"] {
            let _ = matches(&parse(q).unwrap(), &Doc::new(&m), &ctx);
        }
        assert!(parse(&"-".repeat(100).to_string().replace("--", "-a -")).is_ok());
    }

    #[test]
    fn scope_sees_spam_and_trash() {
        assert_eq!(scope(&parse("in:trash from:x").unwrap()), (false, true));
        assert_eq!(scope(&parse("label:SPAM").unwrap()), (true, false));
        assert_eq!(scope(&parse("in:anywhere").unwrap()), (true, true));
    }

    proptest! {
        #[test]
        fn parser_and_evaluator_never_panic(q in "\\PC{0,60}") {
            if let Ok(e) = parse(&q) {
                let m = Message {
                    from: "Zoë Ünal <zoe@exämple.com>".into(),
                    subject: "Grüße ✓ 2026/03/01".into(),
                    body_html: "<style>é</style><p>naïve ✓</p>".into(),
                    attachment_names: vec!["résumé.pdf".into()],
                    label_ids: vec!["INBOX".into()],
                    ..Message::default()
                };
                let ctx = Context {
                    now: Utc::now(),
                    tz: chrono_tz::America::Los_Angeles,
                    user_email: "a@b.c".into(),
                    labels: HashMap::new(),
                };
                let _ = matches(&e, &Doc::new(&m), &ctx);
            }
        }

        #[test]
        fn parser_never_panics_on_operator_soup(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("("), Just(")"), Just("{"), Just("}"), Just("-"), Just("OR"), Just("|"),
                    Just("\""), Just("from:"), Just("label:"), Just("x"), Just(" "), Just("AND"),
                    Just("after:"), Just("2026/13/45"), Just("older_than:"), Just("9999999999y"),
                    Just("é✓"), Just("1ü"), Just("larger:"), Just("filename:"), Just("is:"),
                ],
                0..40,
            )
        ) {
            let q: String = parts.concat();
            if let Ok(e) = parse(&q) {
                let m = Message::default();
                let ctx = Context {
                    now: Utc::now(),
                    tz: chrono_tz::UTC,
                    user_email: "a@b.c".into(),
                    labels: HashMap::new(),
                };
                let _ = matches(&e, &Doc::new(&m), &ctx);
            }
        }
    }
}
