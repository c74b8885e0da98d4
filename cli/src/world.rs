//! `env0 world …`: seed worlds into files, call the REST router, inspect and diff state.
//!
//! A world file is a snapshot: a SQLite database image written atomically. Commands that take
//! `--world FILE` load it; `call` writes it back after every request (each is in the action
//! log). Without `--world`, commands run on a freshly seeded default world held in memory.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use env0_world::Snapshot;
use env0_world::{seeded_world, Scale};
use env0_world::{Method, Request};
use env0_world::{World, WorldOptions};
use serde_json::{json, Value};

#[derive(Args)]
pub struct WorldArgs {
    #[command(subcommand)]
    command: WorldCommand,
}

#[derive(Args, Clone)]
struct SeedOpts {
    /// Filler size: empty, default (~60 messages, ~70 events) or large (3,000 messages, 1,400 events).
    #[arg(long, default_value = "default")]
    scale: String,
    /// Seed of the world's generators.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The world's frozen "now" (RFC 3339). Default: 2026-03-16T16:00:00Z.
    #[arg(long)]
    now: Option<String>,
}

#[derive(Args, Clone)]
struct WorldSource {
    /// A world file (from `env0 world seed --out`). Default: a freshly seeded default world in memory.
    #[arg(long, short = 'w')]
    world: Option<PathBuf>,
}

#[derive(Subcommand)]
enum WorldCommand {
    /// Seed a new world and write it to a file.
    Seed {
        #[command(flatten)]
        seed: SeedOpts,
        /// Where to write the world.
        #[arg(long, short = 'o')]
        out: PathBuf,
    },
    /// Summarise a world: clock, users, rows per collection, state hash.
    Info {
        #[command(flatten)]
        source: WorldSource,
    },
    /// Send one REST request to the world and print the response.
    ///
    /// Example: env0 world call GET '/gmail/v1/users/me/messages?q=is:unread'
    Call {
        /// HTTP method: GET, POST, PUT, PATCH or DELETE.
        method: String,
        /// Path with query string, e.g. /calendar/v3/calendars/primary/events?maxResults=5
        path: String,
        /// Body (JSON for most methods); `@FILE` reads a file, `-` reads standard input. A body
        /// that is not UTF-8 (a binary upload) is sent as bytes.
        body: Option<String>,
        /// The body's `Content-Type`, e.g. `image/png` for `uploadType=media`, or
        /// `application/x-www-form-urlencoded` for Slack forms.
        #[arg(long)]
        content_type: Option<String>,
        #[command(flatten)]
        source: WorldSource,
        /// Acting user (id or email). Default: the primary user (alex@nexusai.com).
        #[arg(long, short = 'u')]
        user: Option<String>,
        /// Bearer token (as in `Authorization: Bearer …`): Slack `xoxp-`/`xoxb-` tokens, or OAuth
        /// access tokens from the identity service.
        #[arg(long, short = 't')]
        token: Option<String>,
        /// Do not write the world back to --world (by default every request is: it is logged).
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the state dump (JSON, one array of rows per collection).
    State {
        #[command(flatten)]
        source: WorldSource,
        /// Only these collections (repeatable).
        #[arg(long, short = 'c')]
        collection: Vec<String>,
    },
    /// Print the canonical state hash.
    Hash {
        #[command(flatten)]
        source: WorldSource,
    },
    /// Copy a world file to a snapshot file (checked, atomic).
    Snapshot {
        #[arg(long, short = 'w')]
        world: PathBuf,
        #[arg(long, short = 'o')]
        out: PathBuf,
    },
    /// Replace a world file with a snapshot.
    Restore {
        #[arg(long, short = 'w')]
        world: PathBuf,
        #[arg(long)]
        from: PathBuf,
    },
    /// Print what changed in a world since a snapshot: added / updated (changed fields) / deleted.
    Diff {
        #[arg(long, short = 'w')]
        world: PathBuf,
        /// The earlier snapshot.
        #[arg(long)]
        since: PathBuf,
    },
    /// Print the action log (every request the world has served).
    Log {
        #[command(flatten)]
        source: WorldSource,
    },
}

pub fn run(args: WorldArgs) -> Result<i32> {
    match args.command {
        WorldCommand::Seed { seed, out } => {
            let mut world = seed_world(&seed)?;
            world
                .save_to_file(&out)
                .with_context(|| format!("writing {}", out.display()))?;
            print_json(&summary(&world)?);
            eprintln!("wrote {}", out.display());
        }
        WorldCommand::Info { source } => print_json(&summary(&open(&source)?)?),
        WorldCommand::Call {
            method,
            path,
            body,
            source,
            user,
            token,
            dry_run,
            content_type,
        } => {
            return call(CallArgs {
                method,
                path,
                body,
                content_type,
                source,
                user,
                token,
                dry_run,
            })
        }
        WorldCommand::State { source, collection } => {
            let dump = open(&source)?.state_dump()?;
            let mut value = dump.to_json();
            if !collection.is_empty() {
                let map = value.as_object().cloned().unwrap_or_default();
                for c in &collection {
                    if !map.contains_key(c) {
                        bail!(
                            "no collection '{c}'; collections: {}",
                            map.keys().cloned().collect::<Vec<_>>().join(", ")
                        );
                    }
                }
                value = Value::Object(
                    map.into_iter()
                        .filter(|(k, _)| collection.contains(k))
                        .collect(),
                );
            }
            print_json(&value);
        }
        WorldCommand::Hash { source } => emit(&open(&source)?.state_hash()?),
        WorldCommand::Snapshot { world, out } => {
            let snap = read_snapshot(&world)?;
            snap.write_file(&out)
                .with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "snapshot of {} written to {}",
                world.display(),
                out.display()
            );
        }
        WorldCommand::Restore { world, from } => {
            let snap = read_snapshot(&from)?;
            let _lock = lock(&world)?;
            snap.write_file(&world)
                .with_context(|| format!("writing {}", world.display()))?;
            eprintln!("{} restored from {}", world.display(), from.display());
        }
        WorldCommand::Diff { world, since } => {
            let before = read_snapshot(&since)?;
            let after =
                World::load_file(&world).with_context(|| format!("loading {}", world.display()))?;
            let diff = after.diff_since(&before)?;
            print_json(&serde_json::to_value(&diff)?);
        }
        WorldCommand::Log { source } => {
            print_json(&serde_json::to_value(open(&source)?.action_log()?)?)
        }
    }
    Ok(0)
}

