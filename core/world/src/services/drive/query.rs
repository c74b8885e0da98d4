//! The `q` search language of `files.list`: a recursive-descent parser into an AST, checked
//! against the fields Drive knows (a bad query is a 400 that says what and where), and an
//! evaluator over a [`FileFacts`] view of one file.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Text {
        field: TextField,
        op: Op,
        value: String,
    },
    Time {
        field: TimeField,
        op: Op,
        value: DateTime<Utc>,
    },
    Flag {
        field: FlagField,
        op: Op,
        value: bool,
    },
    /// `'value' in parents|owners|writers|readers`.
    In {
        value: String,
        collection: Collection,
    },
    /// `properties has { key='k' and value='v' }`.
    Has {
        app: bool,
        key: String,
        value: String,
    },
}

impl Expr {
    /// Whether the expression reads file content (`fullText contains`).
    pub fn reads_content(&self) -> bool {
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => a.reads_content() || b.reads_content(),
            Expr::Not(e) => e.reads_content(),
            Expr::Text { field, .. } => *field == TextField::FullText,
            Expr::Time { .. } | Expr::Flag { .. } | Expr::In { .. } | Expr::Has { .. } => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    Name,
    MimeType,
    FullText,
    Description,
    Visibility,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // named after Drive's fields: modifiedTime, createdTime, …
pub enum TimeField {
    ModifiedTime,
    CreatedTime,
    ViewedByMeTime,
    TrashedTime,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagField {
    Trashed,
    Starred,
    SharedWithMe,
    OwnedByMe,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collection {
    Parents,
    Owners,
    Writers,
    Readers,
}

/// What the evaluator needs to know about one file, from the acting user's point of view.
/// Email lists are lowercase.
pub struct FileFacts<'a> {
    /// The acting user's email, lowercase (what `'me' in owners` means).
    pub me: String,
    pub name: &'a str,
    pub mime_type: &'a str,
    pub description: &'a str,
    pub content: &'a str,
    pub parents: Vec<&'a str>,
    pub owners: Vec<String>,
    pub writers: Vec<String>,
    pub readers: Vec<String>,
    pub trashed: bool,
    pub starred: bool,
    pub shared_with_me: bool,
    pub owned_by_me: bool,
    pub modified_time: Option<DateTime<Utc>>,
    pub created_time: Option<DateTime<Utc>>,
    pub viewed_by_me_time: Option<DateTime<Utc>>,
    pub trashed_time: Option<DateTime<Utc>>,
    pub visibility: &'a str,
    pub properties: &'a Map<String, Value>,
    pub app_properties: &'a Map<String, Value>,
}

/// A query that does not parse: the message names the problem and its character offset.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryError(pub String);

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Op(Op),
    LParen,
    RParen,
    LBrace,
    RBrace,
}

fn lex(input: &str) -> Result<Vec<(usize, Tok)>, QueryError> {
    let chars: Vec<(usize, char)> = input.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push((pos, Tok::LParen));
                i += 1
            }
            ')' => {
                out.push((pos, Tok::RParen));
                i += 1
            }
            '{' => {
                out.push((pos, Tok::LBrace));
                i += 1
            }
            '}' => {
                out.push((pos, Tok::RBrace));
                i += 1
            }
            '=' => {
                out.push((pos, Tok::Op(Op::Eq)));
                i += 1
            }
            '!' if chars.get(i + 1).map(|x| x.1) == Some('=') => {
                out.push((pos, Tok::Op(Op::Ne)));
                i += 2
            }
            '<' | '>' => {
                let eq = chars.get(i + 1).map(|x| x.1) == Some('=');
                let op = match (c, eq) {
                    ('<', true) => Op::Le,
                    ('<', false) => Op::Lt,
                    ('>', true) => Op::Ge,
                    _ => Op::Gt,
                };
                out.push((pos, Tok::Op(op)));
                i += if eq { 2 } else { 1 };
            }
            '\'' | '"' => {
                let quote = c;
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(QueryError(format!(
                                "unterminated string starting at offset {pos}"
                            )))
                        }
                        Some(&(_, '\\')) => {
                            match chars.get(i + 1) {
                                Some(&(_, e)) => s.push(e),
                                None => {
                                    return Err(QueryError(format!(
                                        "dangling escape in string starting at offset {pos}"
                                    )))
                                }
                            }
                            i += 2;
                        }
                        Some(&(_, ch)) if ch == quote => {
                            i += 1;
                            break;
                        }
                        Some(&(_, ch)) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push((pos, Tok::Str(s)));
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' => {
                let mut s = String::new();
                while let Some(&(_, ch)) = chars.get(i) {
                    if ch.is_alphanumeric() || ch == '_' || ch == '.' {
                        s.push(ch);
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push((pos, Tok::Word(s)));
            }
            other => {
                return Err(QueryError(format!(
                    "unexpected character '{other}' at offset {pos}"
                )))
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    len: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 64;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.1)
    }
    fn offset(&self) -> usize {
        self.toks.get(self.pos).map(|t| t.0).unwrap_or(self.len)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|t| t.1.clone());
        self.pos += 1;
        t
    }
    fn err<T>(&self, what: impl Into<String>) -> Result<T, QueryError> {
        Err(QueryError(format!(
            "{} at offset {}",
            what.into(),
            self.offset()
        )))
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.and()?;
        while self.is_word("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.unary()?;
        while self.is_word("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("query nests too deeply");
        }
        let out = if self.is_word("not") {
            self.pos += 1;
            Ok(Expr::Not(Box::new(self.unary()?)))
        } else if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            let inner = self.or()?;
            if self.next() != Some(Tok::RParen) {
                self.pos -= 1;
                return self.err("expected ')'");
            }
            Ok(inner)
        } else {
            self.term()
        };
        self.depth -= 1;
        out
    }

