//! Typed client of the WindFlow REST API: `reqwest` natively, the browser's `fetch` (gloo-net) on
//! `wasm32-unknown-unknown`.
//!
//! [`Client`] has one method per operation of the OpenAPI document (`openapi/windflow.json`),
//! grouped by area: authentication and settings ([`auth`]), users ([`users`]), organizations,
//! members, groups, projects and environments ([`tenancy`]), roles, bindings and permissions
//! ([`access`]), the audit log ([`audit`]), Docker endpoints, containers, images, volumes,
//! networks, engine activity and registries ([`docker`]), stacks and deployments ([`stacks`]),
//! Git credentials, repositories, syncs, webhooks and platform settings ([`git`]).
//! [`OPERATIONS`] lists which method covers which `(method, path)` of the document; a test
//! compares it with the document both ways.
//!
//! Bodies, queries and answers are the contract types of `windflow-api`. Queries are encoded
//! from those types (absent options are left out); path segments that are not ids (container,
//! image, volume and network names, webhook ids) are percent-encoded.
//!
//! # Streaming routes
//!
//! - Server-sent events that end by themselves (stack actions, rollback, image pull) are read to
//!   the end and answered as the list of their items ([`Client::stack_action`],
//!   [`Client::rollback_stack`], [`Client::pull_image`]); an `event: error` frame becomes
//!   [`ClientError::Stream`]. For live progress, stream the same URL yourself.
//! - Open-ended streams (container logs, engine events) and the console WebSocket are given as
//!   URL builders ([`Client::container_logs_stream_url`], [`Client::events_stream_url`],
//!   [`Client::exec_url`]): connect with the same credentials (cookies in the browser, an
//!   `Authorization: Bearer` header natively).
//! - The audit export is downloaded whole and answered as text ([`Client::export_audit`]).
//!
//! # Errors
//!
//! Every call answers [`ClientError::Problem`] with the server's RFC 9457 [`Problem`] on a
//! non-2xx status (401 `unauthenticated`, 403 `forbidden`, 404 `not_found`, 409 `conflict`, 422
//! `validation_failed` with field errors, …), [`ClientError::Network`] when the request did not
//! complete and [`ClientError::Decode`] when the answer is not the documented shape. Method docs
//! name the permission the server checks and the errors particular to the call.
//!
//! # Authentication
//!
//! Set a bearer token ([`Client::with_bearer`]) for API use, or rely on the browser's
//! same-origin cookies and set the CSRF token ([`Client::with_csrf`]) so mutations carry
//! `X-CSRF-Token`.
pub mod access;
pub mod audit;
pub mod auth;
pub mod docker;
pub mod git;
mod operations;
pub mod overview;
pub mod stacks;
pub mod tenancy;
mod transport;
pub mod users;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use windflow_api::{CSRF_HEADER, ErrorCode, Problem};

pub use operations::{OPERATIONS, Operation};

use crate::transport::{Transport, Verb};

/// A failed call.
#[derive(Debug, Clone)]
pub enum ClientError {
    /// The server answered with a problem document.
    Problem(Box<Problem>),
    /// The request did not complete (network, CORS, aborted).
    Network(String),
    /// The answer could not be decoded.
    Decode(String),
    /// A server-sent event stream reported an error (`event: error`) after it started.
    Stream(String),
}

impl ClientError {
    /// The problem's machine code, if the server answered with a problem document.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Problem(p) => Some(p.code),
            _ => None,
        }
    }
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Problem(p) => {
                write!(f, "{}", p.detail.as_deref().unwrap_or(&p.title))?;
                if let Some(errs) = &p.errors {
                    for e in errs {
                        write!(f, "; {}: {}", e.field, e.message)?;
                    }
                }
                Ok(())
            }
            Self::Network(e) => write!(f, "network error: {e}"),
            Self::Decode(e) => write!(f, "unexpected answer: {e}"),
            Self::Stream(e) => write!(f, "stream error: {e}"),
        }
    }
}

impl std::error::Error for ClientError {}

