//! Server-sent event responses for long-lived streams (logs, image pulls, engine events, stack
//! output), and the re-check that ends them when the caller's session ends.
use actix_web::HttpResponse;
use actix_web::http::header::ContentEncoding;
use actix_web::web::Bytes;
use futures_util::{Stream, StreamExt};
use serde::Serialize;

use crate::extract::AuthUser;

/// Seconds between re-checks of a stream's session ([`until_revoked`]).
pub(crate) const REAUTH_SECS: u64 = 5;

/// Ends `s` within [`REAUTH_SECS`] of `u`'s session being revoked or expiring, or its user
/// being deactivated (authorization is not a one-time check for long-lived streams).
pub(crate) fn until_revoked<T: 'static>(
    s: impl Stream<Item = T> + 'static,
    core: &windflow_core::Core,
    u: &AuthUser,
) -> impl Stream<Item = T> + 'static {
    enum Tick<T> {
        Item(T),
        Stop,
    }
    let (core, p) = (core.clone(), u.principal.clone());
    let watch = futures_util::stream::unfold((core, p), |(core, p)| async move {
        tokio::time::sleep(std::time::Duration::from_secs(REAUTH_SECS)).await;
        let alive = windflow_core::services::auth::session_alive(&core, &p).await;
        Some((alive, (core, p)))
    })
    .filter(|alive| std::future::ready(!alive))
    .map(|_| Tick::Stop);
    let items = s
        .map(Tick::Item)
        .chain(futures_util::stream::once(std::future::ready(Tick::Stop)));
    futures_util::stream::select(items, watch)
        .take_while(|t| std::future::ready(matches!(t, Tick::Item(_))))
        .filter_map(|t| {
            std::future::ready(match t {
                Tick::Item(v) => Some(v),
                Tick::Stop => None,
            })
        })
}

/// Server-sent events: each item as `data: <json>`, an engine failure as `event: error`, then
/// the stream ends.
pub(crate) fn sse<T: Serialize, E: std::fmt::Display>(
    s: impl Stream<Item = Result<T, E>> + 'static,
) -> HttpResponse {
    let body = s.map(|item| {
        let frame = match item {
            Ok(v) => format!(
                "data: {}\n\n",
                serde_json::to_string(&v).unwrap_or_default()
            ),
            Err(e) => format!(
                "event: error\ndata: {}\n\n",
                serde_json::json!({ "error": e.to_string() })
            ),
        };
        Ok::<_, actix_web::Error>(Bytes::from(frame))
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        // Never compressed: a compressor buffers, and an event must reach the client when it
        // happens (the API's `Compress` skips a response that names its encoding).
        .insert_header(ContentEncoding::Identity)
        .streaming(body)
}
