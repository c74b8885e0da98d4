//! The crate's internal error type. REST handlers use [`crate::rest::ApiError`] instead, which is
//! what a client of the mock APIs sees.

/// Everything that can go wrong outside a REST handler: storage, files, snapshots, arguments.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid snapshot: {0}")]
    InvalidSnapshot(String),
    #[error("no snapshot named '{0}'")]
    UnknownSnapshot(String),
    #[error("unknown user '{0}'")]
    UnknownUser(String),
    #[error("schema: {0}")]
    Schema(String),
    #[error("{0}")]
    Invalid(String),
    /// Another process holds the world file (see [`crate::WorldFileLock`]).
    #[error("{0}")]
    Busy(String),
}

impl Error {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
