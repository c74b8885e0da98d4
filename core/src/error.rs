//! env0-core's error type for the eval runner and results log. (Tools, tasks and the agent loop
//! still report `String` errors; one typed error on the whole public path is the device API's
//! work.)

/// Everything that can go wrong in an eval outside a model or a task: files and the world.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    World(#[from] env0_world::Error),
    #[error("{0}")]
    Invalid(String),
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
