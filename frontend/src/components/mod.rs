//! Shared widgets and helpers: what more than one page uses. Pages import these and never each
//! other.
pub mod ansi;
pub mod compose_editor;
pub mod confirm;
pub mod endpoint_tabs;
pub mod format;
pub mod leave_guard;
pub mod search;
pub mod sort;
pub mod variables;

pub(crate) use compose_editor::{ComposeEditor, source_label, state_label};
pub(crate) use confirm::ConfirmDialog;
pub(crate) use endpoint_tabs::{EndpointTabs, endpoint_id};
pub(crate) use leave_guard::leave_guard;
pub(crate) use search::SearchDialog;
pub(crate) use sort::{SortHeader, sort_rows, sort_state};

use leptos::prelude::*;

use crate::i18n::*;
use crate::state::ctx;

/// Runs a mutation, then refreshes the page (or shows the API's error).
pub fn mutate<
    F: std::future::Future<Output = Result<(), windflow_client::ClientError>> + 'static,
>(
    f: F,
) {
    let c = ctx();
    leptos::task::spawn_local(async move {
        match f.await {
            Ok(()) => c.version.update(|v| *v += 1),
            Err(e) => c.error(&e),
        }
    });
}

/// The toast stack (errors from the API, confirmations).
#[component]
pub fn Toasts() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    view! {
        <div class="toasts" role="status">
            <For each=move || c.toasts.get() key=|t| t.id let:t>
                <div
                    class=if t.error { "toast error" } else { "toast" }
                    title=move || t_string!(i18n, common.dismiss)
                    on:click=move |_| c.toasts.update(|all| all.retain(|x| x.id != t.id))
                >
                    {t.text.clone()}
                </div>
            </For>
        </div>
    }
}