fn seed_world(opts: &SeedOpts) -> Result<World> {
    let scale = Scale::by_name(&opts.scale)
        .with_context(|| format!("unknown scale '{}' (empty, default or large)", opts.scale))?;
    let mut options = WorldOptions {
        seed: opts.seed,
        ..WorldOptions::default()
    };
    if let Some(now) = &opts.now {
        options.now = chrono::DateTime::parse_from_rfc3339(now)
            .with_context(|| format!("--now '{now}' is not RFC 3339 (e.g. 2026-03-16T16:00:00Z)"))?
            .with_timezone(&chrono::Utc);
    }
    Ok(seeded_world(&options, scale)?)
}

fn read_snapshot(path: &Path) -> Result<Snapshot> {
    Snapshot::read_file(path).with_context(|| format!("reading world {}", path.display()))
}

/// How long a command waits for another process that holds a world file.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The world file's lock ([`env0_world::WorldFileLock`]), waited for up to [`LOCK_WAIT`].
pub(crate) fn lock(path: &std::path::Path) -> Result<env0_world::WorldFileLock> {
    Ok(env0_world::WorldFileLock::acquire(path, LOCK_WAIT)?)
}

fn open(source: &WorldSource) -> Result<World> {
    match &source.world {
        Some(path) => {
            World::load_file(path).with_context(|| format!("loading world {}", path.display()))
        }
        None => Ok(seeded_world(&WorldOptions::default(), Scale::DEFAULT)?),
    }
}

fn summary(world: &World) -> Result<Value> {
    let dump = world.state_dump()?;
    let mut people = world.users()?;
    people.sort_by_key(|u| (!u.is_primary, !u.is_internal, u.id.clone()));
    let users: Vec<Value> = people
        .into_iter()
        .map(|u| {
            json!(format!(
                "{} <{}>{}",
                u.display_name,
                u.email,
                if u.is_primary { " (primary)" } else { "" }
            ))
        })
        .collect();
    Ok(json!({
        "now": env0_world::clock::rfc3339(world.now()?),
        "seed": world.seed()?,
        "users": users,
        "collections": dump.counts(),
        "state_hash": dump.hash(),
    }))
}

fn read_body(body: Option<String>) -> Result<Option<Vec<u8>>> {
    Ok(match body.as_deref() {
        None => None,
        Some("-") => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("reading the body from standard input")?;
            Some(bytes)
        }
        Some(arg) if arg.starts_with('@') => {
            let path = &arg[1..];
            Some(std::fs::read(path).with_context(|| format!("reading body file {path}"))?)
        }
        Some(text) => Some(text.as_bytes().to_vec()),
    })
}

struct CallArgs {
    method: String,
    path: String,
    body: Option<String>,
    content_type: Option<String>,
    source: WorldSource,
    user: Option<String>,
    token: Option<String>,
    dry_run: bool,
}

fn call(args: CallArgs) -> Result<i32> {
    let CallArgs {
        method,
        path,
        body,
        content_type,
        source,
        user,
        token,
        dry_run,
    } = args;
    let method: Method = method.parse().map_err(anyhow::Error::msg)?;
    if !path.starts_with('/') {
        bail!("the path must start with '/', e.g. /gmail/v1/users/me/profile");
    }
    // Read, change, write back: one such process at a time per file, or one's change is lost.
    let _lock = match &source.world {
        Some(path) if !dry_run => Some(lock(path)?),
        _ => None,
    };
    let mut world = open(&source)?;
    let mut request = Request::new(method, path);
    request.user = user;
    request.token = token;
    request.content_type = content_type;
    if let Some(bytes) = read_body(body)? {
        request = request.with_bytes(bytes);
    }
    let response = world.handle(&request);
    eprintln!("HTTP {}", response.status);
    match &response.body {
        _ if response.binary_body.is_some() => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let bytes = response.binary_body.as_deref().unwrap_or_default();
            if out.write_all(bytes).and_then(|_| out.flush()).is_err() {
                std::process::exit(0);
            }
        }
        Value::Null => {}
        Value::String(text) if !response.is_json() => emit(text),
        other => print_json(other),
    }
    // Every request is written back, whatever its method and status: each one is in the action
    // log, and a refused request may still change state (an identity-service audit event).
    if let Some(path) = &source.world {
        if !dry_run {
            world
                .save_to_file(path)
                .with_context(|| format!("saving {}", path.display()))?;
        }
    }
    Ok(if response.is_success() { 0 } else { 2 })
}

/// Prints to standard output; a closed pipe (`env0 … | head`) ends the program quietly.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
        std::process::exit(0);
    }
}

fn print_json(value: &Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => emit(&text),
        Err(_) => emit(&value.to_string()),
    }
}
