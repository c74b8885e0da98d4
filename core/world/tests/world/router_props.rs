//! The router never panics and always answers with a well-formed response, whatever it is sent.

use crate::support::random_requests;
use env0_world::Request;
use proptest::prelude::*;

fn check_response(req: &Request, resp: &env0_world::Response) -> Result<(), TestCaseError> {
    prop_assert!(
        resp.status != 500,
        "internal error (a bug) for {} {}: {}",
        req.method,
        req.path,
        resp.body
    );
    prop_assert!(
        [200, 201, 204, 400, 401, 403, 404, 405, 409, 410, 412].contains(&resp.status),
        "unexpected status {} for {} {}",
        resp.status,
        req.method,
        req.path
    );
    if !resp.is_success() && resp.body["error"].is_string() {
        // OAuth endpoints answer RFC 6749 errors: {"error": code, "error_description": text}.
        prop_assert!(resp.body["error_description"].is_string());
    } else if !resp.is_success() && resp.body.get("ok").is_none() {
        let e = &resp.body["error"];
        prop_assert_eq!(&e["code"], &serde_json::json!(resp.status));
        prop_assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
        prop_assert!(e["errors"][0]["reason"].is_string());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_requests_get_well_formed_answers(reqs in prop::collection::vec(
        random_requests::request(random_requests::harvest_ids(&crate::support::world())), 1..12)) {
        let mut world = crate::support::world();
        for req in &reqs {
            let resp = world.handle(req);
            check_response(req, &resp)?;
        }
        // The world is still consistent and usable afterwards.
        prop_assert!(world.state_hash().is_ok());
        prop_assert_eq!(world.action_log().unwrap().len(), reqs.len());
    }

    #[test]
    fn arbitrary_paths_never_break_the_router(path in "(/[a-zA-Z0-9%{}:._@-]{0,12}){0,8}(\\?[a-zA-Z0-9=&%+]{0,20})?",
                                              body in prop::option::of(".{0,40}")) {
        let mut world = crate::support::world();
        for method in [env0_world::Method::Get, env0_world::Method::Post, env0_world::Method::Delete] {
            let mut req = Request::new(method, path.clone());
            req.body = body.clone();
            let resp = world.handle(&req);
            check_response(&req, &resp)?;
        }
    }
}