    fn string(&mut self, what: &str) -> Result<String, QueryError> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(s),
            _ => {
                self.pos -= 1;
                self.err(format!("expected a quoted string for {what}"))
            }
        }
    }

    fn op(&mut self) -> Result<Op, QueryError> {
        match self.next() {
            Some(Tok::Op(op)) => Ok(op),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("contains") => Ok(Op::Contains),
            _ => {
                self.pos -= 1;
                self.err("expected an operator (=, !=, <, <=, >, >=, contains)")
            }
        }
    }

    fn term(&mut self) -> Result<Expr, QueryError> {
        let start = self.offset();
        match self.next() {
            Some(Tok::Str(value)) => {
                if !self.is_word("in") {
                    return self.err("expected 'in' after a quoted value");
                }
                self.pos += 1;
                let collection = match self.next() {
                    Some(Tok::Word(w)) => match w.as_str() {
                        "parents" => Collection::Parents,
                        "owners" => Collection::Owners,
                        "writers" => Collection::Writers,
                        "readers" => Collection::Readers,
                        other => {
                            self.pos -= 1;
                            return self.err(format!(
                                "'{other}' is not a collection (parents, owners, writers, readers)"
                            ));
                        }
                    },
                    _ => {
                        self.pos -= 1;
                        return self.err("expected parents, owners, writers or readers");
                    }
                };
                Ok(Expr::In { value, collection })
            }
            Some(Tok::Word(field)) => self.field_term(&field, start),
            Some(_) => {
                self.pos -= 1;
                self.err("expected a search term")
            }
            None => self.err("unexpected end of query"),
        }
    }

    fn field_term(&mut self, field: &str, start: usize) -> Result<Expr, QueryError> {
        let text = match field {
            "name" => Some(TextField::Name),
            "mimeType" => Some(TextField::MimeType),
            "fullText" => Some(TextField::FullText),
            "description" => Some(TextField::Description),
            "visibility" => Some(TextField::Visibility),
            _ => None,
        };
        if let Some(f) = text {
            let op = self.op()?;
            let allowed = match f {
                TextField::FullText => matches!(op, Op::Contains),
                TextField::Visibility => matches!(op, Op::Eq | Op::Ne),
                _ => matches!(op, Op::Eq | Op::Ne | Op::Contains),
            };
            if !allowed {
                return Err(QueryError(format!(
                    "operator {op:?} is not supported for field '{field}' (offset {start})"
                )));
            }
            let value = self.string(field)?;
            if f == TextField::Visibility
                && ![
                    "anyoneCanFind",
                    "anyoneWithLink",
                    "domainCanFind",
                    "domainWithLink",
                    "limited",
                ]
                .contains(&value.as_str())
            {
                return Err(QueryError(format!(
                    "invalid visibility '{value}' (offset {start})"
                )));
            }
            return Ok(Expr::Text {
                field: f,
                op,
                value,
            });
        }
        let time = match field {
            "modifiedTime" => Some(TimeField::ModifiedTime),
            "createdTime" => Some(TimeField::CreatedTime),
            "viewedByMeTime" => Some(TimeField::ViewedByMeTime),
            "trashedTime" => Some(TimeField::TrashedTime),
            _ => None,
        };
        if let Some(f) = time {
            let op = self.op()?;
            if op == Op::Contains {
                return Err(QueryError(format!(
                    "'contains' is not supported for field '{field}' (offset {start})"
                )));
            }
            let at = self.offset();
            let raw = self.string(field)?;
            let value = parse_time(&raw).ok_or_else(|| {
                QueryError(format!(
                    "invalid date-time '{raw}' at offset {at} (use RFC 3339, e.g. 2026-03-01T12:00:00Z)"
                ))
            })?;
            return Ok(Expr::Time {
                field: f,
                op,
                value,
            });
        }
        let flag = match field {
            "trashed" => Some(FlagField::Trashed),
            "starred" => Some(FlagField::Starred),
            "sharedWithMe" => Some(FlagField::SharedWithMe),
            "ownedByMe" => Some(FlagField::OwnedByMe),
            _ => None,
        };
        if let Some(f) = flag {
            // `sharedWithMe` alone means `sharedWithMe = true`.
            if !matches!(self.peek(), Some(Tok::Op(_))) {
                return Ok(Expr::Flag {
                    field: f,
                    op: Op::Eq,
                    value: true,
                });
            }
            let op = self.op()?;
            if !matches!(op, Op::Eq | Op::Ne) {
                return Err(QueryError(format!(
                    "only = and != are supported for field '{field}' (offset {start})"
                )));
            }
            let value = match self.next() {
                Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => true,
                Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => false,
                _ => {
                    self.pos -= 1;
                    return self.err(format!("expected true or false for '{field}'"));
                }
            };
            return Ok(Expr::Flag {
                field: f,
                op,
                value,
            });
        }
        if field == "properties" || field == "appProperties" {
            if !self.is_word("has") {
                return self.err(format!("expected 'has' after '{field}'"));
            }
            self.pos += 1;
            if self.next() != Some(Tok::LBrace) {
                self.pos -= 1;
                return self.err("expected '{'");
            }
            let key = self.keyed("key")?;
            if !self.is_word("and") {
                return self.err("expected 'and' between key and value");
            }
            self.pos += 1;
            let value = self.keyed("value")?;
            if self.next() != Some(Tok::RBrace) {
                self.pos -= 1;
                return self.err("expected '}'");
            }
            return Ok(Expr::Has {
                app: field == "appProperties",
                key,
                value,
            });
        }
        Err(QueryError(format!(
            "unknown search field '{field}' at offset {start} (name, fullText, mimeType, \
             modifiedTime, createdTime, viewedByMeTime, trashed, starred, sharedWithMe, ownedByMe, \
             visibility, description, properties, appProperties, or 'x' in parents/owners/writers/readers)"
        )))
    }

    fn keyed(&mut self, word: &str) -> Result<String, QueryError> {
        if !self.is_word(word) {
            return self.err(format!("expected '{word}'"));
        }
        self.pos += 1;
        if self.next() != Some(Tok::Op(Op::Eq)) {
            self.pos -= 1;
            return self.err("expected '='");
        }
        self.string(word)
    }
}

