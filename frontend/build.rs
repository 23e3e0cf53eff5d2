//! Compiles the string catalogue (`locales/<lang>/<namespace>.json`, English the source) into
//! the `i18n` module that `main.rs` includes (leptos_i18n's build-time code generation). Every
//! language must have the same keys: `tests` in `src/components/format.rs` checks it, and the
//! generated code refuses a key used in the app that English lacks.
use leptos_i18n_build::{Config, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

/// The namespaces, one file per page group (plus `common`, the shell and shared words).
const NAMESPACES: [&str; 8] = [
    "common", "home", "access", "audit", "settings", "docker", "stacks", "git",
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    let options = leptos_i18n_build::ParseOptions::default().interpolate_display(true);
    let cfg = Config::new("en")?
        .add_locale("fr")?
        .add_namespaces(NAMESPACES)?
        .parse_options(options);
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
