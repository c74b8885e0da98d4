//! Model output: each chat family's tool-call parser, strict and tolerant, over the native tool
//! profile (the tolerant parse repairs JSON), and every call a tolerant parse yields, run through the
//! toolkit on a small world (what an episode does with a completion).
#![no_main]

use std::sync::{Mutex, OnceLock};

use env0_chat::{parse_completion, ParseMode, ToolSyntax};
use env0_core::tools::{App, Profile, Toolkit};
use env0_world::{Scale, Snapshot, World, WorldOptions};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    toolkit: Toolkit,
    tools: Vec<env0_chat::Tool>,
    base: Snapshot,
    world: Mutex<World>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let toolkit = Toolkit::new(Profile::Native, &App::ALL, None);
        let tools = env0_core::agent::chat_tools(&toolkit);
        let mut world =
            env0_world::seeded_world(&WorldOptions::default(), Scale::EMPTY).expect("world");
        let base = world.snapshot().expect("snapshot");
        Fixture {
            toolkit,
            tools,
            base,
            world: Mutex::new(world),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let f = fixture();
    let syntax = match selector % 3 {
        0 => ToolSyntax::Hermes,
        1 => ToolSyntax::QwenXml,
        _ => ToolSyntax::Gemma4,
    };
    let _ = parse_completion(syntax, &text, &f.tools, ParseMode::Strict);
    let Ok(parsed) = parse_completion(syntax, &text, &f.tools, ParseMode::Tolerant) else {
        return;
    };
    if selector & 0x80 == 0 || parsed.tool_calls.is_empty() {
        return;
    }
    let mut world = f.world.lock().unwrap_or_else(|p| p.into_inner());
    world.restore_shared(&f.base).expect("restore");
    for call in parsed.tool_calls.iter().take(4) {
        let out = f
            .toolkit
            .call(&mut world, &call.function.name, &call.function.arguments);
        assert!(
            !out.content.contains("handler panicked"),
            "a tool call panicked: {}",
            out.content
        );
    }
});
