//! The typed client for this page: same-origin cookies carry the session; the CSRF token is read
//! from the `wf_csrf` cookie (double-submit) for every mutation.
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use windflow_client::Client;

/// Value of a cookie readable by scripts.
pub fn cookie(name: &str) -> Option<String> {
    let doc = web_sys::window()?
        .document()?
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()?;
    let all = doc.cookie().ok()?;
    all.split(';')
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A client for the current origin.
pub fn client() -> Client {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let c = Client::new(origin);
    match cookie(windflow_api::CSRF_COOKIE) {
        Some(t) => c.with_csrf(t),
        None => c,
    }
}

/// Reads a value from localStorage.
pub fn stored(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

/// Writes (or removes, for `None`) a value in localStorage.
pub fn store(key: &str, value: Option<&str>) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = match value {
            Some(v) => s.set_item(key, v),
            None => s.remove_item(key),
        };
    }
}

/// `POST /api/v1{path}` answered with server-sent events (read from the fetch body, since
/// `EventSource` cannot POST): calls `on_data` with each event's `data:` payload until the
/// stream ends or `on_data` returns an error. A non-2xx answer becomes the problem's detail.
pub async fn stream_post(
    path: &str,
    body: Option<String>,
    mut on_data: impl FnMut(&str) -> Result<(), String>,
) -> Result<(), String> {
    use wasm_bindgen_futures::JsFuture;
    let mut b = gloo_net::http::Request::post(&format!("/api/v1{path}"))
        .header("content-type", "application/json")
        .header("accept", "text/event-stream");
    if let Some(t) = cookie(windflow_api::CSRF_COOKIE) {
        b = b.header(windflow_api::CSRF_HEADER, &t);
    }
    let res = match body {
        Some(body) => b.body(body),
        None => b.build(),
    }
    .map_err(|e| e.to_string())?
    .send()
    .await
    .map_err(|e| e.to_string())?;
    if !res.ok() {
        return Err(problem_text(res.text().await.unwrap_or_default()));
    }
    let reader = res
        .body()
        .ok_or("no body")?
        .get_reader()
        .unchecked_into::<web_sys::ReadableStreamDefaultReader>();
    let mut buf = Vec::<u8>::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|_| "the stream broke".to_owned())?;
        if js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            return Ok(());
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).map_err(|_| "no value")?;
        buf.extend(js_sys::Uint8Array::new(&value).to_vec());
        // One SSE event per blank line; only `data:` lines matter here.
        while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
            let event: Vec<u8> = buf.drain(..end + 2).collect();
            for line in String::from_utf8_lossy(&event).lines() {
                if let Some(data) = line.strip_prefix("data:") {
                    on_data(data.trim())?;
                }
            }
        }
    }
}

/// A resource's raw answer: `None` while there is nothing to load, the JSON text, or the error
/// message.
pub type Raw = Option<Result<String, String>>;

/// The message of a problem document (its detail, or its title), else the text itself.
fn problem_text(text: String) -> String {
    serde_json::from_str::<windflow_api::Problem>(&text)
        .map(|p| p.detail.unwrap_or(p.title))
        .unwrap_or(text)
}

async fn fetch_text(path: Option<String>) -> Raw {
    let path = path?;
    Some(
        async move {
            let res = gloo_net::http::Request::get(&format!("/api/v1{path}"))
                .header("accept", "application/json")
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let text = res.text().await.map_err(|e| e.to_string())?;
            if res.ok() {
                Ok(text)
            } else {
                Err(problem_text(text))
            }
        }
        .await,
    )
}

/// A `GET /api/v1{path}` resource, refetched whenever a signal read by `path` changes (`None`:
/// nothing to load yet). Every such resource has the same type, so the reactive machinery is
/// compiled once for all of them (each typed `LocalResource` costs several KB of wasm); the
/// view decodes the text with [`read`].
pub fn resource(path: impl Fn() -> Option<String> + 'static) -> LocalResource<Raw> {
    boxed_resource(Box::new(path))
}

/// Not generic, so that `LocalResource::new` is instantiated once.
fn boxed_resource(path: Box<dyn Fn() -> Option<String>>) -> LocalResource<Raw> {
    LocalResource::new(move || fetch_text(path()))
}

/// Reads and decodes a [`resource`] (tracked).
pub fn read<T: serde::de::DeserializeOwned>(r: LocalResource<Raw>) -> Option<Result<T, String>> {
    r.get()
        .flatten()
        .map(|x| x.and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string())))
}

/// The items of a [`resource`] holding a `Page<T>` (empty while loading or on error).
pub fn items<T: serde::de::DeserializeOwned>(r: LocalResource<Raw>) -> Vec<T> {
    read::<windflow_api::Page<T>>(r)
        .and_then(Result::ok)
        .map(|p| p.items)
        .unwrap_or_default()
}