/// Parses RFC 3339 (a missing offset means UTC) or a bare date.
pub fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, fmt) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// Parses a `q` string. An empty query is `None` (everything matches).
pub fn parse(input: &str) -> Result<Option<Expr>, QueryError> {
    let toks = lex(input)?;
    if toks.is_empty() {
        return Ok(None);
    }
    let mut p = Parser {
        toks,
        pos: 0,
        len: input.len(),
        depth: 0,
    };
    let expr = p.or()?;
    if p.pos < p.toks.len() {
        return p.err("unexpected text after the end of the query");
    }
    Ok(Some(expr))
}

fn compare<T: PartialOrd>(op: Op, a: T, b: T) -> bool {
    match op {
        Op::Eq => a == b,
        Op::Ne => a != b,
        Op::Lt => a < b,
        Op::Le => a <= b,
        Op::Gt => a > b,
        Op::Ge => a >= b,
        Op::Contains => false,
    }
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// Whether `file` matches `expr`.
pub fn matches(expr: &Expr, file: &FileFacts<'_>) -> bool {
    match expr {
        Expr::And(a, b) => matches(a, file) && matches(b, file),
        Expr::Or(a, b) => matches(a, file) || matches(b, file),
        Expr::Not(a) => !matches(a, file),
        Expr::Text { field, op, value } => {
            let subject = match field {
                TextField::Name => file.name,
                TextField::MimeType => file.mime_type,
                TextField::Description => file.description,
                TextField::Visibility => file.visibility,
                TextField::FullText => {
                    return contains_ci(file.name, value)
                        || contains_ci(file.description, value)
                        || contains_ci(file.content, value)
                }
            };
            match op {
                Op::Contains => contains_ci(subject, value),
                Op::Eq => subject == value,
                Op::Ne => subject != value,
                _ => false,
            }
        }
        Expr::Time { field, op, value } => {
            let t = match field {
                TimeField::ModifiedTime => file.modified_time,
                TimeField::CreatedTime => file.created_time,
                TimeField::ViewedByMeTime => file.viewed_by_me_time,
                TimeField::TrashedTime => file.trashed_time,
            };
            match t {
                Some(t) => compare(*op, t, *value),
                None => *op == Op::Ne,
            }
        }
        Expr::Flag { field, op, value } => {
            let v = match field {
                FlagField::Trashed => file.trashed,
                FlagField::Starred => file.starred,
                FlagField::SharedWithMe => file.shared_with_me,
                FlagField::OwnedByMe => file.owned_by_me,
            };
            compare(*op, v, *value)
        }
        Expr::In { value, collection } => {
            let v = if value == "me" {
                file.me.clone()
            } else {
                value.to_lowercase()
            };
            match collection {
                Collection::Parents => file.parents.iter().any(|p| *p == value),
                Collection::Owners => file.owners.contains(&v),
                Collection::Writers => file.writers.contains(&v),
                Collection::Readers => file.readers.contains(&v),
            }
        }
        Expr::Has { app, key, value } => {
            let map = if *app {
                file.app_properties
            } else {
                file.properties
            };
            map.get(key).and_then(Value::as_str) == Some(value.as_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_documented_examples() {
        for q in [
            "name = 'hello'",
            "name contains 'hello' and name contains 'goodbye'",
            "not name contains 'hello'",
            "fullText contains 'hello'",
            "mimeType = 'application/vnd.google-apps.folder'",
            "modifiedTime > '2012-06-04T12:00:00'",
            "modifiedTime > '2012-06-04T12:00:00-08:00' and (mimeType contains 'image/' or mimeType contains 'video/')",
            "'1234567' in parents",
            "'test@example.org' in writers",
            "sharedWithMe and name contains 'hello'",
            "properties has { key='mass' and value='1.3kg' }",
            "trashed = true and starred != false",
            "visibility = 'anyoneWithLink'",
            "name = 'it\\'s'",
        ] {
            assert!(parse(q).is_ok(), "{q}: {:?}", parse(q));
        }
    }

    #[test]
    fn precedence_and_binds_tighter_than_or() {
        let e = parse("starred = true or trashed = true and name = 'x'")
            .unwrap()
            .unwrap();
        assert!(matches!(e, Expr::Or(_, _)));
    }

    #[test]
    fn errors_name_the_problem() {
        for (q, needle) in [
            ("nmae = 'x'", "unknown search field 'nmae'"),
            ("name = 'x", "unterminated string"),
            ("name = 'x' and", "unexpected end"),
            ("modifiedTime > 'yesterday'", "invalid date-time"),
            ("(name = 'x'", "expected ')'"),
            ("fullText = 'x'", "not supported"),
            ("'x' in pants", "not a collection"),
            ("name = 'a' 'b'", "unexpected text"),
        ] {
            let e = parse(q).unwrap_err().0;
            assert!(e.contains(needle), "{q}: {e}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(q in ".{0,60}") {
            let _ = parse(&q);
        }

        #[test]
        fn never_panics_on_query_like_text(parts in prop::collection::vec(prop::sample::select(vec![
            "name", "=", "'a'", "and", "or", "not", "(", ")", "{", "}", "in", "parents", "'x@y'",
            "contains", "properties", "has", "key", "value", "trashed", "true", "<=", "modifiedTime",
            "'2026-01-01'", "sharedWithMe", "\\", "'", "!=", "fullText",
        ]), 0..20)) {
            let _ = parse(&parts.join(" "));
        }
    }
}
