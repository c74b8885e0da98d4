//! `env0`: the command line of env0. Today: worlds (`env0 world …`) and
//! task sets (`env0 tasks …`); eval, data and
//! training verbs join as they are built.

mod tasks;
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
    /// Generate, list, show and prove the tasks-lite task set.
    Tasks(tasks::TasksArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::World(args) => world::run(args),
        Command::Tasks(args) => tasks::run(args),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("env0: error: {e:#}");
            std::process::exit(1);
        }
    }
}
