//! A stack's variables as edited in the browser: the rows, their table, and the inputs sent to
//! the API (secrets write-only).
use leptos::prelude::*;
use windflow_api::stacks::{StackVariable, StackVariableInput};

use crate::i18n::*;

/// One row of the variables table. A stored secret's value is never loaded: an empty input
/// keeps it.
#[derive(Clone, Copy)]
pub(crate) struct Var {
    id: usize,
    key: RwSignal<String>,
    value: RwSignal<String>,
    secret: RwSignal<bool>,
    stored_secret: bool,
}

/// A new row (each row gets a fresh id, so reloaded rows are rendered anew).
pub(crate) fn var(v: StackVariable) -> Var {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    Var {
        id: NEXT.fetch_add(1, Ordering::Relaxed),
        key: RwSignal::new(v.key),
        value: RwSignal::new(v.value.unwrap_or_default()),
        secret: RwSignal::new(v.is_secret),
        stored_secret: v.is_secret,
    }
}

pub(crate) fn inputs(rows: &[Var]) -> Vec<StackVariableInput> {
    rows.iter()
        .filter(|v| !v.key.get_untracked().trim().is_empty())
        .map(|v| {
            let value = v.value.get_untracked();
            let secret = v.secret.get_untracked();
            StackVariableInput {
                key: v.key.get_untracked().trim().to_owned(),
                // An untouched stored secret: `null` keeps its value.
                value: (!(secret && v.stored_secret && value.is_empty())).then_some(value),
                is_secret: secret,
            }
        })
        .collect()
}

/// The variables table (key, value, secret). Stored secrets show `••••` and are write-only.
#[component]
pub(crate) fn Variables(vars: RwSignal<Vec<Var>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table id="vars-table">
            <thead><tr><th>{t!(i18n, stacks.variables.key)}</th><th>{t!(i18n, stacks.variables.value)}</th><th>{t!(i18n, stacks.variables.secret)}</th><th></th></tr></thead>
            <tbody>
                <For each=move || vars.get() key=|v| v.id let:v>
                    <tr>
                        <td><input class="var-key" bind:value=v.key placeholder=move || t_string!(i18n, stacks.variables.key_placeholder) /></td>
                        <td><input class="var-value" size="40" bind:value=v.value
                            type=move || if v.secret.get() { "password" } else { "text" }
                            autocomplete="off"
                            placeholder=move || if v.stored_secret { t_string!(i18n, stacks.variables.stored) } else { "" } /></td>
                        <td><input type="checkbox" class="var-secret" bind:checked=v.secret /></td>
                        <td><button class="danger small" on:click=move |_| vars.update(|all| all.retain(|x| x.id != v.id))>{t!(i18n, common.remove)}</button></td>
                    </tr>
                </For>
            </tbody>
        </table>
    }
}
