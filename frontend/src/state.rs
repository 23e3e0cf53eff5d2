//! App-wide reactive state: the session, the organization → project → environment selection,
//! toasts and the theme.
use leptos::prelude::*;
use uuid::Uuid;
use windflow_api::access::grant_matches;
use windflow_api::auth::CurrentSession;
use windflow_client::ClientError;

use crate::api;
use crate::i18n::*;

/// A toast message.
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub text: String,
    pub error: bool,
}

/// The outcome of a long action (deploy, pull, sync), kept in the topbar's list of recent
/// notifications after its toast has gone; raised even when the user has navigated away from
/// the page that started it.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// Unique within the tab.
    pub id: u64,
    /// What finished and how, e.g. "Stack web: deploy succeeded".
    pub text: String,
    /// It ended well.
    pub ok: bool,
    /// Where to look at it (an app path), if anywhere.
    pub link: Option<String>,
    /// When it finished (`YYYY-MM-DD HH:MM:SS`, UTC).
    pub at: String,
    /// Not yet seen in the list.
    pub unread: bool,
}

/// Notices kept in the list (newest first).
const NOTICES_KEPT: usize = 20;

/// Shared signals (all `Copy`).
#[derive(Clone, Copy)]
pub struct AppCtx {
    pub session: RwSignal<Option<CurrentSession>>,
    pub org: RwSignal<Option<Uuid>>,
    pub project: RwSignal<Option<Uuid>>,
    pub env: RwSignal<Option<Uuid>>,
    pub toasts: RwSignal<Vec<Toast>>,
    pub theme: RwSignal<String>,
    /// Bumped after mutations that change what the switcher lists.
    pub version: RwSignal<u64>,
    /// The question the confirmation dialog shows (`None`: closed).
    pub asking: RwSignal<Option<Confirm>>,
    /// What runs when the user confirms (`components::ConfirmDialog` takes it).
    pub on_confirm: StoredValue<Option<Box<dyn FnOnce()>>, LocalStorage>,
    /// Outcomes of long actions, newest first (at most 20).
    pub notices: RwSignal<Vec<Notice>>,
    /// The current page's own trail after the scope in the breadcrumbs (label, link), e.g.
    /// `[("Endpoints", Some("/endpoints")), ("local", None)]`; pages without one leave it empty
    /// and the page title is shown.
    pub trail: RwSignal<Vec<(String, Option<String>)>>,
    /// The current page's title in a given language (set by the router; `None` before the
    /// first page). `document.title` follows it and the chosen language.
    pub page_title: RwSignal<Option<TitleFn>>,
}

/// A page's title in a given language (from the catalogue's `common.titles`).
pub type TitleFn = fn(Locale) -> &'static str;

/// A destructive action to confirm: the dialog names the object and says what goes with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirm {
    /// The question's title, e.g. "Delete organization".
    pub title: String,
    /// The object's name, shown in bold.
    pub object: String,
    /// What happens, e.g. "Its projects, environments and endpoints are deleted with it."
    pub detail: String,
    /// The label of the confirming button, e.g. "Delete".
    pub action: &'static str,
}

fn parse(key: &str) -> Option<Uuid> {
    api::stored(key).and_then(|s| s.parse().ok())
}

/// Creates the context and applies the stored theme.
pub fn provide() {
    let ctx = AppCtx {
        session: RwSignal::new(None),
        org: RwSignal::new(parse("wf.org")),
        project: RwSignal::new(parse("wf.project")),
        env: RwSignal::new(parse("wf.env")),
        toasts: RwSignal::new(vec![]),
        theme: RwSignal::new(api::stored("wf.theme").unwrap_or_else(|| "light".into())),
        version: RwSignal::new(0),
        asking: RwSignal::new(None),
        on_confirm: StoredValue::new_local(None),
        notices: RwSignal::new(vec![]),
        trail: RwSignal::new(vec![]),
        page_title: RwSignal::new(None),
    };
    let i18n = use_i18n();
    Effect::new(move |_| {
        if let Some(title) = ctx.page_title.get() {
            document().set_title(&format!("{} · WindFlow", title(i18n.get_locale())));
        }
    });
    Effect::new(move |_| {
        let t = ctx.theme.get();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", &t);
        }
    });
    for (sig, key) in [
        (ctx.org, "wf.org"),
        (ctx.project, "wf.project"),
        (ctx.env, "wf.env"),
    ] {
        Effect::new(move |_| api::store(key, sig.get().map(|u| u.to_string()).as_deref()));
    }
    provide_context(ctx);
}

