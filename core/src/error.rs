//! env0-core's error type: what loading tasks, building their worlds, reading results and
//! running an eval return. (A model's failure and a tool's failure are not errors of the
//! caller's: they are outcomes inside an episode, `StopReason::ModelError` and `ToolOutcome`.)

/// Everything that can go wrong on env0-core's public path: files, JSON, the world, invalid
/// input (a task file of another format, a duplicate id, a bad argument) and a task whose world
/// cannot be built.
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
    #[error("task {task}: {detail}")]
    Task { task: String, detail: String },
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