/// Result of a call.
pub type ClientResult<T> = Result<T, ClientError>;

/// `{"id": …}`: the answer of the Docker routes that create an object the engine names
/// (containers, recreated containers, networks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedId {
    /// The engine's id of the new object.
    pub id: String,
}

/// The API client (cheap to clone).
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    http: Transport,
    bearer: Option<String>,
    csrf: Option<String>,
}

impl Client {
    /// A client of the server at `base` (e.g. `http://127.0.0.1:8080`, or the page's origin).
    pub fn new(base: impl Into<String>) -> Self {
        Self {
            base: base.into().trim_end_matches('/').to_owned(),
            http: Transport::default(),
            bearer: None,
            csrf: None,
        }
    }
    /// Sends `Authorization: Bearer <token>`.
    pub fn with_bearer(mut self, token: impl Into<String>) -> Self {
        self.bearer = Some(token.into());
        self
    }
    /// Sends `X-CSRF-Token` on mutations (cookie-authenticated browsers).
    pub fn with_csrf(mut self, token: impl Into<String>) -> Self {
        self.csrf = Some(token.into());
        self
    }

    /// Absolute URL of an API path (`path` is relative to `/api/v1`), e.g. for an
    /// `EventSource` or a download link.
    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    /// Sends one request and answers the body text of a 2xx answer; other statuses become
    /// [`ClientError::Problem`] (or [`ClientError::Decode`] without a problem body).
    async fn call_text(
        &self,
        verb: Verb,
        path: &str,
        body: Option<String>,
        accept: &str,
        extra: &[(&str, &str)],
    ) -> ClientResult<(u16, String)> {
        let mut headers: Vec<(&str, String)> = vec![("accept", accept.to_owned())];
        if let Some(t) = &self.bearer {
            headers.push(("authorization", format!("Bearer {t}")));
        }
        if let (Some(c), false) = (&self.csrf, verb == Verb::Get) {
            headers.push((CSRF_HEADER, c.clone()));
        }
        headers.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let (status, text) = self
            .http
            .send(verb, &self.url(path), &headers, body)
            .await
            .map_err(ClientError::Network)?;
        if !(200..300).contains(&status) {
            return Err(match serde_json::from_str::<Problem>(&text) {
                Ok(p) => ClientError::Problem(Box::new(p)),
                Err(_) => ClientError::Decode(format!("HTTP {status}")),
            });
        }
        Ok((status, text))
    }

    async fn call<T: DeserializeOwned>(
        &self,
        verb: Verb,
        path: &str,
        body: Option<String>,
    ) -> ClientResult<T> {
        let (status, text) = self
            .call_text(verb, path, body, "application/json", &[])
            .await?;
        decode(status, &text)
    }

    /// A call whose 2xx answer has no body worth reading (204, or a body the caller ignores).
    async fn call_unit(&self, verb: Verb, path: &str, body: Option<String>) -> ClientResult<()> {
        self.call_text(verb, path, body, "application/json", &[])
            .await
            .map(|_| ())
    }

    /// A call answering server-sent events, read to the end of the stream.
    async fn call_sse<T: DeserializeOwned>(
        &self,
        verb: Verb,
        path: &str,
        body: Option<String>,
    ) -> ClientResult<Vec<T>> {
        let (_, text) = self
            .call_text(verb, path, body, "text/event-stream", &[])
            .await?;
        parse_sse(&text)
    }

    fn json<B: Serialize + ?Sized>(body: &B) -> ClientResult<Option<String>> {
        serde_json::to_string(body)
            .map(Some)
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// `GET path` (relative to `/api/v1`), decoding the JSON answer as `T`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> ClientResult<T> {
        self.call(Verb::Get, path, None).await
    }
    /// `POST path` with a JSON body, decoding the JSON answer as `T` (`()` for 204).
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ClientResult<T> {
        self.call(Verb::Post, path, Self::json(body)?).await
    }
    /// `PATCH path` with a JSON body, decoding the JSON answer as `T`.
    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ClientResult<T> {
        self.call(Verb::Patch, path, Self::json(body)?).await
    }
    /// `PUT path` with a JSON body, decoding the JSON answer as `T`.
    pub async fn put<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> ClientResult<T> {
        self.call(Verb::Put, path, Self::json(body)?).await
    }
    /// `DELETE path`, ignoring any answer body.
    pub async fn delete(&self, path: &str) -> ClientResult<()> {
        self.call_unit(Verb::Delete, path, None).await
    }
}

