//! The WindFlow wire contract.
//!
//! Every type that crosses the HTTP boundary lives here so that the server, the typed client, the
//! tests and the WASM frontend agree on one definition. The crate has no server-only dependency:
//! `utoipa` (schema derives) and `serde` are pure Rust and compile for `wasm32-unknown-unknown`,
//! so the OpenAPI derives are unconditional rather than behind a feature.
//!
//! Conventions: identifiers are UUIDv7 strings, timestamps RFC 3339 UTC, request bodies reject
//! unknown fields, list endpoints return [`Page`] with an opaque keyset cursor.
//!
//! Closed vocabularies that WindFlow owns are enums (snake_case on the wire and in the
//! database). With the `entity` feature they also derive SeaORM's `DeriveActiveEnum`, so the
//! server's entity columns hold these enums and a value the code does not know fails the read
//! instead of falling back to a default.

/// Declares a closed vocabulary: a snake_case enum on the wire, in the schema and (feature
/// `entity`) in the database, with `as_str` giving the wire name.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "entity", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
        #[cfg_attr(
            feature = "entity",
            sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
        )]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// The wire (and stored) name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $wire, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $wire => Ok(Self::$variant), )+
                    other => Err($crate::UnknownValue(other.to_owned())),
                }
            }
        }
    };
}

/// A string that is not a value of a closed vocabulary (the `FromStr` error of its enum).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue(pub String);

impl std::fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown value `{}`", self.0)
    }
}

impl std::error::Error for UnknownValue {}

pub mod access;
pub mod audit;
pub mod auth;
pub mod docker;
pub mod git;
pub mod overview;
pub mod page;
pub mod problem;
pub mod rules;
pub mod runs;
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
