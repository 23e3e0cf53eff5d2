//! `/endpoints/:id/images`: images, with a pull dialog showing per-layer progress.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;
use windflow_api::docker::{ForceQuery, ImageSummary, PullImage, PullProgress};

use super::{live_list, size};
use crate::api;
use crate::components::{
    EndpointTabs, SortHeader, endpoint_id, mutate, sort_rows, sort_state, when,
};
use crate::i18n::*;
use crate::state::AppCtx;
use crate::state::ctx;

/// Per-layer state of a running pull: (layer, status, current, total).
type Layer = (String, String, i64, i64);

/// Streams `POST /endpoints/{id}/images/pull` and applies each progress event to `layers`.
async fn pull(
    ep: Uuid,
    req: PullImage,
    layers: RwSignal<Vec<Layer>>,
    status: RwSignal<String>,
    done: &'static str,
) -> Result<(), String> {
    let body = serde_json::to_string(&req).map_err(|e| e.to_string())?;
    api::stream_post(
        &format!("/endpoints/{ep}/images/pull"),
        Some(body),
        |data| {
            let Ok(p) = serde_json::from_str::<PullProgress>(data) else {
                return Ok(());
            };
            if let Some(e) = p.error {
                return Err(e);
            }
            match p.layer {
                Some(l) => layers.update(|all| {
                    let row = (
                        l.clone(),
                        p.status.clone(),
                        p.current.unwrap_or(0),
                        p.total.unwrap_or(0),
                    );
                    match all.iter_mut().find(|x| x.0 == l) {
                        // "complete" events carry no byte counts: keep the bar full.
                        Some(x) if p.total.is_none() && x.3 > 0 => {
                            x.1 = row.1;
                            x.2 = x.3;
                        }
                        Some(x) => *x = row,
                        None => all.push(row),
                    }
                }),
                // The stream's last event: `completed`, or `failed` (with `error`, above).
                None if p.status == "completed" => status.set(done.into()),
                None => status.set(p.status),
            }
            Ok(())
        },
    )
    .await
}