/// The context.
pub fn ctx() -> AppCtx {
    expect_context::<AppCtx>()
}

impl AppCtx {
    /// True when the session holds `perm` at the selected organization (superadmins: always).
    /// The API enforces every permission; this only hides what would be refused.
    pub fn can(&self, perm: &str) -> bool {
        self.session.with(|s| {
            let Some(s) = s else { return false };
            if s.user.is_superadmin {
                return true;
            }
            let org = self.org.get();
            s.memberships
                .iter()
                .filter(|m| Some(m.organization_id) == org)
                .any(|m| m.permissions.iter().any(|g| grant_matches(g, perm)))
        })
    }

    /// Asks, in the modal confirmation dialog, before a destructive action: `then` runs only if
    /// the user presses the dialog's action button (Cancel and Escape do nothing).
    pub fn confirm(
        &self,
        title: &str,
        object: &str,
        detail: &str,
        action: &'static str,
        then: impl FnOnce() + 'static,
    ) {
        self.on_confirm.set_value(Some(Box::new(then)));
        self.asking.set(Some(Confirm {
            title: title.into(),
            object: object.into(),
            detail: detail.into(),
            action,
        }));
    }

    /// True for superadmins.
    pub fn is_superadmin(&self) -> bool {
        self.session
            .with(|s| s.as_ref().is_some_and(|s| s.user.is_superadmin))
    }

    /// Shows a toast for a few seconds.
    pub fn toast(&self, text: impl Into<String>, error: bool) {
        // Unique even for toasts raised in the same instant (the browser coarsens its clock):
        // the toast list is keyed by id, and a repeated key stops it rendering.
        let id = self
            .toasts
            .with_untracked(|t| t.iter().map(|x| x.id + 1).max())
            .unwrap_or_default()
            .max(js_sys_now());
        self.toasts.update(|t| {
            t.push(Toast {
                id,
                text: text.into(),
                error,
            });
            // Keep the stack short: the newest three.
            let extra = t.len().saturating_sub(3);
            t.drain(..extra);
        });
        let toasts = self.toasts;
        set_timeout(
            move || toasts.update(|t| t.retain(|x| x.id != id)),
            std::time::Duration::from_secs(5),
        );
    }

    /// Reports the end of a long action: a toast now, and an entry in the notification list.
    pub fn notify(&self, text: impl Into<String>, ok: bool, link: Option<String>) {
        let text = text.into();
        self.toast(text.clone(), !ok);
        let iso = String::from(js_sys::Date::new_0().to_iso_string());
        let at = iso.get(..19).unwrap_or_default().replace('T', " ");
        self.notices.update(|n| {
            n.insert(
                0,
                Notice {
                    id: js_sys_now(),
                    text,
                    ok,
                    link,
                    at,
                    unread: true,
                },
            );
            n.truncate(NOTICES_KEPT);
        });
    }

    /// Shows an API error.
    pub fn error(&self, e: &ClientError) {
        self.toast(crate::components::format::problem(e), true);
    }

    /// Reloads the session (after login or membership changes).
    pub async fn reload_session(&self) -> Result<(), ClientError> {
        let s = api::client().session().await?;
        let orgs: Vec<Uuid> = s.memberships.iter().map(|m| m.organization_id).collect();
        if self
            .org
            .get_untracked()
            .is_none_or(|o| !orgs.contains(&o) && !s.user.is_superadmin)
        {
            self.org.set(orgs.first().copied());
        }
        self.theme.set(match s.user.theme {
            windflow_api::users::Theme::Dark => "dark".into(),
            windflow_api::users::Theme::Light => "light".into(),
            windflow_api::users::Theme::System => self.theme.get_untracked(),
        });
        self.session.set(Some(s));
        Ok(())
    }
}

fn js_sys_now() -> u64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| (p.now() * 1000.0) as u64)
        .unwrap_or_default()
}
