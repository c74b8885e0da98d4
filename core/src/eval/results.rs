//! An append-only, crash-safe results log (`results.jsonl`): one JSON row per (task, trial).
//!
//! Rows are appended with one `write` and an fsync, so a kill -9 leaves at most a torn last line.
//! Opening the log again drops a torn tail (keeping a copy of it beside the log), reads which
//! (task, trial) pairs are done, and appends after them: a rerun does each pair exactly once.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{de::DeserializeOwned, Serialize};

use crate::error::{Error, Result};

/// A row that knows which (task, trial) it is.
pub trait TrialKey {
    fn task_id(&self) -> &str;
    fn trial(&self) -> u32;
}

pub struct ResultsLog<T> {
    path: PathBuf,
    file: File,
    done: BTreeSet<(String, u32)>,
    rows: Vec<T>,
}

impl<T: Serialize + DeserializeOwned + TrialKey> ResultsLog<T> {
    /// Opens (or creates) the log at `path` and loads the rows already there. A torn final line
    /// (from a crash mid-write) is cut off and saved to `<path>.torn`; a malformed line elsewhere
    /// is an error naming the line, since it means the file was edited or corrupted.
    pub fn open(path: &Path) -> Result<ResultsLog<T>> {
        let ctx = |what: &str| format!("{what} {}", path.display());
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| Error::io(ctx("opening"), e))?;
        let mut rows = Vec::new();
        let mut done = BTreeSet::new();
        let mut good_len: u64 = 0;
        let mut torn: Option<String> = None;
        {
            let mut reader = BufReader::new(&file);
            let mut line = String::new();
            let mut number = 0usize;
            loop {
                line.clear();
                let read = reader
                    .read_line(&mut line)
                    .map_err(|e| Error::io(ctx("reading"), e))?;
                if read == 0 {
                    break;
                }
                number += 1;
                if !line.ends_with('\n') {
                    torn = Some(line.clone());
                    break;
                }
                if line.trim().is_empty() {
                    good_len += read as u64;
                    continue;
                }
                match serde_json::from_str::<T>(line.trim_end()) {
                    Ok(row) => {
                        done.insert((row.task_id().to_string(), row.trial()));
                        rows.push(row);
                        good_len += read as u64;
                    }
                    Err(e) => {
                        return Err(Error::Invalid(format!(
                            "{}: line {number} is not a results row: {e}",
                            path.display()
                        )))
                    }
                }
            }
        }
        if let Some(tail) = torn {
            let torn_path = path.with_extension("jsonl.torn");
            std::fs::write(&torn_path, tail.as_bytes()).map_err(|e| {
                Error::io(format!("saving torn tail to {}", torn_path.display()), e)
            })?;
            file.set_len(good_len)
                .map_err(|e| Error::io(ctx("truncating torn tail of"), e))?;
            file.seek(SeekFrom::End(0))
                .map_err(|e| Error::io(ctx("seeking"), e))?;
        }
        Ok(ResultsLog {
            path: path.to_path_buf(),
            file,
            done,
            rows,
        })
    }

    pub fn is_done(&self, task_id: &str, trial: u32) -> bool {
        self.done.contains(&(task_id.to_string(), trial))
    }

    /// Rows already in the log (from earlier runs and this one).
    pub fn rows(&self) -> &[T] {
        &self.rows
    }

    /// Appends a row durably. A second row for a (task, trial) already done is refused.
    pub fn append(&mut self, row: T) -> Result<()> {
        let key = (row.task_id().to_string(), row.trial());
        if self.done.contains(&key) {
            return Err(Error::Invalid(format!(
                "{} trial {} is already in {}",
                key.0,
                key.1,
                self.path.display()
            )));
        }
        let mut line = serde_json::to_string(&row)?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|_| self.file.sync_data())
            .map_err(|e| Error::io(format!("appending to {}", self.path.display()), e))?;
        self.done.insert(key);
        self.rows.push(row);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Row {
        task: String,
        trial: u32,
        reward: f64,
    }

    impl TrialKey for Row {
        fn task_id(&self) -> &str {
            &self.task
        }
        fn trial(&self) -> u32 {
            self.trial
        }
    }

    fn row(task: &str, trial: u32) -> Row {
        Row {
            task: task.into(),
            trial,
            reward: 1.0,
        }
    }

    #[test]
    fn resumes_and_refuses_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.jsonl");
        {
            let mut log = ResultsLog::<Row>::open(&path).unwrap();
            log.append(row("a", 0)).unwrap();
            log.append(row("a", 1)).unwrap();
            assert!(log.append(row("a", 1)).is_err());
        }
        let mut log = ResultsLog::<Row>::open(&path).unwrap();
        assert!(log.is_done("a", 0) && log.is_done("a", 1) && !log.is_done("b", 0));
        log.append(row("b", 0)).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 3);
    }

    #[test]
    fn torn_tail_is_cut_and_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.jsonl");
        let good = serde_json::to_string(&row("a", 0)).unwrap();
        std::fs::write(&path, format!("{good}\n{{\"task\":\"b\",\"tri")).unwrap();
        let mut log = ResultsLog::<Row>::open(&path).unwrap();
        assert_eq!(log.rows().len(), 1);
        log.append(row("b", 0)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.lines().all(|l| serde_json::from_str::<Row>(l).is_ok()));
        assert!(dir.path().join("results.jsonl.torn").exists());
    }

    #[test]
    fn corrupt_middle_line_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.jsonl");
        let good = serde_json::to_string(&row("a", 0)).unwrap();
        std::fs::write(&path, format!("{good}\nnot json\n{good}\n")).unwrap();
        let err = ResultsLog::<Row>::open(&path).err().unwrap().to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
