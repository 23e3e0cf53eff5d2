//! The compose YAML editor (with server-side validation) and the labels of a stack's state and
//! source.
use leptos::prelude::*;
use uuid::Uuid;
use windflow_api::stacks::{ComposeCheck, StackSource, StackState, ValidateCompose};

use super::problem_lines;
use super::variables::{Var, inputs};
use crate::api;
use crate::i18n::*;

pub(crate) fn state_label(s: StackState) -> String {
    match s {
        StackState::Running => "running",
        StackState::PartiallyRunning => "partially running",
        StackState::Stopped => "stopped",
        StackState::NotDeployed => "not deployed",
        StackState::Unknown => "unknown",
    }
    .into()
}

/// A stack's source in the chosen language (`internal` is shown as the editor it comes from).
pub(crate) fn source_label(l: Locale, s: StackSource) -> &'static str {
    match s {
        StackSource::Internal => td_string!(l, stacks.source.editor),
        StackSource::Git => td_string!(l, stacks.source.git),
    }
}

/// The compose YAML editor with its "Validate" button and the validation messages.
#[component]
pub(crate) fn ComposeEditor(
    endpoint: Uuid,
    content: RwSignal<String>,
    #[prop(optional)] vars: Option<RwSignal<Vec<Var>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Ok(summary) or the field errors of the last check.
    let check = RwSignal::new(None::<Result<String, Vec<String>>>);
    let validate = move || {
        let variables = vars
            .map(|v| inputs(&v.get_untracked()))
            .unwrap_or_default()
            .into_iter()
            .filter(|v| v.value.is_some())
            .collect();
        let req = ValidateCompose {
            endpoint_id: endpoint,
            stack_id: None,
            compose_content: content.get_untracked(),
            variables,
        };
        leptos::task::spawn_local(async move {
            let r = api::client()
                .post::<_, ComposeCheck>("/stacks/validate", &req)
                .await;
            let l = i18n.get_locale_untracked();
            check.set(Some(match r {
                Ok(k) => Ok(format!(
                    "{}{}",
                    td_string!(l, stacks.editor.valid, services = k.services.join(", ")),
                    if k.privileged_options.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " {}",
                            td_string!(
                                l,
                                stacks.editor.privileged,
                                options = k.privileged_options.join(", ")
                            )
                        )
                    }
                )),
                Err(e) => Err(problem_lines(&e)),
            }));
        });
    };
    view! {
        <textarea id="compose-editor" class="code" rows="16" spellcheck="false" bind:value=content on:change=move |_| validate()></textarea>
        <div class="inline">
            <button type="button" class="secondary" id="compose-validate" on:click=move |_| validate()>{t!(i18n, stacks.editor.validate)}</button>
            <span id="compose-check">
                {move || check.get().map(|r| match r {
                    Ok(m) => view! { <span class="ok">{m}</span> }.into_any(),
                    Err(lines) => lines.into_iter().map(|l| view! { <div class="error">{l}</div> }).collect_view().into_any(),
                })}
            </span>
        </div>
    }
}
