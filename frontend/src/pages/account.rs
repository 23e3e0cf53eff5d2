//! My account: change my password (`POST /users/me/password`; my other sessions are signed
//! out). Issue 13, "pages that are missing for APIs that exist".
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use windflow_api::auth::ChangePasswordRequest;

use crate::api;
use crate::components::{FieldError, FormError, Refusal};
use crate::i18n::*;
use crate::state::ctx;

#[component]
pub fn Account() -> impl IntoView {
    let c = ctx();
    let i18n = use_i18n();
    let (current, new, again) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let refusal: Refusal = RwSignal::new(None);
    let mismatch = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        refusal.set(None);
        // Checked here only to spare a round trip; the server applies its own policy.
        if new.get_untracked() != again.get_untracked() {
            mismatch.set(true);
            return;
        }
        mismatch.set(false);
        leptos::task::spawn_local(async move {
            let req = ChangePasswordRequest {
                current_password: current.get_untracked(),
                new_password: new.get_untracked(),
            };
            match api::client().change_password(&req).await {
                Ok(()) => {
                    for s in [current, new, again] {
                        s.set(String::new());
                    }
                    c.toast(
                        td_string!(i18n.get_locale_untracked(), access.account.changed),
                        false,
                    );
                }
                Err(e) => refusal.set(Some(e)),
            }
        });
    };
    let user = move || {
        c.session
            .with(|s| s.as_ref().map(|s| s.user.username.clone()))
            .unwrap_or_default()
    };
    view! {
        <h1>{t!(i18n, common.titles.account)}</h1>
        <p class="muted">{t!(i18n, access.account.signed_in_as, name = user, <strong> = |children: ChildrenFn| view! { <strong id="account-username">{children()}</strong> })}</p>
        <div class="card">
            <h2>{t!(i18n, access.account.change)}</h2>
            <form class="stack-form" on:submit=submit>
                <label>{t!(i18n, access.account.current)}<br />
                    <input id="account-current" type="password" autocomplete="current-password" bind:value=current required aria-describedby="current_password-error" />
                    <FieldError refusal field="current_password" />
                </label>
                <label>{t!(i18n, access.account.new_password)}<br />
                    <input id="account-new" type="password" autocomplete="new-password" bind:value=new required aria-describedby="new_password-error" />
                    <FieldError refusal field="new_password" />
                </label>
                <label>{t!(i18n, access.account.again)}<br />
                    <input id="account-again" type="password" autocomplete="new-password" bind:value=again required aria-describedby="account-again-error" />
                    <span class="field-error" id="account-again-error" role="alert" hidden=move || !mismatch.get()>{t!(i18n, access.account.differ)}</span>
                </label>
                <FormError refusal fields=&["current_password", "new_password"] />
                <button id="account-submit" type="submit">{t!(i18n, access.account.change)}</button>
            </form>
        </div>
    }
}
