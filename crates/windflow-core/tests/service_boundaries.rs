//! The service boundary rule of ARCHITECTURE.md ("Service boundaries"): a service uses another
//! service only through the functions that service exports at its root and that are listed in
//! [`ALLOWED`] with the reason; shared plumbing lives in core modules (`runtime`, `net`,
//! `masking`, `docker_guard`, `lease`, `rbac`, …), not in a service.
//!
//! The check reads the source files under `src/services/`: every path that names another
//! service (`crate::services::<other>::…`, `super::<other>::…` from the right depth, grouped
//! `use` trees, and `<other>::item` after `use …::<other>;` or `{self}`) must be an allowed
//! `(from, to, item)`. An item through a submodule (`auth::sessions::…`) counts as that
//! submodule's name, so reaching into another service's files fails unless listed.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `(from, to, item, why)`: the calls from one service into another. `*` allows every item (a
/// module that sits above the other by design).
const ALLOWED: &[(&str, &str, &str, &str)] = &[
    (
        "gitops",
        "git",
        "*",
        "gitops is the layer above git and stacks",
    ),
    (
        "gitops",
        "stacks",
        "*",
        "gitops is the layer above git and stacks",
    ),
    (
        "auth",
        "users",
        "to_api",
        "auth is the layer above users: a login answers the user",
    ),
    (
        "auth",
        "users",
        "NewUser",
        "auth is the layer above users: setup creates the first one",
    ),
    (
        "auth",
        "users",
        "insert_user",
        "auth is the layer above users: setup creates the first one",
    ),
    (
        "auth",
        "settings",
        "load",
        "the public read of the auth settings (password policy)",
    ),
    (
        "users",
        "settings",
        "load",
        "the public read of the auth settings (password policy)",
    ),
    (
        "users",
        "auth",
        "revoke_user_sessions",
        "deactivating a user revokes its sessions, in the same transaction",
    ),
    (
        "docker",
        "registries",
        "for_pull",
        "registries' API for image pulls",
    ),
    (
        "docker",
        "stacks",
        "secrets_hidden_from",
        "which secrets of a stack a caller may not see",
    ),
    (
        "stacks",
        "git",
        "sync_repository",
        "a new Git stack syncs a never-synced repository",
    ),
];

fn services_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/services")
}

/// The services: the files and folders directly under `src/services` but `mod.rs`.
fn services() -> BTreeSet<String> {
    std::fs::read_dir(services_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_owned();
            (p.is_dir() || p.extension().is_some_and(|x| x == "rs")).then_some(name)
        })
        .filter(|n| n != "mod")
        .collect()
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The source without comments (line comments and doc comments; string contents are kept, but
/// a `//` inside a string literal is not expected in a path position).
fn code_of(src: &str) -> String {
    src.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `use` tree or path that starts at `s`: `name`, `name::…`, or a `{…}` group.
fn tree_at(s: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 1 => return &s[..=i],
            '}' if depth > 1 => depth -= 1,
            _ if depth > 0 || ident_char(c) || c == ':' => {}
            _ => return s[..i].trim_end_matches(':'),
        }
    }
    s
}

/// The paths of a tree: `a::{b, c::d}` is `[a, b]`, `[a, c, d]`; `x as y` is `x`.
fn expand(tree: &str) -> Vec<Vec<String>> {
    let t: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = t.trim();
    if let Some(inner) = t.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
        let (mut parts, mut depth, mut cur) = (vec![], 0, String::new());
        for c in inner.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(std::mem::take(&mut cur));
                    continue;
                }
                _ => {}
            }
            cur.push(c);
        }
        parts.push(cur);
        return parts
            .iter()
            .filter(|p| !p.trim().is_empty())
            .flat_map(|p| expand(p))
            .collect();
    }
    match t.split_once("::") {
        Some((head, rest)) => expand(rest)
            .into_iter()
            .map(|mut p| {
                p.insert(0, head.trim().to_owned());
                p
            })
            .collect(),
        None => vec![vec![t.split(" as ").next().unwrap_or(t).trim().to_owned()]],
    }
}

/// `(to, item)` of every reference of `code` to a service other than `own`, where `prefixes`
/// are the spellings of `crate::services::` from this file.
fn references(
    code: &str,
    own: &str,
    prefixes: &[&str],
    all: &BTreeSet<String>,
) -> Vec<(String, String)> {
    let mut found = vec![];
    let mut imported = BTreeSet::new();
    for prefix in prefixes {
        for (at, _) in code.match_indices(prefix) {
            if code[..at].chars().next_back().is_some_and(ident_char) {
                continue;
            }
            for path in expand(tree_at(&code[at + prefix.len()..])) {
                let Some(to) = path.first().filter(|n| all.contains(*n) && *n != own) else {
                    continue;
                };
                match path.get(1).map(String::as_str) {
                    None | Some("self") => {
                        imported.insert(to.clone());
                    }
                    Some(item) => found.push((to.clone(), item.to_owned())),
                }
            }
        }
    }
    // `to::item` after the module itself was imported (not preceded by `::` or a name).
    for to in imported {
        let pat = format!("{to}::");
        for (at, _) in code.match_indices(&pat) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| ident_char(c) || c == ':') {
                continue;
            }
            let item: String = code[at + pat.len()..]
                .chars()
                .take_while(|c| ident_char(*c))
                .collect();
            if !item.is_empty() {
                found.push((to.clone(), item));
            }
        }
    }
    found
}

fn allowed(from: &str, to: &str, item: &str) -> bool {
    ALLOWED
        .iter()
        .any(|(f, t, i, _)| *f == from && *t == to && (*i == "*" || *i == item))
}

#[test]
fn services_use_each_other_only_through_their_listed_functions() {
    let dir = services_dir();
    let all = services();
    let mut files = vec![];
    rust_files(&dir, &mut files);
    let mut bad = vec![];
    for f in &files {
        let rel = f.strip_prefix(&dir).unwrap();
        let parts: Vec<&str> = rel.iter().map(|c| c.to_str().unwrap()).collect();
        if parts == ["mod.rs"] {
            continue;
        }
        let own = parts[0].trim_end_matches(".rs");
        // `super::` from services/<x>.rs and services/<x>/mod.rs, `super::super::` deeper.
        let up = parts.len() - usize::from(parts.last() == Some(&"mod.rs"));
        let via_super = format!("{}::", vec!["super"; up].join("::"));
        let code = code_of(&std::fs::read_to_string(f).unwrap());
        for (to, item) in references(&code, own, &["crate::services::", &via_super], &all) {
            if !allowed(own, &to, &item) {
                bad.push(format!("{}: {own} uses {to}::{item}", rel.display()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "a service uses another service's internals (move shared helpers to a core module, or \
         list a public function in ALLOWED with the reason):\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_scanner_sees_every_spelling() {
    let all: BTreeSet<String> = ["docker", "stacks", "git", "gitops"]
        .map(String::from)
        .into();
    let code = "use crate::services::docker::{engine, path_of as p};\n\
                use crate::services::{git::{self, Delivery}, stacks};\n\
                fn f() { crate::services::docker::load(); git::due(); stacks::mask(); \
                windflow_api::git::X; super::docker::target(); }";
    let mut r = references(code, "gitops", &["crate::services::", "super::"], &all);
    r.sort();
    let want: Vec<(String, String)> = [
        ("docker", "engine"),
        ("docker", "load"),
        ("docker", "path_of"),
        ("docker", "target"),
        ("git", "Delivery"),
        ("git", "due"),
        ("stacks", "mask"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(r, want);
}
