//! Reused threads for episodes. An oracle episode takes tens of milliseconds; starting a fresh
//! thread for each one costs far more than the thread itself: memory the episode's world freed on
//! one thread comes back as page faults on the next (on this project's 2-core VM, 45 586 minor
//! faults for 40 episodes on fresh threads against 14 317 on one thread, counted with
//! `/usr/bin/time` on ffi/examples/native_episode.rs). So finished workers wait a while for the next job, and a job
//! goes to an idle worker when there is one, to a new worker otherwise. Concurrent jobs each get
//! a thread of their own, as before.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use crate::Env0Error;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The pool episodes run on.
pub(crate) static EPISODES: Pool = Pool::new(Duration::from_secs(30));

pub(crate) struct Pool {
    /// Idle workers, each as (id, the sender of its job queue).
    idle: Mutex<Vec<(u64, Sender<Job>)>>,
    next_id: AtomicU64,
    /// How long a worker waits for the next job before it exits.
    idle_for: Duration,
}

impl Pool {
    pub(crate) const fn new(idle_for: Duration) -> Pool {
        Pool {
            idle: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(1),
            idle_for,
        }
    }

    fn idle(&self) -> MutexGuard<'_, Vec<(u64, Sender<Job>)>> {
        // The list stays consistent under a panic (jobs run outside the lock), so a poisoned
        // lock is still usable.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `job` on an idle worker thread, or on a new one.
    pub(crate) fn run(&'static self, job: impl FnOnce() + Send + 'static) -> Result<(), Env0Error> {
        let mut job: Job = Box::new(job);
        while let Some((_, worker)) = self.idle().pop() {
            // A worker leaves the idle list before it exits, so a send fails only if its thread
            // died; the job then goes to the next one.
            match worker.send(job) {
                Ok(()) => return Ok(()),
                Err(mpsc::SendError(returned)) => job = returned,
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, jobs) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name(format!("env0-worker-{id}"))
            .spawn(move || {
                job();
                loop {
                    self.idle().push((id, sender.clone()));
                    match jobs.recv_timeout(self.idle_for) {
                        Ok(next) => next(),
                        Err(RecvTimeoutError::Timeout) => {
                            let mut list = self.idle();
                            if let Some(at) = list.iter().position(|(i, _)| *i == id) {
                                list.remove(at);
                                return;
                            }
                            // A caller took this worker off the list just now and sends its
                            // job right after; wait for it.
                            drop(list);
                            match jobs.recv() {
                                Ok(next) => next(),
                                Err(_) => return,
                            }
                        }
                        // Cannot happen while this thread holds `sender`; ends the worker if it did.
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .map_err(|e| Env0Error::Internal {
                detail: format!("starting a worker thread: {e}"),
            })?;
        Ok(())
    }

    #[cfg(test)]
    fn idle_count(&self) -> usize {
        self.idle().len()
    }
}

#[cfg(test)]
mod tests {
    use super::Pool;
    use std::sync::mpsc;
    use std::thread::{self, ThreadId};
    use std::time::{Duration, Instant};

    fn wait_until(what: &str, ready: impl Fn() -> bool) {
        let started = Instant::now();
        while !ready() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "timed out waiting: {what}"
            );
            thread::sleep(Duration::from_millis(5));
        }
    }

    fn run_reporting(pool: &'static Pool, done: &mpsc::Sender<ThreadId>) {
        let tell = done.clone();
        pool.run(move || tell.send(thread::current().id()).unwrap_or(()))
            .expect("start");
    }

    #[test]
    fn an_idle_worker_takes_the_next_job_and_exits_when_left_idle() {
        let pool: &'static Pool = Box::leak(Box::new(Pool::new(Duration::from_millis(300))));
        let (done, finished) = mpsc::channel();
        run_reporting(pool, &done);
        let first = finished.recv_timeout(Duration::from_secs(10)).expect("ran");
        wait_until("the worker goes idle", || pool.idle_count() == 1);
        run_reporting(pool, &done);
        assert_eq!(
            finished.recv_timeout(Duration::from_secs(10)).ok(),
            Some(first)
        );
        wait_until("the idle worker exits", || pool.idle_count() == 0);
        run_reporting(pool, &done);
        let third = finished.recv_timeout(Duration::from_secs(10)).expect("ran");
        assert_ne!(third, first, "a new worker after the old one left");
    }

    #[test]
    fn busy_workers_leave_new_jobs_to_new_threads() {
        let pool: &'static Pool = Box::leak(Box::new(Pool::new(Duration::from_secs(30))));
        // Two jobs that wait for each other only finish if they run at the same time.
        let (a_tx, a_rx) = mpsc::channel::<()>();
        let (b_tx, b_rx) = mpsc::channel::<()>();
        let (done, finished) = mpsc::channel();
        let (tell_a, tell_b) = (done.clone(), done);
        pool.run(move || {
            let _ = a_tx.send(());
            if b_rx.recv_timeout(Duration::from_secs(10)).is_ok() {
                let _ = tell_a.send(thread::current().id());
            }
        })
        .expect("start");
        pool.run(move || {
            let _ = b_tx.send(());
            if a_rx.recv_timeout(Duration::from_secs(10)).is_ok() {
                let _ = tell_b.send(thread::current().id());
            }
        })
        .expect("start");
        let x = finished
            .recv_timeout(Duration::from_secs(15))
            .expect("one ran");
        let y = finished
            .recv_timeout(Duration::from_secs(15))
            .expect("both ran");
        assert_ne!(x, y);
    }

    #[test]
    fn a_job_that_panics_takes_only_its_own_worker() {
        let pool: &'static Pool = Box::leak(Box::new(Pool::new(Duration::from_secs(30))));
        pool.run(|| panic!("job bug")).expect("start");
        let (done, finished) = mpsc::channel();
        run_reporting(pool, &done);
        assert!(finished.recv_timeout(Duration::from_secs(10)).is_ok());
    }
}
