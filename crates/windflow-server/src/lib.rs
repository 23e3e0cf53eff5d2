//! The WindFlow HTTP server: actix-web application, configuration, middleware, routes, OpenAPI.
pub mod app;
pub mod config;
pub mod docs;
pub mod error;
pub mod export;
pub mod extract;
pub mod middleware;
pub mod openapi;
pub mod routes;
pub mod sse;
pub mod state;
pub mod web;

pub use app::Application;
pub use config::Config;
