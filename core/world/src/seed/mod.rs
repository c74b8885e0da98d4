//! How much a seeded world holds ([`Scale`]) and each service's random stream ([`rng_for`]).
//! The seeding itself (`services::seed_world`) runs the user directory, then each service's
//! seeder, each with its own stream derived from the world seed and the service's name, so adding
//! data to one service never reshuffles another's.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

/// How much filler a seeded world holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    pub name: &'static str,
    /// Messages in the primary user's mailbox (received, sent and spam together).
    pub gmail_messages: usize,
    /// Events across the primary user's calendars (a recurring series counts once).
    pub calendar_events: usize,
    /// Files and folders in Drive (Docs included).
    pub drive_files: usize,
    /// Slack messages across channels, threads and DMs.
    pub slack_messages: usize,
    /// OAuth clients (connected apps) with consents.
    pub connected_apps: usize,
}

impl Scale {
    /// Users only.
    pub const EMPTY: Scale = Scale {
        name: "empty",
        gmail_messages: 0,
        calendar_events: 0,
        drive_files: 0,
        slack_messages: 0,
        connected_apps: 0,
    };
    /// A task-sized world: enough that a search has to discriminate.
    pub const DEFAULT: Scale = Scale {
        name: "default",
        gmail_messages: 60,
        calendar_events: 70,
        drive_files: 60,
        slack_messages: 120,
        connected_apps: 10,
    };
    /// A long-context world: 3,000 messages, 1,400 events, ~550 files, 3,000 Slack messages.
    pub const LARGE: Scale = Scale {
        name: "large",
        gmail_messages: 3_000,
        calendar_events: 1_400,
        drive_files: 550,
        slack_messages: 3_000,
        connected_apps: 40,
    };

    pub fn by_name(name: &str) -> Option<Scale> {
        [Scale::EMPTY, Scale::DEFAULT, Scale::LARGE]
            .into_iter()
            .find(|s| s.name == name)
    }
}

/// A random stream for one service, derived from the world seed.
pub fn rng_for(seed: u64, service: &str) -> ChaCha8Rng {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(service.as_bytes());
    ChaCha8Rng::from_seed(h.finalize().into())
}
