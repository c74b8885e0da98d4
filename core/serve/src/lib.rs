//! `env0 serve`: the world's REST router over real HTTP.
//!
//! One process holds many isolated worlds (RL rollouts need thousands of fresh ones; a world is
//! created from an in-memory snapshot in well under a millisecond). Every service answers on one
//! port under its real path prefix (`/gmail/v1`, `/calendar/v3`, `/drive/v3`, `/v1/documents`,
//! `/api/…` for Slack, `/oauth2`, `/auth/v1`), or on the upstream env0 per-service ports.
//!
//! A request picks its world with the `X-Env0-World` header or a `/worlds/{name}` path prefix
//! (default: `default`), its acting user with `X-Env0-User` (default: the world's primary user),
//! and authenticates as the services define it (`Authorization: Bearer …`: OAuth access tokens
//! from the identity service, Slack `xoxp-`/`xoxb-` tokens).
//!
//! The admin API (`/_admin/…`: worlds, reset, state, diff, action log, snapshots) needs the
//! server's admin token (`X-Env0-Admin-Token` header), which no world ever hands out, so an agent
//! holding a user token cannot reach it. See [`admin`] for the endpoints.

pub mod admin;
mod batch;
mod http;
pub mod mcp;
mod upload;
mod worlds;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use env0_world::Snapshot;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;

pub use http::{USER_HEADER, WORLD_HEADER};
pub use worlds::{Slot, WorldInfo, Worlds, WorldsError, DEFAULT_WORLD};

/// Errors of the server itself (not of a request: those are HTTP responses).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("world: {0}")]
    World(#[from] env0_world::Error),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    /// A failure that is not an I/O error (a task that panicked, MCP that would not start).
    #[error("{0}")]
    Failed(String),
}

pub type Result<T> = std::result::Result<T, ServeError>;

/// How a server runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The admin API's token (`X-Env0-Admin-Token`). Must not be empty.
    pub admin_token: String,
    /// Larger request bodies are refused with 413 (default 10 MiB).
    pub max_body_bytes: usize,
    /// A request that takes longer is answered 408 (default 30 s).
    pub request_timeout: Duration,
    /// At most this many worlds at once; creating another is a 429 (default 10,000).
    pub max_worlds: usize,
}

impl Options {
    pub fn new(admin_token: impl Into<String>) -> Options {
        Options {
            admin_token: admin_token.into(),
            max_body_bytes: 10 << 20,
            request_timeout: Duration::from_secs(30),
            max_worlds: 10_000,
        }
    }
}

/// A random admin token (32 hex digits) for servers started without one.
pub fn random_admin_token() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// The upstream env0 per-service ports (auth 9000, gmail 9001, slack 9002, gcal 9003, gdoc 9004,
/// gdrive 9005). Each port serves the whole router, so a client finds its service's paths there.
pub const ENV0_LAYOUT: [(&str, u16); 6] = [
    ("auth", 9000),
    ("gmail", 9001),
    ("slack", 9002),
    ("gcal", 9003),
    ("gdoc", 9004),
    ("gdrive", 9005),
];

/// A server: the worlds and how requests reach them.
#[derive(Clone)]
pub struct Server {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) worlds: Worlds,
    pub(crate) options: Options,
    pub(crate) uploads: upload::Sessions,
}

impl Server {
    /// A server whose `default` world (and every world created without a source) starts as `base`.
    pub fn new(base: Snapshot, options: Options) -> Result<Server> {
        let worlds = Worlds::new(base, options.max_worlds)?;
        Ok(Server {
            shared: Arc::new(Shared {
                worlds,
                options,
                uploads: upload::Sessions::default(),
            }),
        })
    }

    pub fn worlds(&self) -> &Worlds {
        &self.shared.worlds
    }

