//! The agent runtime: model backends behind one trait, and the episode loop that runs a task with
//! a model — prompt → model → parse → dispatch tools → … → verifier → reward and trajectory.

mod episode;
mod events;
#[cfg(feature = "local")]
pub mod local;
mod model;
#[cfg(feature = "remote")]
pub mod remote;
mod scripted;

pub use episode::{
    chat_tools, first_request, opening_messages, run_episode, run_episode_with,
    run_instruction_with, system_prompt, task_toolkit, Episode, EpisodeConfig, Instruction,
    StopReason,
};
pub use events::{CancelToken, EpisodeEvent, EpisodeListener, NoListener};
pub use model::{Model, ModelError, ModelReply, ModelRequest, Usage};
#[cfg(feature = "remote")]
pub use remote::{RemoteConfig, RemoteModel};
pub use scripted::{OracleModel, ReplayModel};
