//! Every base world hashes to its committed value (`golden-hashes.json`): a build on any platform
//! that seeds a different world — another float rounding, time-zone table, RNG or SQLite — fails
//! here instead of silently running tasks on other data.

use chrono::{DateTime, Utc};
use env0_world::{seeded_world, Scale, WorldOptions};
use serde_json::Value;

struct Golden {
    options: WorldOptions,
    scale: Scale,
    hash: String,
}

fn golden() -> Vec<Golden> {
    let doc: Value = serde_json::from_str(include_str!("../../golden-hashes.json")).unwrap();
    doc["worlds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| Golden {
            options: WorldOptions {
                seed: w["seed"].as_u64().unwrap(),
                now: w["now"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap(),
            },
            scale: Scale::by_name(w["scale"].as_str().unwrap()).unwrap(),
            hash: w["hash"].as_str().unwrap().to_string(),
        })
        .collect()
}

#[test]
fn base_worlds_hash_to_their_committed_values() {
    let golden = golden();
    assert_eq!(golden.len(), 7);
    for g in &golden {
        let world = seeded_world(&g.options, g.scale).unwrap();
        assert_eq!(
            world.state_hash().unwrap(),
            g.hash,
            "seed {} scale {}: the seeded world changed (see golden-hashes.json)",
            g.options.seed,
            g.scale.name
        );
    }
}

#[test]
fn a_different_world_does_not_match_its_golden_hash() {
    // The check is sensitive: the neighbouring seed and a world one row away both miss.
    let g = golden()
        .into_iter()
        .find(|g| g.scale == Scale::DEFAULT)
        .unwrap();
    let other_seed = WorldOptions {
        seed: g.options.seed + 1,
        ..g.options.clone()
    };
    assert_ne!(
        seeded_world(&other_seed, g.scale)
            .unwrap()
            .state_hash()
            .unwrap(),
        g.hash
    );
    let mut edited = seeded_world(&g.options, g.scale).unwrap();
    let resp = edited.handle(&env0_world::Request::post(
        "/gmail/v1/users/me/labels",
        serde_json::json!({"name": "One more"}),
    ));
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_ne!(edited.state_hash().unwrap(), g.hash);
}
