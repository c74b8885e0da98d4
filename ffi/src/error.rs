//! The one error type Swift, Kotlin and Python see, converted from env0's errors in one place.
//! (No variant has a field named `message`: UniFFI's Kotlin output does not compile with one.)

/// What went wrong, in a few kinds an app can act on.
#[derive(Debug, Clone, thiserror::Error, uniffi::Error)]
pub enum Env0Error {
    /// An argument from the caller is wrong (an unknown method, malformed JSON, a bad scale).
    #[error("invalid argument: {detail}")]
    InvalidArgument { detail: String },
    /// What the caller named does not exist (a snapshot, a task, a user).
    #[error("not found: {detail}")]
    NotFound { detail: String },
    /// A file could not be read or written, or is not what it should be (a corrupt world file).
    #[error("storage: {detail}")]
    Storage { detail: String },
    /// This build of the library lacks what the call needs (the local model backend).
    #[error("unsupported: {detail}")]
    Unsupported { detail: String },
    /// The work was cancelled.
    #[error("cancelled")]
    Cancelled,
    /// A bug in env0 (a panic, a poisoned lock); the object may be unusable afterwards.
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

impl Env0Error {
    pub(crate) fn invalid(detail: impl Into<String>) -> Env0Error {
        Env0Error::InvalidArgument {
            detail: detail.into(),
        }
    }

    pub(crate) fn not_found(detail: impl Into<String>) -> Env0Error {
        Env0Error::NotFound {
            detail: detail.into(),
        }
    }
}

impl From<env0_world::Error> for Env0Error {
    fn from(e: env0_world::Error) -> Env0Error {
        use env0_world::Error as W;
        let detail = e.to_string();
        match e {
            W::UnknownSnapshot(_) | W::UnknownUser(_) => Env0Error::NotFound { detail },
            W::Invalid(_) | W::Json(_) => Env0Error::InvalidArgument { detail },
            W::Sqlite(_) | W::Io { .. } | W::InvalidSnapshot(_) | W::Schema(_) | W::Busy(_) => {
                Env0Error::Storage { detail }
            }
        }
    }
}

impl<T> From<std::sync::PoisonError<T>> for Env0Error {
    fn from(_: std::sync::PoisonError<T>) -> Env0Error {
        Env0Error::Internal {
            detail: "a previous call panicked while holding this object".into(),
        }
    }
}

impl From<env0_core::Error> for Env0Error {
    fn from(e: env0_core::Error) -> Env0Error {
        use env0_core::Error as E;
        let detail = e.to_string();
        match e {
            E::Io { .. } => Env0Error::Storage { detail },
            E::World(w) => w.into(),
            // A task set whose file or task is broken is the caller's input, not a bug.
            E::Json(_) | E::Invalid(_) | E::Task { .. } => Env0Error::InvalidArgument { detail },
        }
    }
}
