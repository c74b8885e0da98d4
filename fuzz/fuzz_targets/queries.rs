//! The query and message parsers behind requests: Gmail's `q`, Drive's `q`, raw RFC 822
//! messages and multipart upload bodies. The first byte picks the parser.
#![no_main]

use env0_world::fuzzing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 4 {
        0 => {
            let _ = fuzzing::gmail_query(&String::from_utf8_lossy(rest));
        }
        1 => {
            let _ = fuzzing::drive_query(&String::from_utf8_lossy(rest));
        }
        2 => {
            let _ = fuzzing::mime(rest);
        }
        _ => {
            let _ = fuzzing::multipart(rest);
        }
    }
});
