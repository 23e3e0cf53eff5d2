//! End-to-end API tests against the real server (SQLite, or PostgreSQL with
//! `WF_TEST_DATABASE_URL`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api {
    pub mod audit;
    pub mod auth;
    pub mod client;
    pub mod client_coverage;
    pub mod collectors;
    pub mod docker;
    pub mod errors;
    pub mod git;
    pub mod migrations;
    pub mod openapi;
    pub mod overview;
    pub mod rbac;
    pub mod security;
    pub mod stacks;
    pub mod tenancy;
    pub mod webapp;
}
