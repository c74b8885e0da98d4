//! Worlds and tool calls for the tools, verifier and proof tests.

use env0_core::tools::Toolkit;
use env0_world::{seeded_world, Scale, World, WorldOptions};
use serde_json::Value;

/// A seeded default world (seed 42, default scale, the default clock).
pub fn world() -> World {
    seeded_world(&WorldOptions::default(), Scale::DEFAULT).expect("seeding the default world")
}

/// Calls a tool that must succeed; returns its JSON output.
pub fn tool_ok(kit: &Toolkit, w: &mut World, name: &str, args: Value) -> Value {
    let out = kit.call(w, name, &args);
    assert!(out.ok, "{name}({args}) failed: {}", out.content);
    serde_json::from_str(&out.content).expect("tool output is JSON")
}

/// Calls a tool that must fail; returns its `error: …` text.
pub fn tool_err(kit: &Toolkit, w: &mut World, name: &str, args: Value) -> String {
    let out = kit.call(w, name, &args);
    assert!(!out.ok, "{name}({args}) should fail: {}", out.content);
    assert!(out.content.starts_with("error: "), "{}", out.content);
    out.content
}
