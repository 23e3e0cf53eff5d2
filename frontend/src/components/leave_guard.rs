//! Keeps unsaved edits from being lost by leaving the page (review D14): while a page says it
//! has unsaved changes, closing or reloading the tab asks first (`beforeunload`), and a click
//! on a link of the app is held back and handed to the page (which asks with the confirmation
//! dialog, then navigates). The router's own link handler skips a click whose default was
//! prevented, so holding one back is just `preventDefault`. Browser Back/Forward is not held
//! back (the router gives no hook before it navigates).
//!
//! The listeners are window listeners (through reflection: no extra web-sys features), added
//! while the page is dirty and removed when it is not, and when the page goes away.
use std::rc::Rc;

use js_sys::{Function, Reflect};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The installed (beforeunload, capture-phase click) listeners of one guarded page.
type Listeners = StoredValue<Option<(Function, Function)>, LocalStorage>;

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn call(o: &JsValue, method: &str, args: &[JsValue]) -> JsValue {
    let Some(f) = get(o, method).dyn_into::<Function>().ok() else {
        return JsValue::UNDEFINED;
    };
    let args: js_sys::Array = args.iter().collect();
    f.apply(o, &args).unwrap_or(JsValue::UNDEFINED)
}

/// Adds or removes the window's listeners (`beforeunload` and a capture-phase `click`).
fn listen(w: &JsValue, add: bool, (unload, click): &(Function, Function)) {
    let method = if add {
        "addEventListener"
    } else {
        "removeEventListener"
    };
    call(w, method, &["beforeunload".into(), unload.into()]);
    call(w, method, &["click".into(), click.into(), true.into()]);
}

/// Removes the listeners, if any.
fn release(listeners: Listeners) {
    if let Some(l) = listeners.try_update_value(Option::take).flatten()
        && let Some(w) = web_sys::window()
    {
        listen(&w, false, &l);
    }
}

/// The app path (`/x?y#z`) a click leaves for, when it is a plain click on a link of this
/// origin to another page; `None` for everything the browser or the router would not treat as
/// leaving (modified clicks, new tabs, downloads, anchors in the page, other sites — those
/// unload the page, which `beforeunload` covers).
fn leaving_link(ev: &JsValue) -> Option<String> {
    let flag = |k: &str| get(ev, k).as_bool().unwrap_or(false);
    if flag("defaultPrevented")
        || get(ev, "button").as_f64() != Some(0.0)
        || ["metaKey", "altKey", "ctrlKey", "shiftKey"]
            .iter()
            .any(|k| flag(k))
    {
        return None;
    }
    let target = get(ev, "target");
    if !get(&target, "closest").is_function() {
        return None;
    }
    let a = call(&target, "closest", &["a[href]".into()]);
    if a.is_null() || a.is_undefined() {
        return None;
    }
    let attr = |k: &str| call(&a, "getAttribute", &[k.into()]).as_string();
    if attr("target").is_some_and(|t| !t.is_empty() && t != "_self")
        || attr("download").is_some()
        || attr("href").is_some_and(|h| h.starts_with('#'))
    {
        return None;
    }
    let w: JsValue = web_sys::window()?.into();
    let here = get(&w, "location");
    let s = |o: &JsValue, k: &str| get(o, k).as_string().unwrap_or_default();
    if s(&a, "origin") != s(&here, "origin") {
        return None;
    }
    let to = format!("{}{}{}", s(&a, "pathname"), s(&a, "search"), s(&a, "hash"));
    let now = format!("{}{}", s(&here, "pathname"), s(&here, "search"));
    (to != now && !to.starts_with(&format!("{now}#"))).then_some(to)
}

/// Installs the guard while `dirty()` holds; `ask(path)` is called with the app path of a link
/// clicked meanwhile (the page confirms, then navigates there). Removed with the page.
pub fn leave_guard(dirty: impl Fn() -> bool + 'static, ask: impl Fn(String) + 'static) {
    let ask = Rc::new(ask);
    let listeners: Listeners = StoredValue::new_local(None);
    Effect::new(move |_| {
        let on = dirty();
        let installed = listeners.with_value(Option::is_some);
        let Some(w) = web_sys::window() else { return };
        if on && !installed {
            let unload = Closure::<dyn Fn(JsValue)>::new(|ev: JsValue| {
                call(&ev, "preventDefault", &[]);
                let _ = Reflect::set(&ev, &"returnValue".into(), &"".into());
            })
            .into_js_value()
            .unchecked_into::<Function>();
            let ask = ask.clone();
            let click = Closure::<dyn Fn(JsValue)>::new(move |ev: JsValue| {
                if let Some(to) = leaving_link(&ev) {
                    call(&ev, "preventDefault", &[]);
                    ask(to);
                }
            })
            .into_js_value()
            .unchecked_into::<Function>();
            let l = (unload, click);
            listen(&w, true, &l);
            listeners.set_value(Some(l));
        } else if !on && installed {
            release(listeners);
        }
    });
    on_cleanup(move || release(listeners));
}
