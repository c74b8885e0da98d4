//! env0-world end to end: the store (files, snapshots, state dumps, the router under random
//! requests) and every service through the router — each Google and Slack endpoint the world
//! speaks, checked against the discovery documents and the Slack OpenAPI spec, with property
//! tests, needles and seeding.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on setup failures

#[allow(dead_code)]
mod slack_support;
#[allow(dead_code)]
mod support;

mod auth_flow;
mod calendar_access;
mod calendar_conformance;
mod calendar_events;
mod calendar_recurrence;
mod docs_api;
mod drive_api;
mod drive_needles;
mod drive_props;
mod drive_state;
mod fields;
mod gmail_api;
mod gmail_conformance;
mod gmail_needles;
mod gmail_search;
mod gmail_seed;
mod golden;
mod hostile;
mod router_props;
mod slack_api;
mod slack_needles;
mod slack_props;
mod snapshots;
mod world_store;
