//! Google Docs v1: documents get/create/batchUpdate over a body model with Google's indexing.
//! A Doc is a Drive file (same id): Drive holds its title, owner, sharing and revisions; this
//! service holds its body (`docs_documents`).

pub mod body;
pub mod documents;
pub mod needles;
pub mod render;
pub mod requests;
pub mod schema;
pub mod seed;
pub mod store;
pub mod tables;

#[cfg(test)]
mod engine_tests;

use crate::rest::{Method, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::Get, "/v1/documents/{documentId}", documents::get),
        Route::new(Method::Post, "/v1/documents", documents::create),
        Route::new(
            Method::Post,
            "/v1/documents/{documentId}:batchUpdate",
            documents::batch_update,
        ),
    ]
}
