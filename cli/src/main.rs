//! `env0`: the command line of env0: a demo (`env0 demo`), worlds (`env0 world …`), task sets (`env0 tasks …`), evals
//! (`env0 eval …`), SFT data (`env0 data …`), LoRA training (`env0 train`, `env0 merge`) and the
//! HTTP server (`env0 serve`).

mod data;
mod demo;
mod eval;
mod serve;
mod tasks;
mod train;
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
    /// The default model acting out a few short tasks on freshly seeded worlds, printed as it
    /// runs: what env0 is, in a few minutes.
    Demo(demo::DemoArgs),
    /// Seed, inspect, call, snapshot, restore and diff worlds.
    World(world::WorldArgs),
    /// LoRA SFT of a Llama / Qwen2 / Qwen3 model on the CPU (resumes from the output directory).
    Train(Box<train::TrainArgs>),
    /// Merge a PEFT LoRA adapter into its base: merged safetensors with the base's names.
    Merge(train::MergeArgs),
    /// Generate, list, show and prove the tasks-lite task set.
    Tasks(tasks::TasksArgs),
    /// Run a task set with a model (resumable), report it, compare runs.
    Eval(Box<eval::EvalArgs>),
    /// SFT data from eval results: build, validate, tokenize, audit.
    Data(data::DataArgs),
    /// Serve worlds over HTTP: every service, many isolated worlds, an admin API.
    Serve(Box<serve::ServeArgs>),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(args) => demo::run(args),
        Command::World(args) => world::run(args),
        Command::Train(args) => train::run_train(*args),
        Command::Merge(args) => train::run_merge(args),
        Command::Tasks(args) => tasks::run(args),
        Command::Eval(args) => eval::run(*args),
        Command::Data(args) => data::run(args),
        Command::Serve(args) => serve::run(*args),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("env0: error: {e:#}");
            std::process::exit(1);
        }
    }
}
