//! env0-ffi: env0 for Swift, Kotlin and Python, through UniFFI proc-macros. A thin layer: each
//! exported object holds an inner env0 value and each method delegates in a line or two; records
//! mirror core types. Every method runs inside [`guard`], so a panic becomes
//! [`Env0Error::Internal`] instead of crossing into the app, and nothing from the caller is
//! unwrapped. Long work (an episode) runs on a Rust thread, never on the caller's.
//!
//! Objects: [`Workspace`] (a world: requests, snapshots, hash, diff, action log), [`TaskLibrary`]
//! (a task-set directory: list, details, proofs), [`ModelStore`] (import, validate, list, remove
//! GGUF models and PEFT adapters; load one as an agent), [`Agent`] (runs a task or a free
//! instruction, events to a foreign [`EpisodeListener`], a [`TaskHandle`] to cancel and wait) and
//! [`Benchmark`] (a resumable eval run with a summary). Episodes run on reused worker threads
//! (`workers`); benchmarks, imports and loads on threads of their own.

mod agent;
mod benchmark;
mod error;
mod models;
mod tasks;
mod workers;
mod workspace;

pub use agent::{Agent, EpisodeEvent, EpisodeListener, EpisodeSummary, TaskHandle};
pub use benchmark::{
    Benchmark, BenchmarkHandle, BenchmarkListener, BenchmarkProgress, BenchmarkSelection,
    BenchmarkSummary, GroupResult,
};
pub use error::Env0Error;
pub use models::{
    ImportHandle, ImportListener, LoadHandle, LoadListener, LocalOptions, ModelFile, ModelInfo,
    ModelRecord, ModelStore, SUPPORTED_ARCHITECTURES,
};
pub use tasks::{ProofRecord, TaskFilter, TaskLibrary, TaskSummary};
pub use workspace::{ActionRecord, ApiResponse, CollectionChanges, Workspace};

uniffi::setup_scaffolding!();

pub(crate) use env0_core::eval::wire_name;

/// A value that a worker thread fills once and callers wait for (a handle's outcome).
pub(crate) struct Slot<T> {
    value: std::sync::Mutex<Option<T>>,
    ready: std::sync::Condvar,
}

impl<T: Clone> Slot<T> {
    pub(crate) fn new() -> std::sync::Arc<Slot<T>> {
        std::sync::Arc::new(Slot {
            value: std::sync::Mutex::new(None),
            ready: std::sync::Condvar::new(),
        })
    }

    pub(crate) fn put(&self, value: T) {
        if let Ok(mut v) = self.value.lock() {
            *v = Some(value);
        }
        self.ready.notify_all();
    }

    /// Whether it is filled (a poisoned lock counts as filled: waiting would never end).
    pub(crate) fn is_set(&self) -> bool {
        self.value.lock().map(|v| v.is_some()).unwrap_or(true)
    }

    /// Blocks until it is filled.
    pub(crate) fn wait(&self) -> Result<T, Env0Error> {
        let mut v = self.value.lock()?;
        loop {
            if let Some(value) = v.as_ref() {
                return Ok(value.clone());
            }
            v = self.ready.wait(v)?;
        }
    }
}

/// Runs `f`, turning a panic into [`Env0Error::Internal`].
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, Env0Error>) -> Result<T, Env0Error> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".into());
        Err(Env0Error::Internal { detail })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error() {
        let out: Result<(), Env0Error> = guard(|| panic!("boom"));
        match out {
            Err(Env0Error::Internal { detail }) => assert_eq!(detail, "boom"),
            other => panic!("expected Internal, got {other:?}"),
        }
        let formatted: Result<(), Env0Error> = guard(|| panic!("code {}", 7));
        assert!(matches!(formatted, Err(Env0Error::Internal { detail }) if detail == "code 7"));
        assert_eq!(guard(|| Ok(3)).ok(), Some(3));
    }

    #[test]
    fn world_errors_map_to_the_kinds_an_app_acts_on() {
        let not_found: Env0Error = env0_world::Error::UnknownSnapshot("x".into()).into();
        assert!(matches!(not_found, Env0Error::NotFound { .. }));
        let corrupt: Env0Error = env0_world::Error::InvalidSnapshot("bad header".into()).into();
        assert!(matches!(corrupt, Env0Error::Storage { .. }));
        let invalid: Env0Error = env0_world::Error::Invalid("no".into()).into();
        assert!(matches!(invalid, Env0Error::InvalidArgument { .. }));
    }

    #[test]
    fn objects_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Workspace>();
        check::<TaskLibrary>();
        check::<Agent>();
        check::<TaskHandle>();
        check::<Benchmark>();
        check::<BenchmarkHandle>();
        check::<ModelStore>();
        check::<ImportHandle>();
    }

    #[test]
    fn bad_input_is_a_typed_error_not_a_panic() {
        let ws = Workspace::in_memory(42, "empty".into()).expect("world");
        assert!(matches!(
            ws.call(
                "BREW".into(),
                "/gmail/v1/users/me/profile".into(),
                None,
                None
            ),
            Err(Env0Error::InvalidArgument { .. })
        ));
        let resp = ws
            .call(
                "GET".into(),
                "/gmail/v1/users/me/profile".into(),
                None,
                None,
            )
            .expect("call");
        assert_eq!(resp.status, 200);
        assert!(matches!(
            Workspace::open("/nonexistent/w.env0".into()),
            Err(Env0Error::NotFound { .. })
        ));
        assert!(matches!(
            Agent::replay("not json".into()),
            Err(Env0Error::InvalidArgument { .. })
        ));
    }
}