/// Decodes a JSON answer; an empty body (204) decodes as `null` (so `()` and `Option` work).
fn decode<T: DeserializeOwned>(status: u16, text: &str) -> ClientResult<T> {
    let text = if status == 204 || text.is_empty() {
        "null"
    } else {
        text
    };
    serde_json::from_str(text).map_err(|e| ClientError::Decode(e.to_string()))
}

/// Parses a complete `text/event-stream` body: every `data:` frame is one `T`; a frame with
/// `event: error` ends with [`ClientError::Stream`] carrying its `error` text.
fn parse_sse<T: DeserializeOwned>(text: &str) -> ClientResult<Vec<T>> {
    let mut out = Vec::new();
    for frame in text.split("\n\n") {
        let mut event = None;
        let mut data = String::new();
        for line in frame.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                event = Some(v.trim());
            } else if let Some(v) = line.strip_prefix("data:") {
                if !data.is_empty() {
                    data.push('\n');
                }
                data.push_str(v.strip_prefix(' ').unwrap_or(v));
            }
        }
        if data.is_empty() {
            continue;
        }
        if event == Some("error") {
            let msg = serde_json::from_str::<serde_json::Value>(&data)
                .ok()
                .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
                .unwrap_or(data);
            return Err(ClientError::Stream(msg));
        }
        out.push(serde_json::from_str(&data).map_err(|e| ClientError::Decode(e.to_string()))?);
    }
    Ok(out)
}

/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters kept), so
/// `library/nginx:1.27` becomes `library%2Fnginx%3A1.27`.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Encodes a query type of `windflow-api` as `?k=v&…` (empty when every field is absent).
/// Fields are taken from its serde form: `null` fields are left out, strings, numbers and
/// booleans are written as is (percent-encoded).
///
/// # Errors
///
/// [`ClientError::Decode`] if `q` does not serialize to a JSON object.
pub fn query<Q: Serialize + ?Sized>(q: &Q) -> ClientResult<String> {
    let v = serde_json::to_value(q).map_err(|e| ClientError::Decode(e.to_string()))?;
    let serde_json::Value::Object(map) = v else {
        return Err(ClientError::Decode("a query must be an object".into()));
    };
    let mut parts = Vec::new();
    for (k, v) in map {
        let v = match v {
            serde_json::Value::Null => continue,
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        parts.push(format!("{}={}", encode(&k), encode(&v)));
    }
    Ok(if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn encodes_segments_and_queries() {
        assert_eq!(encode("library/nginx:1.27"), "library%2Fnginx%3A1.27");
        let q = windflow_api::PageQuery {
            limit: Some(5),
            q: Some("a b&c".into()),
            dir: Some(windflow_api::SortDir::Desc),
            ..Default::default()
        };
        // Parameters follow the query type's field order (serde_json keeps insertion order).
        assert_eq!(query(&q).unwrap(), "?limit=5&dir=desc&q=a%20b%26c");
        assert_eq!(query(&windflow_api::PageQuery::default()).unwrap(), "");
    }

    #[test]
    fn parses_event_streams() {
        let items: Vec<serde_json::Value> =
            parse_sse("data: {\"a\":1}\n\ndata: {\"a\":2}\n\n").unwrap();
        assert_eq!(items.len(), 2);
        let err = parse_sse::<serde_json::Value>(
            "data: {\"a\":1}\n\nevent: error\ndata: {\"error\":\"boom\"}\n\n",
        )
        .unwrap_err();
        assert!(matches!(err, ClientError::Stream(m) if m == "boom"));
    }
}
