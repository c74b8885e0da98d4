//! A run directory's `run.json`: what the results.jsonl beside it was made with. One directory
//! holds one model under one profile, so a resumed run cannot mix two models in one log.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// Claims `dir` for a run: writes `run.json` (the `identity` keys plus `details`) when there is
/// none, else checks that every `identity` key (model, profile) equals what is recorded there.
pub fn claim_run_dir(dir: &Path, identity: &[(&str, &str)], details: &Value) -> Result<()> {
    let path = dir.join("run.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let earlier: Value = serde_json::from_str(&text)
                .map_err(|e| Error::Invalid(format!("{} is not JSON: {e}", path.display())))?;
            for (key, now) in identity {
                let was = earlier.get(*key).and_then(Value::as_str);
                if was != Some(*now) {
                    return Err(Error::Invalid(format!(
                        "{} holds a run with {key} {}; use another directory for {key} {now}",
                        dir.display(),
                        was.unwrap_or("(none)")
                    )));
                }
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut run = Map::new();
            for (key, value) in identity {
                run.insert((*key).to_string(), Value::from(*value));
            }
            if let Value::Object(more) = details {
                for (k, v) in more {
                    run.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            run.insert("env0_version".into(), env!("CARGO_PKG_VERSION").into());
            let text = serde_json::to_string_pretty(&Value::Object(run))?;
            std::fs::write(&path, text)
                .map_err(|e| Error::io(format!("writing {}", path.display()), e))
        }
        Err(e) => Err(Error::io(format!("reading {}", path.display()), e)),
    }
}
