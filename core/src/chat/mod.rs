//! Chat formats.
