//! The WindFlow wire contract.
//!
//! Every type that crosses the HTTP boundary lives here so that the server, the typed client, the
//! tests and the WASM frontend agree on one definition. The crate has no server-only dependency:
//! `utoipa` (schema derives) and `serde` are pure Rust and compile for `wasm32-unknown-unknown`,
//! so the OpenAPI derives are unconditional rather than behind a feature.
//!
//! Conventions: identifiers are UUIDv7 strings, timestamps RFC 3339 UTC, request bodies reject
//! unknown fields, list endpoints return [`Page`] with an opaque keyset cursor.

pub mod access;
pub mod audit;
pub mod auth;
pub mod docker;
pub mod git;
pub mod page;
pub mod problem;
pub mod rules;
pub mod stacks;
pub mod tenancy;
pub mod users;

pub use page::{Page, PageQuery, SortDir};
pub use problem::{ErrorCode, FieldError, Problem};

/// Media type of every error body (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";
/// Header carrying the request id on every response.
pub const REQUEST_ID_HEADER: &str = "X-Request-Id";
/// Header a cookie-authenticated client echoes the CSRF cookie in (double-submit defence).
pub const CSRF_HEADER: &str = "X-CSRF-Token";
/// Cookie holding the access JWT for browser clients (HttpOnly, SameSite=Strict).
pub const ACCESS_COOKIE: &str = "wf_access";
/// Cookie holding the refresh token for browser clients (HttpOnly, SameSite=Strict, path-scoped).
pub const REFRESH_COOKIE: &str = "wf_refresh";
/// Cookie holding the CSRF token (readable by scripts, SameSite=Strict).
pub const CSRF_COOKIE: &str = "wf_csrf";