    /// The HTTP application: health, admin API, MCP (`/mcp`), every service.
    pub fn router(&self) -> Router {
        let shared = Arc::clone(&self.shared);
        let mcp: StreamableHttpService<mcp::McpTools, LocalSessionManager> =
            StreamableHttpService::new(
                move || Ok(mcp::McpTools::new(Arc::clone(&shared), None)),
                Arc::default(),
                StreamableHttpServerConfig::default(),
            );
        Router::new()
            .nest_service("/mcp", mcp)
            .fallback(http::handle)
            .with_state(Arc::clone(&self.shared))
            .layer(TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                self.shared.options.request_timeout,
            ))
    }

    /// Serves on `listeners` until `shutdown` completes, then lets requests in flight finish.
    pub async fn serve(
        &self,
        listeners: Vec<TcpListener>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let (tx, rx) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = tx.send(true);
        });
        let mut tasks = Vec::new();
        for listener in listeners {
            let app = self.router();
            let mut rx = rx.clone();
            let addr = listener.local_addr().ok();
            tasks.push(tokio::spawn(async move {
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = rx.wait_for(|stop| *stop).await;
                    })
                    .await
                    .map_err(|source| ServeError::Io {
                        what: format!("serving on {addr:?}"),
                        source,
                    })
            }));
        }
        for task in tasks {
            match task.await {
                Ok(result) => result?,
                Err(e) => return Err(ServeError::Failed(format!("a listener's task: {e}"))),
            }
        }
        Ok(())
    }
}

impl Server {
    /// Serves the native tools over MCP on stdin/stdout, acting on the `default` world as `user`
    /// (default: the world's primary user), until the client closes the stream.
    pub async fn serve_mcp_stdio(&self, user: Option<String>) -> Result<()> {
        use rmcp::ServiceExt;
        let tools = mcp::McpTools::new(Arc::clone(&self.shared), user);
        let running = tools
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| ServeError::Failed(format!("starting MCP on stdio: {e}")))?;
        running
            .waiting()
            .await
            .map_err(|e| ServeError::Failed(format!("serving MCP on stdio: {e}")))?;
        Ok(())
    }
}

/// Binds `addrs` (port 0 picks a free port).
pub async fn bind(addrs: &[SocketAddr]) -> Result<Vec<TcpListener>> {
    let mut out = Vec::new();
    for addr in addrs {
        out.push(
            TcpListener::bind(addr)
                .await
                .map_err(|source| ServeError::Io {
                    what: format!("binding {addr}"),
                    source,
                })?,
        );
    }
    Ok(out)
}

/// A server running on its own thread (tests, embedding): stop it with [`Running::stop`].
pub struct Running {
    pub addrs: Vec<SocketAddr>,
    pub server: Server,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<()>>>,
}

impl Running {
    /// The first listener's base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addrs[0])
    }

    /// Stops accepting, lets requests in flight finish, joins the thread.
    pub fn stop(mut self) -> Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<()> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(ServeError::Failed("the server thread panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// Starts `server` on a new thread with its own tokio runtime, listening on `addrs` (at least one).
pub fn start(server: Server, addrs: &[SocketAddr]) -> Result<Running> {
    if addrs.is_empty() {
        return Err(ServeError::Failed("no address to listen on".into()));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| ServeError::Io {
            what: "starting the tokio runtime".into(),
            source,
        })?;
    let listeners = runtime.block_on(bind(addrs))?;
    let bound = listeners
        .iter()
        .map(|l| {
            l.local_addr().map_err(|source| ServeError::Io {
                what: "reading a listener's address".into(),
                source,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let s = server.clone();
    let thread = std::thread::Builder::new()
        .name("env0-serve".into())
        .spawn(move || {
            runtime.block_on(s.serve(listeners, async move {
                let _ = rx.await;
            }))
        })
        .map_err(|source| ServeError::Io {
            what: "spawning the server thread".into(),
            source,
        })?;
    Ok(Running {
        addrs: bound,
        server,
        stop: Some(tx),
        thread: Some(thread),
    })
}