/// The language menu (topbar, login and setup pages): each language named in itself; the
/// choice is kept in the `wf_locale` cookie and wins over the browser's languages.
#[component]
pub fn LanguageSelect() -> impl IntoView {
    use leptos_i18n::Locale as _;
    let i18n = use_i18n();
    let names = [(Locale::en, "English"), (Locale::fr, "Français")];
    view! {
        <label class="language">
            <span class="sr-only">{t!(i18n, common.topbar.language)}</span>
            <select id="locale-select" on:change=move |ev| {
                let v = event_target_value(&ev);
                if let Some((l, _)) = names.iter().find(|(l, _)| l.as_str() == v) {
                    i18n.set_locale(*l);
                }
            }>
                {names.into_iter().map(|(l, name)| view! {
                    <option value=l.as_str() lang=l.as_str() selected=move || i18n.get_locale() == l>{name}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// A message shown where a page needs an organization to be selected.
#[component]
pub fn NeedOrg() -> impl IntoView {
    let i18n = use_i18n();
    view! { <div class="card muted">{t!(i18n, common.need_org)}</div> }
}

/// Short form of a UUID for tables.
pub fn short(id: &uuid::Uuid) -> String {
    id.to_string()[..8].to_owned()
}

/// Formats a timestamp for tables: date and time to the second in the browser's time zone, in
/// the chosen locale's order ([`format::datetime`]; review D32, no raw ISO strings).
pub fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    format::datetime(t)
}

/// Copies text to the clipboard (`navigator.clipboard.writeText`, through reflection: no extra
/// web-sys features).
pub fn copy(text: &str) {
    use js_sys::{Function, Reflect};
    use wasm_bindgen::JsCast;
    let Some(w) = web_sys::window() else { return };
    let clip =
        Reflect::get(&w, &"navigator".into()).and_then(|n| Reflect::get(&n, &"clipboard".into()));
    if let Ok(clip) = clip
        && let Ok(f) = Reflect::get(&clip, &"writeText".into())
        && let Some(f) = f.dyn_ref::<Function>()
    {
        let _ = f.call1(&clip, &text.into());
    }
}

/// A state badge: `ok` for good states, `danger` for failures, plain otherwise.
pub fn badge(label: String) -> impl IntoView {
    let class = match label.as_str() {
        "running" | "succeeded" | "synced" | "up" => "badge ok",
        "failed" | "error" | "unknown" | "partially running" | "partially_running" => {
            "badge danger"
        }
        _ => "badge",
    };
    view! { <span class=class>{label}</span> }
}

/// The cells every long-running record shows, in this order: started, trigger, status,
/// duration (`windflow_api::runs::Run`; deployments and schedule executions).
pub fn run_cells(run: &windflow_api::runs::Run) -> impl IntoView + use<> {
    let duration = run
        .duration_ms
        .map(|d| format!("{d} ms"))
        .unwrap_or_default();
    view! {
        <td class="muted">{when(&run.started_at)}</td>
        <td>{run.trigger.as_str()}</td>
        <td>{badge(run.status.to_string())}</td>
        <td>{duration}</td>
    }
}

/// The messages of an API error, one per field error (or the detail alone).
pub fn problem_lines(e: &windflow_client::ClientError) -> Vec<String> {
    match e {
        windflow_client::ClientError::Problem(p)
            if p.errors.as_ref().is_some_and(|x| !x.is_empty()) =>
        {
            p.errors
                .iter()
                .flatten()
                .map(|f| format!("{}: {}", f.field, format::field_message(f)))
                .collect()
        }
        e => vec![format::problem(e)],
    }
}

/// A form's last refusal, shown next to the fields it names ([`FieldError`]) and, for the
/// rest, at the form's foot ([`FormError`]): review D17 ("errors are shown next to the field
/// they concern").
pub type Refusal = RwSignal<Option<windflow_client::ClientError>>;

/// The messages of a refusal for `field` (the problem's `errors` entries naming it).
fn messages_for(e: &windflow_client::ClientError, field: &str) -> Vec<String> {
    match e {
        windflow_client::ClientError::Problem(p) => p
            .errors
            .iter()
            .flatten()
            .filter(|f| f.field == field)
            .map(format::field_message)
            .collect(),
        _ => vec![],
    }
}

/// The refusal's messages for one field, under that field (`role="alert"`, id
/// `<field>-error`, which the input names in `aria-describedby`).
#[component]
pub fn FieldError(refusal: Refusal, field: &'static str) -> impl IntoView {
    let text = move || {
        refusal.with(|r| {
            r.as_ref()
                .map(|e| messages_for(e, field).join("; "))
                .unwrap_or_default()
        })
    };
    view! { <span class="field-error" id=format!("{field}-error") role="alert" hidden=move || text().is_empty()>{text}</span> }
}

/// What a refusal says beyond its field errors (the problem's detail when no field is named;
/// a network error).
#[component]
pub fn FormError(refusal: Refusal, fields: &'static [&'static str]) -> impl IntoView {
    let text = move || {
        refusal.with(|r| match r {
            None => String::new(),
            Some(e) if fields.iter().any(|f| !messages_for(e, f).is_empty()) => String::new(),
            Some(e) => format::problem(e),
        })
    };
    view! { <p class="error form-error" role="alert" hidden=move || text().is_empty()>{text}</p> }
}

/// Shows a short commit id.
pub fn short_sha(s: &str) -> String {
    s.chars().take(10).collect()
}

/// A short label for a `User-Agent` header, for the sessions list (review D32): browser family
/// with its major version, and the operating system, e.g. `Chrome 156 · Linux`; a client that
/// is not a browser shows its first product token (`curl/8.5.0`). Display only — the full
/// header stays in the cell's title. Deliberately a few substring tests rather than a parser
/// crate: the UA parsers for Rust carry a regex engine, several times this page's wasm.
pub fn user_agent_label(ua: &str) -> String {
    let version = |marker: &str| {
        ua.split(marker)
            .nth(1)
            .map(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect::<String>()
            })
            .filter(|v| !v.is_empty())
    };
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
    ]
    .iter()
    .find_map(|(m, name)| version(m).map(|v| format!("{name} {v}")))
    .or_else(|| {
        (ua.contains("Safari/") && ua.contains("Version/"))
            .then(|| version("Version/").map(|v| format!("Safari {v}")))
            .flatten()
    });
    let os = [
        ("Windows", "Windows"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("Mac OS X", "macOS"),
        ("Android", "Android"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(m, _)| ua.contains(m))
    .map(|(_, n)| *n);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} · {o}"),
        (Some(b), None) => b,
        _ => ua.split_whitespace().next().unwrap_or_default().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::user_agent_label;

    #[test]
    fn user_agents_are_summarised() {
        assert_eq!(
            user_agent_label(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"
            ),
            "Chrome 156 · Linux"
        );
        assert_eq!(
            user_agent_label(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86"
            ),
            "Edge 131 · Windows"
        );
        assert_eq!(
            user_agent_label(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0"
            ),
            "Firefox 133 · macOS"
        );
        assert_eq!(
            user_agent_label(
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
            ),
            "Safari 18 · iOS"
        );
        assert_eq!(user_agent_label("curl/8.5.0"), "curl/8.5.0");
        assert_eq!(user_agent_label(""), "");
    }
}