#[component]
pub fn Images() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let id = endpoint_id();
    let list = live_list(id, "/images");
    let image = RwSignal::new(String::new());
    let tag = RwSignal::new("latest".to_owned());
    let layers = RwSignal::new(Vec::<Layer>::new());
    let status = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // By name (the tags) by default (review D27).
    let sort = sort_state("name");
    let start_pull = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(ep) = id() else { return };
        let req = PullImage {
            image: image.get_untracked(),
            tag: Some(tag.get_untracked()).filter(|t| !t.is_empty()),
            registry_id: None,
        };
        let l = i18n.get_locale_untracked();
        let (pulling, done) = (
            td_string!(l, docker.images.pulling),
            td_string!(l, docker.images.done),
        );
        layers.set(vec![]);
        status.set(pulling.into());
        busy.set(true);
        let what = format!("{}:{}", req.image, req.tag.as_deref().unwrap_or("latest"));
        leptos::task::spawn_local(async move {
            // Reported even when the user has left the page meanwhile (issue 13).
            let link = Some(format!("/endpoints/{ep}/images"));
            match pull(ep, req, layers, status, done).await {
                Ok(()) => {
                    if status.try_get_untracked().as_deref() == Some(pulling) {
                        status.set(done.into());
                    }
                    c.notify(
                        td_string!(l, docker.images.pulled, what = what.clone()).to_string(),
                        true,
                        link,
                    );
                    c.version.update(|v| *v += 1);
                }
                Err(e) => {
                    status.set(td_string!(l, docker.images.failed, error = e.clone()).to_string());
                    c.notify(
                        td_string!(l, docker.images.pull_failed, what, error = e).to_string(),
                        false,
                        link,
                    );
                }
            }
            busy.set(false);
        });
    };
    // Removes `target` (a tag, or the image id for a row with several tags) and says what the
    // engine did (review D5).
    let remove = move |target: String| {
        let Some(ep) = id() else { return };
        leptos::task::spawn_local(async move {
            let opts = ForceQuery { force: Some(true) };
            match api::client().remove_image(ep, &target, &opts).await {
                Ok(report) => {
                    c.toast(removal_summary(i18n.get_locale_untracked(), &report), false);
                    c.version.update(|v| *v += 1);
                }
                Err(e) => c.error(&e),
            }
        });
    };
    let prune = move |_| {
        let Some(ep) = id() else { return };
        mutate(async move {
            api::client()
                .post::<_, serde_json::Value>(&format!("/endpoints/{ep}/images/prune"), &())
                .await
                .map(|_| ())
        });
    };
    view! {
        {move || id().map(|id| view! { <EndpointTabs id=id /> })}
        <Show when=move || c.can("images:pull")>
            <div class="card">
                <form class="inline" on:submit=start_pull>
                    <input id="pull-image" placeholder=move || t_string!(i18n, docker.images.image) bind:value=image required size="36" />
                    <input id="pull-tag" placeholder=move || t_string!(i18n, docker.images.tag) bind:value=tag size="10" />
                    <button id="pull-start" type="submit" disabled=move || busy.get()>{t!(i18n, docker.images.pull)}</button>
                    <span id="pull-status" class="muted">{move || status.get()}</span>
                </form>
                <Show when=move || !layers.with(Vec::is_empty)>
                    <table id="pull-layers">
                        <tbody>
                            {move || layers.get().into_iter().map(|(l, s, cur, total)| {
                                let pct = if total > 0 { cur * 100 / total } else if s.contains("complete") || s.contains("exists") { 100 } else { 0 };
                                view! {
                                    <tr data-layer=l.clone()>
                                        <td><code>{l.clone()}</code></td>
                                        <td class="muted">{s}</td>
                                        <td><div class="bar" role="progressbar" aria-valuenow=pct.to_string()><div style=format!("width: {pct}%")></div></div></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </Show>
            </div>
        </Show>
        <Show when=move || c.can("images:delete")>
            <p><button class="secondary small" on:click=prune>{t!(i18n, docker.images.prune)}</button></p>
        </Show>
        {move || api::read::<Vec<ImageSummary>>(list).map(|r| match r {
            Err(e) => view! { <p class="error">{e}</p> }.into_any(),
            Ok(items) => {
                let can_delete = c.can("images:delete");
                let items = StoredValue::new(items);
                view! {
                    <table id="images-table">
                        <thead><tr>
                            <SortHeader state=sort key="name">{t!(i18n, docker.cols.tags)}</SortHeader>
                            <SortHeader state=sort key="id">{t!(i18n, docker.cols.id)}</SortHeader>
                            <SortHeader state=sort key="size">{t!(i18n, docker.cols.size)}</SortHeader>
                            <SortHeader state=sort key="containers">{t!(i18n, docker.cols.containers)}</SortHeader>
                            <SortHeader state=sort key="created">{t!(i18n, docker.cols.created)}</SortHeader>
                            <th></th>
                        </tr></thead>
                        <tbody>
                            {move || {
                            let mut rows = items.get_value();
                            sort_rows(&mut rows, sort.get(), |i: &ImageSummary, k| match k {
                                "id" => i.id.as_str().into(),
                                "size" => i.size.into(),
                                "created" => i.created.into(),
                                "containers" => i.containers.into(),
                                _ => i.repo_tags.join(", ").into(),
                            }, |i| i.id.as_str().into());
                            rows.into_iter().map(|i| {
                                let short_id: String = i.id.trim_start_matches("sha256:").chars().take(12).collect();
                                let tags = i.repo_tags.join(", ");
                                let ask = move |_| ask_removal(c, i18n.get_locale_untracked(), &i.repo_tags, &i.id, remove);
                                view! {
                                    <tr>
                                        <td>{tags}</td>
                                        <td><code>{short_id}</code></td>
                                        <td>{move || size(i.size)}</td>
                                        // -1: the engine did not count (review D6); never "0".
                                        <td>{if i.containers < 0 {
                                            view! { <span class="muted" title=move || t_string!(i18n, docker.images.not_counted)>"—"</span> }.into_any()
                                        } else {
                                            i.containers.to_string().into_any()
                                        }}</td>
                                        <td class="muted">{chrono::DateTime::from_timestamp(i.created, 0).map(|t| when(&t))}</td>
                                        <td>{can_delete.then(|| view! { <button class="danger small" on:click=ask>{t!(i18n, common.remove)}</button> })}</td>
                                    </tr>
                                }
                            }).collect_view()
                            }}
                        </tbody>
                    </table>
                }.into_any()
            }
        })}
    }
}

/// Asks before removing an image row, naming every tag that goes (review D5): a single tag is
/// removed by name (the engine deletes the image when no other tag is left); a row with several
/// tags removes the image by id, with all of them.
fn ask_removal(
    c: AppCtx,
    l: Locale,
    tags: &[String],
    id: &str,
    then: impl Fn(String) + Copy + 'static,
) {
    let (object, detail, target) = match tags {
        [] => (
            id.to_owned(),
            td_string!(l, docker.images.remove_untagged).to_owned(),
            id.to_owned(),
        ),
        [one] => (
            one.clone(),
            td_string!(l, docker.images.remove_one).to_owned(),
            one.clone(),
        ),
        many => (
            many.join(", "),
            td_string!(l, docker.images.remove_many, count = many.len()).to_string(),
            id.to_owned(),
        ),
    };
    c.confirm(
        td_string!(l, docker.images.remove_title),
        &object,
        &detail,
        td_string!(l, common.remove),
        move || then(target),
    );
}

/// What an image removal did, from the engine's report (`[{"Untagged": ref}, {"Deleted": id}]`):
/// the tags removed (digest references left out) and whether the image itself went.
fn removal_summary(l: Locale, report: &serde_json::Value) -> String {
    let items = report.as_array().map(Vec::as_slice).unwrap_or_default();
    let field = |item: &serde_json::Value, key: &str| {
        item.get(key)
            .or_else(|| item.get(key.to_lowercase()))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let untagged: Vec<String> = items
        .iter()
        .filter_map(|i| field(i, "Untagged"))
        .filter(|r| !r.contains('@'))
        .collect();
    let deleted = items
        .iter()
        .filter(|i| field(i, "Deleted").is_some())
        .count();
    match (untagged.is_empty(), deleted > 0) {
        (true, _) => td_string!(l, docker.images.removed).to_owned(),
        (false, true) => td_string!(
            l,
            docker.images.untagged_deleted,
            tags = untagged.join(", ")
        )
        .to_string(),
        (false, false) => {
            td_string!(l, docker.images.untagged_kept, tags = untagged.join(", ")).to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::removal_summary;
    use crate::i18n::Locale;

    #[test]
    fn the_toast_says_what_the_engine_did() {
        let report = serde_json::json!([
            {"Untagged": "r/app:1"},
            {"Untagged": "r/app:2"},
            {"Untagged": "r/app@sha256:abc"},
            {"Deleted": "sha256:1"},
            {"Deleted": "sha256:2"}
        ]);
        assert_eq!(
            removal_summary(Locale::en, &report),
            "Untagged r/app:1, r/app:2; image deleted"
        );
        let kept = serde_json::json!([{"Untagged": "r/app:1"}]);
        assert_eq!(
            removal_summary(Locale::en, &kept),
            "Untagged r/app:1; the image stays (another reference keeps it)"
        );
        assert_eq!(
            removal_summary(Locale::en, &serde_json::json!([])),
            "Image removed"
        );
    }
}
