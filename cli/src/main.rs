//! `env0`: the command line of env0. Today: worlds (`env0 world …`) and evals (`env0 eval …`);
//! tasks, data and training verbs join as they are built.

mod eval;
mod world;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "env0",
    version,
    about = "Mock workspace, tasks and agent evaluation for small on-device LLMs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Seed, inspect, call, snapshot, restore and diff worlds.
    World(world::WorldArgs),
    /// Run a task set with a model (resumable), report it, compare runs.
    Eval(Box<eval::EvalArgs>),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::World(args) => world::run(args),
        Command::Eval(args) => eval::run(*args),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("env0: error: {e:#}");
            std::process::exit(1);
        }
    }
}
