//! A model store in a temporary folder, one per fuzzing process (the FFI's import checks).

use std::sync::{Arc, OnceLock};

use env0_ffi::ModelStore;

/// The store and the folder it lives in (files written for a check go there too).
pub fn store() -> &'static (tempfile::TempDir, Arc<ModelStore>) {
    static S: OnceLock<(tempfile::TempDir, Arc<ModelStore>)> = OnceLock::new();
    S.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let store =
            ModelStore::open(dir.path().join("models").display().to_string()).expect("model store");
        (dir, store)
    })
}
