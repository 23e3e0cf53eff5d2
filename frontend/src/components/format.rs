//! Locale-aware display of dates and numbers (issue 13): the browser's own ECMA-402 `Intl`
//! formatters, through js-sys, so no formatting data ships in the wasm. The locale is the one
//! the user chose ([`crate::i18n::Locale`]); reading it inside a reactive closure re-renders the
//! value when the user switches language.
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use leptos_i18n::Locale as _;

use crate::i18n::{Locale, td_string};

/// The chosen locale (tracked when called in a reactive closure); English outside the app's
/// context (e.g. in a detached task).
pub fn locale() -> Locale {
    use_context::<I18nContext<Locale>>()
        .map(|i| i.get_locale())
        .unwrap_or_default()
}

/// BCP 47 tag of the chosen locale, for `Intl` and the `lang` attribute.
pub fn tag() -> &'static str {
    locale().as_str()
}

fn options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    o
}

fn locales() -> js_sys::Array {
    js_sys::Array::of1(&tag().into())
}

/// A timestamp with date and time to the second, in the browser's time zone and the chosen
/// locale's order (en: `12/03/2026, 18:40:05`; fr: `03/12/2026 18:40:05`).
pub fn datetime(t: &chrono::DateTime<chrono::Utc>) -> String {
    let date = js_sys::Date::new(&(t.timestamp_millis() as f64).into());
    let f = js_sys::Intl::DateTimeFormat::new(
        &locales(),
        &options(&[
            ("year", "numeric"),
            ("month", "2-digit"),
            ("day", "2-digit"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
            ("second", "2-digit"),
            ("hourCycle", "h23"),
        ]),
    );
    f.format()
        .call1(&f, &date)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// A number with at most `max_fraction` decimals, grouped the locale's way (en: `1,234.5`;
/// fr: `1 234,5`).
pub fn number(n: f64, max_fraction: u8) -> String {
    let o = options(&[]);
    let _ = js_sys::Reflect::set(
        &o,
        &"maximumFractionDigits".into(),
        &f64::from(max_fraction).into(),
    );
    let _ = js_sys::Reflect::set(
        &o,
        &"minimumFractionDigits".into(),
        &f64::from(max_fraction).into(),
    );
    let f = js_sys::Intl::NumberFormat::new(&locales(), &o);
    f.format()
        .call1(&f, &n.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| n.to_string())
}

/// An API error in the chosen language. The API's own words (its `detail` and field messages)
/// are English, the same a `curl` user reads; in English they are shown as they are, in other
/// languages the problem's stable `code` (and each field error's `code`) is said in that
/// language and the API's detail follows it for the specifics (a name, a wait).
pub fn problem(e: &windflow_client::ClientError) -> String {
    use windflow_client::ClientError;
    let l = locale();
    if l == Locale::en {
        return e.to_string();
    }
    match e {
        ClientError::Problem(p) => {
            let mut out = code_text(l, p.code).to_owned();
            if let Some(d) = p.detail.as_deref().filter(|d| !d.is_empty()) {
                out.push_str(" — ");
                out.push_str(d);
            }
            for f in p.errors.iter().flatten() {
                out.push_str(&format!("; {}: {}", f.field, field_message(f)));
            }
            out
        }
        other => format!("{} ({other})", td_string!(l, common.errors.network)),
    }
}

/// One field error's message in the chosen language: its rule `code` said in that language
/// where the catalogue knows it, else the API's English message.
pub fn field_message(f: &windflow_api::FieldError) -> String {
    let l = locale();
    if l == Locale::en {
        return f.message.clone();
    }
    let said = match f.code.as_str() {
        "too_short" => td_string!(l, common.fields.too_short),
        "too_long" => td_string!(l, common.fields.too_long),
        "invalid_format" => td_string!(l, common.fields.invalid_format),
        "out_of_range" => td_string!(l, common.fields.out_of_range),
        "pattern" => td_string!(l, common.fields.pattern),
        "required" => td_string!(l, common.fields.required),
        _ => return f.message.clone(),
    };
    format!("{said} ({})", f.message)
}

fn code_text(l: Locale, code: windflow_api::ErrorCode) -> &'static str {
    use windflow_api::ErrorCode as C;
    match code {
        C::BadRequest => td_string!(l, common.errors.bad_request),
        C::MalformedJson => td_string!(l, common.errors.malformed_json),
        C::ValidationFailed => td_string!(l, common.errors.validation_failed),
        C::UnsupportedMediaType => td_string!(l, common.errors.unsupported_media_type),
        C::PayloadTooLarge => td_string!(l, common.errors.payload_too_large),
        C::Unauthenticated => td_string!(l, common.errors.unauthenticated),
        C::InvalidCredentials => td_string!(l, common.errors.invalid_credentials),
        C::InvalidRefreshToken => td_string!(l, common.errors.invalid_refresh_token),
        C::RefreshTokenReused => td_string!(l, common.errors.refresh_token_reused),
        C::CsrfFailed => td_string!(l, common.errors.csrf_failed),
        C::Forbidden => td_string!(l, common.errors.forbidden),
        C::NotFound => td_string!(l, common.errors.not_found),
        C::MethodNotAllowed => td_string!(l, common.errors.method_not_allowed),
        C::Conflict => td_string!(l, common.errors.conflict),
        C::SetupAlreadyDone => td_string!(l, common.errors.setup_already_done),
        C::TooManyAttempts => td_string!(l, common.errors.too_many_attempts),
        C::Busy => td_string!(l, common.errors.busy),
        C::Internal => td_string!(l, common.errors.internal),
        C::ServiceUnavailable => td_string!(l, common.errors.service_unavailable),
        C::EngineUnavailable => td_string!(l, common.errors.engine_unavailable),
        C::WebhookSignatureInvalid => td_string!(l, common.errors.webhook_signature_invalid),
    }
}

#[cfg(test)]
mod catalogue_tests {
    //! The catalogue's languages agree: same keys, same placeholders, no empty text.
    use std::collections::{BTreeMap, BTreeSet};

    fn flatten(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    flatten(&format!("{prefix}.{k}"), v, out);
                }
            }
            serde_json::Value::String(s) => {
                out.insert(prefix.to_owned(), s.clone());
            }
            other => panic!("{prefix}: not a string or object: {other}"),
        }
    }

    fn catalogue(lang: &str) -> BTreeMap<String, String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut out = BTreeMap::new();
        for f in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
            let path = f.map(|f| f.path()).unwrap_or_default();
            let ns = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let v: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            flatten(ns, &v, &mut out);
        }
        out
    }

    fn placeholders(s: &str) -> BTreeSet<String> {
        s.split("{{")
            .skip(1)
            .filter_map(|p| p.split_once("}}"))
            .map(|(name, _)| name.trim().to_owned())
            .collect()
    }

    #[test]
    fn french_has_every_english_key_with_the_same_placeholders() {
        let en = catalogue("en");
        let fr = catalogue("fr");
        assert!(
            en.len() > 100,
            "the English catalogue is loaded ({})",
            en.len()
        );
        let en_keys: BTreeSet<_> = en.keys().collect();
        let fr_keys: BTreeSet<_> = fr.keys().collect();
        assert_eq!(
            en_keys.difference(&fr_keys).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "keys missing in French"
        );
        assert_eq!(
            fr_keys.difference(&en_keys).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "French keys English lacks"
        );
        for (k, v) in &en {
            let f = &fr[k];
            assert!(!f.trim().is_empty(), "{k}: empty in French");
            assert_eq!(placeholders(v), placeholders(f), "{k}: placeholders differ");
        }
    }
}
