//! Google's `fields` parameter: a partial-response mask such as
//! `nextPageToken,files(id,name,owners(emailAddress))`, parsed into a tree and applied to JSON.
//! Drive applies it in its handlers (with its own defaults); the router applies it for the other
//! Google services.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::ApiError;

/// A field mask: `None` children means "the whole value".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mask {
    pub all: bool,
    pub children: BTreeMap<String, Option<Mask>>,
}

impl Mask {
    pub fn parse(text: &str) -> Result<Mask, ApiError> {
        let chars: Vec<char> = text.chars().collect();
        let mut pos = 0;
        let mask = parse_list(&chars, &mut pos, 0)?;
        if pos < chars.len() {
            return Err(invalid(text));
        }
        Ok(mask)
    }

    /// The mask for a member (`files` in a list response).
    pub fn child(&self, name: &str) -> Option<Option<&Mask>> {
        if self.all {
            return Some(None);
        }
        self.children.get(name).map(Option::as_ref)
    }

    pub fn apply(&self, value: &Value) -> Value {
        if self.all {
            return value.clone();
        }
        match value {
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, sub) in &self.children {
                    if let Some(v) = map.get(k) {
                        out.insert(
                            k.clone(),
                            match sub {
                                None => v.clone(),
                                Some(m) => m.apply(v),
                            },
                        );
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.apply(v)).collect()),
            other => other.clone(),
        }
    }
}

impl Mask {
    /// Rejects names that are not fields of the resource (Google: "Invalid field selection").
    pub fn check(&self, allowed: &[&str]) -> Result<(), ApiError> {
        for name in self.children.keys() {
            if !allowed.contains(&name.as_str()) {
                return Err(invalid(name));
            }
        }
        Ok(())
    }
}

fn invalid(text: &str) -> ApiError {
    ApiError::new(
        400,
        "invalidParameter",
        format!("Invalid field selection {text}"),
    )
}

fn parse_list(chars: &[char], pos: &mut usize, depth: usize) -> Result<Mask, ApiError> {
    let text: String = chars.iter().collect();
    if depth > 16 {
        return Err(invalid(&text));
    }
    let mut mask = Mask::default();
    loop {
        while chars.get(*pos).is_some_and(|c| c.is_whitespace()) {
            *pos += 1;
        }
        let start = *pos;
        while chars.get(*pos).is_some_and(|c| {
            c.is_alphanumeric() || *c == '_' || *c == '*' || *c == '/' || *c == '.'
        }) {
            *pos += 1;
        }
        let name: String = chars[start..*pos].iter().collect();
        if name.is_empty() {
            return Err(invalid(&text));
        }
        let sub = if chars.get(*pos) == Some(&'(') {
            *pos += 1;
            let m = parse_list(chars, pos, depth + 1)?;
            if chars.get(*pos) != Some(&')') {
                return Err(invalid(&text));
            }
            *pos += 1;
            Some(m)
        } else {
            None
        };
        insert_path(&mut mask, &name, sub);
        while chars.get(*pos).is_some_and(|c| c.is_whitespace()) {
            *pos += 1;
        }
        match chars.get(*pos) {
            Some(',') => *pos += 1,
            _ => return Ok(mask),
        }
    }
}

/// `a/b/c` is `a(b(c))`.
fn insert_path(mask: &mut Mask, path: &str, sub: Option<Mask>) {
    if path == "*" {
        mask.all = true;
        return;
    }
    match path.split_once('/') {
        None => {
            mask.children.insert(path.to_string(), sub);
        }
        Some((head, rest)) => {
            let entry = mask
                .children
                .entry(head.to_string())
                .or_insert_with(|| Some(Mask::default()));
            if let Some(m) = entry {
                insert_path(m, rest, sub);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_masks_project() {
        let m = Mask::parse("nextPageToken,files(id,owners(emailAddress))").unwrap();
        let v = json!({"kind":"k","nextPageToken":"t","files":[{"id":"1","name":"n",
            "owners":[{"emailAddress":"a@b","displayName":"A"}]}]});
        assert_eq!(
            m.apply(&v),
            json!({"nextPageToken":"t","files":[{"id":"1","owners":[{"emailAddress":"a@b"}]}]})
        );
        assert_eq!(Mask::parse("*").unwrap().apply(&v), v);
        assert_eq!(
            Mask::parse("files/id").unwrap().apply(&v),
            json!({"files":[{"id":"1"}]})
        );
        for bad in ["files(id", "a,,b", "(", "files(id))"] {
            assert!(Mask::parse(bad).is_err(), "{bad}");
        }
    }
}
