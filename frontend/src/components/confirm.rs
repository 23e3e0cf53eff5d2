//! The confirmation dialog of destructive actions (issue 13, review D4): a modal `<dialog>`
//! opened with `showModal()`, so focus moves into it and cannot leave it, the page behind is
//! inert and Escape cancels. It names the object and says what goes with it; Cancel has the
//! focus first, so Enter alone never deletes. Pages ask through `AppCtx::confirm`.
use leptos::html::Dialog;
use leptos::prelude::*;

use crate::i18n::*;
use crate::state::ctx;

/// Mounted once, beside the toasts.
#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let dialog = NodeRef::<Dialog>::new();
    Effect::new(move |_| {
        let open = c.asking.with(Option::is_some);
        if let Some(d) = dialog.get() {
            if open && !d.open() {
                let _ = d.show_modal();
            } else if !open && d.open() {
                d.close();
            }
        }
    });
    let answer = move |ok: bool| {
        let then = c.on_confirm.try_update_value(Option::take).flatten();
        c.asking.set(None);
        if ok && let Some(then) = then {
            then();
        }
    };
    let field = move |f: fn(&crate::state::Confirm) -> String| {
        move || c.asking.with(|a| a.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <dialog
            node_ref=dialog
            id="confirm-dialog"
            class="confirm"
            aria-labelledby="confirm-title"
            aria-describedby="confirm-detail"
            on:cancel=move |_: web_sys::Event| answer(false)
        >
            <h2 id="confirm-title">{field(|a| a.title.clone())}</h2>
            <p id="confirm-detail">
                <strong id="confirm-object">{field(|a| a.object.clone())}</strong>
                " — "
                {field(|a| a.detail.clone())}
            </p>
            <div class="confirm-actions">
                <button id="confirm-cancel" class="secondary" autofocus on:click=move |_| answer(false)>{t!(i18n, common.cancel)}</button>
                <button id="confirm-ok" class="danger" on:click=move |_| answer(true)>{field(|a| a.action.to_owned())}</button>
            </div>
        </dialog>
    }
}
