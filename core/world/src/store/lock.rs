//! One writer per world file across processes. A world file that is read, changed in memory and
//! written back whole (`env0 world call -w`, `env0 serve -w`) would lose one of two concurrent
//! writers' changes; whoever does that holds a [`WorldFileLock`] from the read to the write.
//! (A world opened in place with [`crate::World::open_file`] is shared through SQLite's own
//! locking instead.)

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// An exclusive advisory lock on a world file: the OS lock (flock, LockFileEx) of a sidecar file
/// `.NAME.lock` in the same folder, so that it survives the world file being replaced by a
/// rename. Released when dropped, and by the OS when the process dies (a kill -9 leaves no stale
/// lock; the empty sidecar file stays).
#[derive(Debug)]
pub struct WorldFileLock {
    _file: File,
    path: PathBuf,
}

impl WorldFileLock {
    /// The sidecar file that carries the lock of world file `world`.
    pub fn sidecar(world: &Path) -> PathBuf {
        let name = world
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        world.with_file_name(format!(".{name}.lock"))
    }

    /// Takes the lock of `world`, waiting up to `wait` for another holder to let go; after that,
    /// [`Error::Busy`] names the file.
    pub fn acquire(world: &Path, wait: Duration) -> Result<WorldFileLock> {
        let path = WorldFileLock::sidecar(world);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(format!("opening the lock file {}", path.display()), e))?;
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(WorldFileLock { _file: file, path }),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::Busy(format!(
                        "{} is in use by another process (an env0 command or `env0 serve -w` \
                         holds {}); waited {:.0} s",
                        world.display(),
                        path.display(),
                        wait.as_secs_f64()
                    )))
                }
                Err(TryLockError::Error(e)) => {
                    return Err(Error::io(format!("locking {}", path.display()), e))
                }
            }
        }
    }

    /// The sidecar file holding the lock.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_gets_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let world = dir.path().join("w.env0");
        let first = WorldFileLock::acquire(&world, Duration::ZERO).unwrap();
        assert_eq!(first.path(), dir.path().join(".w.env0.lock"));
        let t = Instant::now();
        let err = WorldFileLock::acquire(&world, Duration::from_millis(60)).unwrap_err();
        assert!(t.elapsed() >= Duration::from_millis(60));
        assert!(matches!(err, Error::Busy(_)), "{err}");
        assert!(
            err.to_string().contains("in use by another process"),
            "{err}"
        );
        drop(first);
        WorldFileLock::acquire(&world, Duration::ZERO).unwrap();
    }
}
