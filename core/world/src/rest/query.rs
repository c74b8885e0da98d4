//! Query-string parameters, decoded (`+` and `%XX`), repeatable, with typed accessors that turn a
//! bad value into a 400 naming the parameter.

use std::str::FromStr;

use super::ApiError;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn parse(raw: &str) -> Query {
        Query {
            pairs: form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        }
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated parameter; comma-separated values are split too
    /// (`labelIds=A&labelIds=B` and `labelIds=A,B` mean the same).
    pub fn get_all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Every value of a repeated parameter, without splitting on commas.
    pub fn get_repeated(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// `name` parsed as `T`; a value that does not parse is a 400.
    pub fn parse_opt<T: FromStr>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match self.get(name) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::invalid_parameter(name, v)),
        }
    }

    /// An integer parameter with a default and an inclusive range.
    pub fn int_in(&self, name: &str, default: i64, min: i64, max: i64) -> Result<i64, ApiError> {
        match self.parse_opt::<i64>(name)? {
            None => Ok(default),
            Some(n) if (min..=max).contains(&n) => Ok(n),
            Some(n) => Err(ApiError::new(
                400,
                "invalidParameter",
                format!(
                    "Invalid value {n} for parameter '{name}': must be between {min} and {max}"
                ),
            )),
        }
    }

    /// A boolean parameter (`true`/`false`, also `1`/`0`).
    pub fn bool(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.get(name) {
            None | Some("") => Ok(default),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(ApiError::invalid_parameter(name, v)),
            },
        }
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_repeats() {
        let q = Query::parse("q=is%3Aunread+from%3Abob&labelIds=A&labelIds=B,C&maxResults=5");
        assert_eq!(q.get("q"), Some("is:unread from:bob"));
        assert_eq!(q.get_all("labelIds"), vec!["A", "B", "C"]);
        assert_eq!(q.int_in("maxResults", 100, 1, 500).unwrap(), 5);
        assert_eq!(q.int_in("missing", 100, 1, 500).unwrap(), 100);
        assert!(Query::parse("maxResults=0")
            .int_in("maxResults", 1, 1, 500)
            .is_err());
        assert!(Query::parse("maxResults=x")
            .int_in("maxResults", 1, 1, 500)
            .is_err());
        assert!(Query::parse("b=maybe").bool("b", false).is_err());
    }
}
