//! The typed client for this page: same-origin cookies carry the session; the CSRF token is read
//! from the `wf_csrf` cookie (double-submit) for every mutation.
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
