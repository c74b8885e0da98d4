//! `env0 serve`: the world over HTTP (see the env0-serve crate).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use env0_serve::{Options, Server, ENV0_LAYOUT};
use env0_world::{seeded_world, Scale, Snapshot, WorldOptions};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Layout {
    /// Every service on one port (--port).
    Single,
    /// The upstream env0 ports: auth 9000, gmail 9001, slack 9002, gcal 9003, gdoc 9004, gdrive 9005.
    Env0,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port for --layout single (0 picks a free one).
    #[arg(long, short = 'p', default_value_t = 8080)]
    port: u16,
    #[arg(long, value_enum, default_value = "single")]
    layout: Layout,
    /// Start every world from this world file (from `env0 world seed --out`); on shutdown
    /// (Ctrl-C, SIGTERM) the `default` world is written back to it atomically.
    #[arg(long, short = 'w')]
    world: Option<PathBuf>,
    /// Without --world: filler size of the seeded base world (empty, default, large).
    #[arg(long, default_value = "default")]
    scale: String,
    /// Without --world: seed of the base world's generators.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The admin API's token (X-Env0-Admin-Token header). Default: a random one, printed at start.
    #[arg(long, env = "ENV0_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Refuse request bodies above this many MiB (413).
    #[arg(long, default_value_t = 10)]
    max_body_mib: usize,
    /// Answer 408 to a request still running after this many seconds.
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
    /// At most this many worlds at once.
    #[arg(long, default_value_t = 10_000)]
    max_worlds: usize,
    /// Serve the native tools over MCP on stdin/stdout instead of HTTP (the `default` world).
    /// Over HTTP they are always at /mcp (streamable HTTP).
    #[arg(long)]
    mcp: bool,
    /// With --mcp: the acting user (id or email). Default: the world's primary user.
    #[arg(long, short = 'u', requires = "mcp")]
    user: Option<String>,
}

pub fn run(args: ServeArgs) -> Result<i32> {
    // The file is written back at shutdown: no other process may change it meanwhile.
    let _lock = match &args.world {
        Some(path) => Some(crate::world::lock(path)?),
        None => None,
    };
    let base = match &args.world {
        Some(path) => Snapshot::read_file(path)
            .with_context(|| format!("loading world {}", path.display()))?,
        None => {
            let scale = Scale::by_name(&args.scale).with_context(|| {
                format!("unknown scale '{}' (empty, default, large)", args.scale)
            })?;
            let options = WorldOptions {
                seed: args.seed,
                ..WorldOptions::default()
            };
            seeded_world(&options, scale)?.snapshot()?
        }
    };
    let (admin_token, generated) = match args.admin_token {
        Some(t) if t.trim().is_empty() => bail!("--admin-token must not be empty"),
        Some(t) => (t, false),
        None => (env0_serve::random_admin_token(), true),
    };
    let mut options = Options::new(admin_token.clone());
    options.max_body_bytes = args.max_body_mib.saturating_mul(1 << 20);
    options.request_timeout = Duration::from_secs(args.timeout_secs.max(1));
    options.max_worlds = args.max_worlds;
    let server = Server::new(base, options)?;
    let addrs: Vec<SocketAddr> = match args.layout {
        Layout::Single => vec![SocketAddr::new(args.host, args.port)],
        Layout::Env0 => ENV0_LAYOUT
            .iter()
            .map(|&(_, port)| SocketAddr::new(args.host, port))
            .collect(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    if args.mcp {
        eprintln!("env0 serve: MCP on stdin/stdout (the default world); close stdin to stop");
        runtime.block_on(server.serve_mcp_stdio(args.user.clone()))?;
    } else {
        runtime.block_on(serve_http(
            &server,
            &addrs,
            args.layout,
            generated.then_some(&admin_token),
        ))?;
    }
    if let Some(path) = &args.world {
        let slot = server.worlds().get(env0_serve::DEFAULT_WORLD)?;
        slot.world()
            .save_to_file(path)
            .with_context(|| format!("saving the default world to {}", path.display()))?;
        eprintln!("env0 serve: saved the default world to {}", path.display());
    }
    eprintln!("env0 serve: stopped");
    Ok(0)
}

async fn serve_http(
    server: &Server,
    addrs: &[SocketAddr],
    layout: Layout,
    generated_token: Option<&String>,
) -> Result<()> {
    let listeners = env0_serve::bind(addrs).await?;
    for (i, l) in listeners.iter().enumerate() {
        let addr = l.local_addr()?;
        let what = match layout {
            Layout::Single => "every service",
            Layout::Env0 => ENV0_LAYOUT[i].0,
        };
        eprintln!("env0 serve: http://{addr} ({what})");
    }
    eprintln!(
        "env0 serve: health at /health, MCP at /mcp; worlds by X-Env0-World header or /worlds/NAME/ prefix"
    );
    if let Some(token) = generated_token {
        eprintln!("env0 serve: admin token (X-Env0-Admin-Token): {token}");
    }
    server.serve(listeners, shutdown_signal()).await?;
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    eprintln!("env0 serve: shutting down (requests in flight finish)");
}
