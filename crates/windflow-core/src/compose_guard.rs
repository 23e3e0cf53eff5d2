//! The compose guard (issue 11, section 2; security review C2, C3, C5, M6).
//!
//! Over 600 lines on purpose: the allow-lists are read together with the checks that use
//! them, and the second half is the property test with its independent oracle.
//!
//! Three checks, all fail closed:
//! 1. [`check_expansion`]: the YAML's size with every alias expanded is bounded before anything
//!    builds a value from it (a 256 KiB file of aliases could otherwise expand to gigabytes).
//! 2. [`check_server_files`], on the file **as written**, before compose runs: every path that
//!    compose reads on the WindFlow server (`env_file`, `extends.file`, `label_file`, `include`,
//!    `build` contexts and Dockerfiles) must lie inside the stack's project directory, with no
//!    symlink on the way. Nobody may read server files this way, whatever their permissions
//!    (422 `outside_project`).
//! 3. [`privileged_findings`], on the **resolved** model (`compose config` output): an
//!    allow-list of service keys, top-level keys and value forms. Anything not on it, or in a
//!    form the guard does not recognise as safe, is a finding; findings need
//!    `containers:create_privileged`. A bind source is safe when it lies inside the project
//!    directory (resolved component by component, no symlink) or on the endpoint's allow-list.
use std::cell::Cell;
use std::path::{Component, Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use serde_yaml_ng::Value as Yaml;

use crate::docker_guard::{
    Namespace, capability_privileged, docker_name, namespace_safe, normalize_path, path_allowed,
};

/// Largest size of a compose document with every alias expanded: bytes of scalars plus one per
/// node. A document without aliases weighs at most about twice its length.
pub const MAX_EXPANDED: usize = 1 << 20;

/// Service keys whose every value form compose accepts is safe (compose's own schema checks
/// the form). Keys handled with a value check are matched separately ([`CHECKED_SERVICE_KEYS`]).
pub const SAFE_SERVICE_KEYS: &[&str] = &[
    "annotations",
    "attach",
    "cap_drop",
    "command",
    "container_name",
    "cpu_count",
    "cpu_percent",
    "cpu_period",
    "cpu_quota",
    "cpu_shares",
    "cpus",
    "cpuset",
    "depends_on",
    "dns",
    "dns_opt",
    "dns_search",
    "domainname",
    "entrypoint",
    "environment",
    "expose",
    "extra_hosts",
    "group_add",
    "healthcheck",
    "hostname",
    "image",
    "init",
    "labels",
    "links",
    "logging",
    "mac_address",
    "mem_limit",
    "mem_reservation",
    "mem_swappiness",
    "memswap_limit",
    "pids_limit",
    "platform",
    "ports",
    "profiles",
    "pull_policy",
    "read_only",
    "restart",
    "scale",
    "shm_size",
    "stdin_open",
    "stop_grace_period",
    "stop_signal",
    "tmpfs",
    "tty",
    "ulimits",
    "user",
    "working_dir",
];

/// Service keys checked by value: namespaces, capabilities, volumes, networks, references to
/// top-level secrets and configs, `deploy` and `privileged`.
pub const CHECKED_SERVICE_KEYS: &[&str] = &[
    "cap_add",
    "configs",
    "deploy",
    "ipc",
    "network_mode",
    "networks",
    "pid",
    "privileged",
    "secrets",
    "userns_mode",
    "uts",
    "volumes",
];

/// Counts nodes and scalar bytes of a document as serde replays it, aliases included, and stops
/// at [`MAX_EXPANDED`] without building anything.
struct Weigh<'a>(&'a Cell<usize>);

impl Weigh<'_> {
    fn add<E: serde::de::Error>(&self, n: usize) -> Result<(), E> {
        let v = self.0.get().saturating_add(n);
        self.0.set(v);
        if v > MAX_EXPANDED {
            return Err(E::custom(
                "the document is too large once its aliases are expanded",
            ));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Weigh<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Weigh<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.add(1)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.add(1)
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.add(1)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.add(1)
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.add(1 + v.len())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.add(1)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.add(1)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.add::<D::Error>(1)?;
        Weigh(self.0).deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.add::<A::Error>(1)?;
        while seq.next_element_seed(Weigh(self.0))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.add::<A::Error>(1)?;
        while map.next_key_seed(Weigh(self.0))?.is_some() {
            map.next_value_seed(Weigh(self.0))?;
        }
        Ok(())
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use serde::de::VariantAccess;
        self.add::<A::Error>(1)?;
        let ((), variant) = data.variant_seed(Weigh(self.0))?;
        variant.newtype_variant_seed(Weigh(self.0))
    }
}

/// Refuses a document whose expanded size (aliases replayed) passes [`MAX_EXPANDED`], before
/// any value is built. Syntax errors are left to the real parse.
pub fn check_expansion(content: &str) -> Result<(), String> {
    let used = Cell::new(0);
    match Weigh(&used).deserialize(serde_yaml_ng::Deserializer::from_str(content)) {
        Err(e) if used.get() > MAX_EXPANDED => Err(format!(
            "{e} (limit {MAX_EXPANDED} bytes): YAML aliases are expanded before checking"
        )),
        _ => Ok(()),
    }
}

/// The project directory path `dir` joined with `rel` when the result stays inside `dir` and no
/// existing component below `dir` is a symlink (components that do not exist yet are fine:
/// Docker creates them as directories). `rel` may be absolute when it points inside `dir`.
/// `None` otherwise: relative paths with `..`, `~`, interpolation left over, symlinks.
pub fn inside_without_symlinks(dir: &Path, rel: &str) -> Option<PathBuf> {
    if rel.contains('$') || rel.starts_with('~') || rel.contains('\0') {
        return None;
    }
    let dir = PathBuf::from(normalize_path(&dir.to_string_lossy())?);
    let joined = if rel.starts_with('/') {
        PathBuf::from(normalize_path(rel)?)
    } else {
        let r = Path::new(rel);
        if r.components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return None;
        }
        PathBuf::from(normalize_path(&dir.join(r).to_string_lossy())?)
    };
    let below = joined.strip_prefix(&dir).ok()?.to_path_buf();
    let mut at = dir.clone();
    for c in below.components() {
        at.push(c);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return None,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
            Err(_) => return None,
        }
    }
    Some(joined)
}

fn strs(v: Option<&Yaml>) -> Vec<(String, Option<&str>)> {
    // (label suffix, path) for a string or a list of strings/mappings with `path`.
    match v {
        None | Some(Yaml::Null) => vec![],
        Some(Yaml::String(s)) => vec![(String::new(), Some(s.as_str()))],
        Some(Yaml::Sequence(items)) => items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                let p = match it {
                    Yaml::String(s) => Some(s.as_str()),
                    Yaml::Mapping(_) => it.get("path").and_then(Yaml::as_str),
                    _ => None,
                };
                (format!("[{i}]"), p)
            })
            .collect(),
        Some(_) => vec![(String::new(), None)],
    }
}

/// Refuses, before compose runs, any file compose would read on the WindFlow server outside
/// the project directory `dir` (`env_file`, `label_file`, `extends.file`, `include`, `build`
/// context, `dockerfile`, `additional_contexts`, `ssh`). Returns the first offending key and
/// value as a message (422 `outside_project`).
pub fn check_server_files(raw: &Yaml, dir: &Path) -> Result<(), String> {
    let outside = |key: &str, v: Option<&str>| match v {
        Some(p) if inside_without_symlinks(dir, p).is_some() => Ok(()),
        Some(p) => Err(format!(
            "{key}: {p} is outside the stack's directory (or goes through a symlink)"
        )),
        None => Err(format!("{key}: a plain relative path is required")),
    };
    if let Some(inc) = raw.get("include") {
        let items: Vec<&Yaml> = match inc {
            Yaml::Sequence(s) => s.iter().collect(),
            other => vec![other],
        };
        for (i, it) in items.into_iter().enumerate() {
            let key = format!("include[{i}]");
            match it {
                Yaml::String(p) => outside(&key, Some(p))?,
                Yaml::Mapping(_) => {
                    for field in ["path", "env_file"] {
                        for (sfx, p) in strs(it.get(field)) {
                            outside(&format!("{key}.{field}{sfx}"), p)?;
                        }
                    }
                    if let Some(p) = it.get("project_directory") {
                        outside(&format!("{key}.project_directory"), p.as_str())?;
                    }
                }
                _ => outside(&key, None)?,
            }
        }
    }
    let Some(services) = raw.get("services").and_then(Yaml::as_mapping) else {
        return Ok(());
    };
    for (name, s) in services {
        let name = name.as_str().unwrap_or_default();
        for field in ["env_file", "label_file"] {
            for (sfx, p) in strs(s.get(field)) {
                outside(&format!("services.{name}.{field}{sfx}"), p)?;
            }
        }
        if let Some(ext) = s.get("extends")
            && let Some(f) = ext.get("file")
        {
            outside(&format!("services.{name}.extends.file"), f.as_str())?;
        }
        match s.get("build") {
            None | Some(Yaml::Null) => {}
            Some(Yaml::String(ctx)) => outside(&format!("services.{name}.build"), Some(ctx))?,
            Some(b @ Yaml::Mapping(_)) => {
                let ctx = b.get("context").and_then(Yaml::as_str).unwrap_or(".");
                outside(&format!("services.{name}.build.context"), Some(ctx))?;
                if let Some(df) = b.get("dockerfile") {
                    let joined = df
                        .as_str()
                        .map(|d| format!("{}/{d}", ctx.trim_end_matches('/')));
                    outside(
                        &format!("services.{name}.build.dockerfile"),
                        joined
                            .as_deref()
                            .filter(|_| !df.as_str().unwrap_or("/").starts_with('/')),
                    )?;
                }
                for field in ["additional_contexts", "ssh"] {
                    if b.get(field).is_some() {
                        return Err(format!(
                            "services.{name}.build.{field}: not supported (reads the WindFlow server)"
                        ));
                    }
                }
            }
            Some(_) => outside(&format!("services.{name}.build"), None)?,
        }
    }
    Ok(())
}

fn truthy(v: &Yaml) -> bool {
    match v {
        Yaml::Bool(b) => *b,
        Yaml::Null => false,
        Yaml::String(x) => !matches!(x.to_ascii_lowercase().as_str(), "false" | "no" | "0" | ""),
        _ => true,
    }
}

/// What a bind source is compared with.
pub struct BindRules<'a> {
    /// The project directory: binds inside it (no symlink) are the stack's own.
    pub own: &'a Path,
    /// The endpoint's bind allow-list.
    pub allowlist: &'a [String],
}

impl BindRules<'_> {
    fn allowed(&self, source: &str) -> bool {
        (source.starts_with('/') && inside_without_symlinks(self.own, source).is_some())
            || path_allowed(source, self.allowlist)
    }
}

fn volume_findings(v: &Yaml, rules: &BindRules<'_>, push: &mut dyn FnMut(String)) {
    match v {
        Yaml::String(x) => {
            let parts: Vec<&str> = x.split(':').collect();
            if parts.len() == 1 {
                return; // anonymous volume at a container path
            }
            let src = parts[0];
            if src.starts_with('/') || src.starts_with('.') || src.starts_with('~') {
                if !rules.allowed(src) {
                    push(format!("binds:{src}"));
                }
            } else if !docker_name(src) {
                push(format!("volumes:{x}"));
            }
        }
        Yaml::Mapping(m) => {
            let kind = v.get("type").and_then(Yaml::as_str).unwrap_or("volume");
            let src = v.get("source").and_then(Yaml::as_str).unwrap_or_default();
            for (k, _) in m {
                let k = k.as_str().unwrap_or_default();
                let ok = matches!(
                    k,
                    "type" | "source" | "target" | "read_only" | "consistency"
                ) || (k == "volume" && kind == "volume")
                    || (k == "tmpfs" && kind == "tmpfs")
                    || (k == "bind" && v.get("bind").and_then(|b| b.get("propagation")).is_none());
                if !ok {
                    push(format!("volumes.{k}"));
                }
            }
            match kind {
                "bind" if !rules.allowed(src) => push(format!("binds:{src}")),
                "bind" | "tmpfs" => {}
                "volume" if src.is_empty() || docker_name(src) => {}
                other => push(format!("volumes.type={other}:{src}")),
            }
        }
        _ => push("volumes".into()),
    }
}

fn namespace_ok(ns: Namespace, value: &str, services: &[&str]) -> bool {
    if namespace_safe(ns, value) {
        return true;
    }
    // `service:<name>` joins another service of this project (network, pid, ipc).
    matches!(ns, Namespace::Network | Namespace::Pid | Namespace::Ipc)
        && value
            .strip_prefix("service:")
            .is_some_and(|s| services.contains(&s))
}

fn deploy_findings(d: &Yaml, push: &mut dyn FnMut(String)) {
    let Some(m) = d.as_mapping() else {
        if !d.is_null() {
            push("deploy".into());
        }
        return;
    };
    for (k, v) in m {
        let k = k.as_str().unwrap_or_default();
        match k {
            "replicas" | "mode" | "restart_policy" | "labels" | "update_config"
            | "rollback_config" | "placement" | "endpoint_mode" => {}
            "resources" => {
                for (part, body) in v.as_mapping().into_iter().flatten() {
                    let part = part.as_str().unwrap_or_default();
                    if !matches!(part, "limits" | "reservations") {
                        push(format!("deploy.resources.{part}"));
                        continue;
                    }
                    for (rk, _) in body.as_mapping().into_iter().flatten() {
                        let rk = rk.as_str().unwrap_or_default();
                        if !matches!(rk, "cpus" | "memory" | "pids") {
                            push(format!("deploy.resources.{part}.{rk}"));
                        }
                    }
                }
            }
            other => push(format!("deploy.{other}")),
        }
    }
}

fn service_findings(
    s: &Yaml,
    services: &[&str],
    rules: &BindRules<'_>,
    push: &mut dyn FnMut(String),
) {
    let Some(m) = s.as_mapping() else {
        push("not a mapping".into());
        return;
    };
    for (k, v) in m {
        let k = k.as_str().unwrap_or_default();
        if SAFE_SERVICE_KEYS.contains(&k) {
            continue;
        }
        match k {
            "privileged" => {
                if truthy(v) {
                    push("privileged".into());
                }
            }
            "pid" | "ipc" | "uts" | "userns_mode" | "network_mode" => {
                let ns = match k {
                    "pid" => Namespace::Pid,
                    "ipc" => Namespace::Ipc,
                    "uts" => Namespace::Uts,
                    "userns_mode" => Namespace::Userns,
                    _ => Namespace::Network,
                };
                match v {
                    Yaml::Null => {}
                    Yaml::String(x) if namespace_ok(ns, x, services) => {}
                    Yaml::String(x) => push(format!("{k}={x}")),
                    _ => push(k.into()),
                }
            }
            "cap_add" => match v {
                Yaml::Sequence(caps) => {
                    for c in caps {
                        match c.as_str() {
                            Some(c) if !capability_privileged(c) => {}
                            Some(c) => push(format!("cap_add:{c}")),
                            None => push("cap_add".into()),
                        }
                    }
                }
                Yaml::Null => {}
                _ => push("cap_add".into()),
            },
            "volumes" => match v {
                Yaml::Sequence(vols) => {
                    for vol in vols {
                        volume_findings(vol, rules, push);
                    }
                }
                Yaml::Null => {}
                _ => push("volumes".into()),
            },
            "networks" => match v {
                Yaml::Sequence(_) | Yaml::Null => {}
                Yaml::Mapping(nets) => {
                    for (_, cfg) in nets {
                        for (ck, _) in cfg.as_mapping().into_iter().flatten() {
                            let ck = ck.as_str().unwrap_or_default();
                            if !matches!(
                                ck,
                                "aliases"
                                    | "ipv4_address"
                                    | "ipv6_address"
                                    | "priority"
                                    | "mac_address"
                                    | "gw_priority"
                            ) {
                                push(format!("networks.{ck}"));
                            }
                        }
                    }
                }
                _ => push("networks".into()),
            },
            // References to top-level secrets and configs (checked there).
            "secrets" | "configs" => {}
            "deploy" => deploy_findings(v, push),
            other => push(other.into()),
        }
    }
}

/// True when a top-level network or volume `name` is the one compose derives for `key` in
/// `project` (`<project>_<key>`), so it cannot name another project's object.
fn own_name(project: &str, key: &str, v: &Yaml) -> bool {
    match v.get("name") {
        None | Some(Yaml::Null) => true,
        Some(n) => n.as_str() == Some(&format!("{project}_{key}")),
    }
}

/// Pushes `name=<x>` when a top-level network or volume is named other than compose derives.
fn foreign_name(project: &str, key: &str, v: &Yaml, push: &mut dyn FnMut(String)) {
    if !own_name(project, key, v) {
        push(format!(
            "name={}",
            v.get("name").and_then(Yaml::as_str).unwrap_or("?")
        ));
    }
}

/// The privileged findings of a resolved compose model (`compose config` output) for compose
/// project `project`: `<service>: <option>` (`privileged`, `pid=host`, `network_mode=container:x`,
/// `cap_add:SYS_ADMIN`, `binds:/etc`, `volumes_from`, `device_cgroup_rules`, `build`, any key
/// not on the allow-list…), `network <n>: …`, `volume <v>: …`, `secret <s>: …`,
/// `config <c>: …` and `top-level <key>`. Empty means the file needs no extra permission.
pub fn privileged_findings(resolved: &Yaml, project: &str, rules: &BindRules<'_>) -> Vec<String> {
    let mut out = vec![];
    let Some(root) = resolved.as_mapping() else {
        return vec!["top-level: not a mapping".into()];
    };
    let services: Vec<&str> = resolved
        .get("services")
        .and_then(Yaml::as_mapping)
        .map(|m| m.keys().filter_map(Yaml::as_str).collect())
        .unwrap_or_default();
    for (k, v) in root {
        let k = k.as_str().unwrap_or_default();
        match k {
            "version" | "name" => {}
            x if x.starts_with("x-") => {}
            "services" => {
                for (name, s) in v.as_mapping().into_iter().flatten() {
                    let name = name.as_str().unwrap_or_default();
                    service_findings(s, &services, rules, &mut |o| {
                        out.push(format!("{name}: {o}"))
                    });
                }
            }
            "networks" => {
                for (n, cfg) in v.as_mapping().into_iter().flatten() {
                    let n = n.as_str().unwrap_or_default();
                    let mut push = |o: String| out.push(format!("network {n}: {o}"));
                    foreign_name(project, n, cfg, &mut push);
                    for (ck, cv) in cfg.as_mapping().into_iter().flatten() {
                        match ck.as_str().unwrap_or_default() {
                            "name" | "labels" | "internal" | "attachable" | "enable_ipv6" => {}
                            "ipam" if cv.get("driver").is_none() => {}
                            "driver" if matches!(cv.as_str(), Some("bridge" | "overlay")) => {}
                            "external" if !truthy(cv) => {}
                            other => push(other.into()),
                        }
                    }
                }
            }
            "volumes" => {
                for (n, cfg) in v.as_mapping().into_iter().flatten() {
                    let n = n.as_str().unwrap_or_default();
                    let mut push = |o: String| out.push(format!("volume {n}: {o}"));
                    foreign_name(project, n, cfg, &mut push);
                    for (ck, cv) in cfg.as_mapping().into_iter().flatten() {
                        match ck.as_str().unwrap_or_default() {
                            "name" | "labels" => {}
                            "driver" if cv.as_str() == Some("local") => {}
                            "external" if !truthy(cv) => {}
                            "driver_opts" => match cv.get("device").and_then(Yaml::as_str) {
                                Some(dev) => push(format!("device:{dev}")),
                                None => push("driver_opts".into()),
                            },
                            other => push(other.into()),
                        }
                    }
                }
            }
            "secrets" | "configs" => {
                let what = if k == "secrets" { "secret" } else { "config" };
                for (n, cfg) in v.as_mapping().into_iter().flatten() {
                    let n = n.as_str().unwrap_or_default();
                    let mut push = |o: String| out.push(format!("{what} {n}: {o}"));
                    for (ck, cv) in cfg.as_mapping().into_iter().flatten() {
                        match ck.as_str().unwrap_or_default() {
                            "name" | "environment" | "content" | "labels" => {}
                            "external" if !truthy(cv) => {}
                            "file" => match cv.as_str() {
                                Some(f) if rules.allowed(f) => {}
                                Some(f) => push(format!("file:{f}")),
                                None => push("file".into()),
                            },
                            other => push(other.into()),
                        }
                    }
                }
            }
            other => out.push(format!("top-level {other}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> Yaml {
        serde_yaml_ng::from_str(s).unwrap()
    }

    #[test]
    fn alias_amplification_is_refused_before_expansion() {
        let big = format!(
            "a: &a \"{}\"\nb: [{}]\nservices: {{s: {{image: x}}}}\n",
            "x".repeat(100_000),
            vec!["*a"; 50].join(",")
        );
        assert!(check_expansion(&big).unwrap_err().contains("aliases"));
        // Plain documents, and a few small aliases, pass.
        assert!(
            check_expansion("x-e: &e {A: 1}\nservices: {s: {image: x, environment: *e}}\n").is_ok()
        );
        let plain = format!("services: {{s: {{image: \"{}\"}}}}\n", "y".repeat(250_000));
        assert!(check_expansion(&plain).is_ok());
    }

    #[test]
    fn server_files_must_stay_in_the_project_directory() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("conf")).unwrap();
        std::os::unix::fs::symlink("/", d.join("root")).unwrap();
        for ok in [
            "services: {a: {image: x, env_file: app.env}}",
            "services: {a: {image: x, env_file: [conf/a.env, {path: ./b.env}]}}",
            "services: {a: {image: x, build: ./conf}}",
            "services: {a: {image: x, build: {context: conf, dockerfile: Dockerfile}}}",
            "services: {a: {image: x, extends: {service: b}}}",
        ] {
            assert!(check_server_files(&y(ok), d).is_ok(), "{ok}");
        }
        for bad in [
            "services: {a: {image: x, env_file: ../../windflow.db}}",
            "services: {a: {image: x, env_file: [/etc/shadow]}}",
            "services: {a: {image: x, env_file: root/etc/shadow}}",
            "services: {a: {image: x, env_file: \"${HOME}/x\"}}",
            "services: {a: {image: x, label_file: ~/x}}",
            "services: {a: {image: x, extends: {file: ../../x.yml, service: b}}}",
            "services: {a: {image: x, build: ../../}}",
            "services: {a: {image: x, build: {context: ., dockerfile: /etc/passwd}}}",
            "services: {a: {image: x, build: {context: ., additional_contexts: {a: /}}}}",
            "services: {a: {image: x, build: {context: ., ssh: [default]}}}",
            "include: [../../other.yml]\nservices: {a: {image: x}}",
            "include: [{path: x.yml, env_file: ../../master.key}]\nservices: {a: {image: x}}",
        ] {
            assert!(check_server_files(&y(bad), d).is_err(), "{bad}");
        }
    }

    #[test]
    fn symlinked_binds_are_not_the_stacks_own() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::os::unix::fs::symlink("/", d.join("root")).unwrap();
        std::fs::create_dir(d.join("data")).unwrap();
        let rules = BindRules {
            own: d,
            allowlist: &[],
        };
        assert!(rules.allowed(&format!("{}/data", d.display())));
        assert!(rules.allowed(&format!("{}/new/dir", d.display())));
        assert!(!rules.allowed(&format!("{}/root", d.display())));
        assert!(!rules.allowed(&format!("{}/root/etc", d.display())));
        assert!(!rules.allowed(&format!("{}/data/../../x", d.display())));
    }

    #[test]
    fn review_c2_keys_are_findings() {
        let rules = BindRules {
            own: Path::new("/data/stacks/s1"),
            allowlist: &[],
        };
        let r = y(r#"
services:
  a:
    image: x
    volumes_from: ["container:wf"]
    device_cgroup_rules: ['b *:* rwm']
    network_mode: "container:db"
    cgroup_parent: /x
    cgroup: host
    runtime: runc
    gpus: all
    oom_kill_disable: true
    oom_score_adj: -1000
    build: {context: /data/stacks/s1}
    deploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}
    secrets: [s]
  b: {image: x, pid: "container:x", ipc: "service:a", network_mode: "service:a"}
networks:
  default: {name: host, external: true}
volumes:
  ext: {external: true, name: other_data}
secrets:
  s: {file: /var/run/docker.sock}
configs:
  c: {file: /data/stacks/s1/c.txt}
"#);
        let f = privileged_findings(&r, "s1", &rules);
        for want in [
            "a: volumes_from",
            "a: device_cgroup_rules",
            "a: network_mode=container:db",
            "a: cgroup_parent",
            "a: cgroup",
            "a: runtime",
            "a: gpus",
            "a: oom_kill_disable",
            "a: oom_score_adj",
            "a: build",
            "a: deploy.resources.reservations.devices",
            "b: pid=container:x",
            "network default: name=host",
            "network default: external",
            "volume ext: external",
            "volume ext: name=other_data",
            "secret s: file:/var/run/docker.sock",
        ] {
            assert!(f.iter().any(|x| x == want), "missing {want} in {f:?}");
        }
        assert!(
            !f.iter()
                .any(|x| x.starts_with("b: ipc") || x.starts_with("b: network_mode")),
            "{f:?}"
        );
        assert!(!f.iter().any(|x| x.starts_with("config c")), "{f:?}");
        assert!(!f.iter().any(|x| x.starts_with("a: secrets")), "{f:?}");
    }

    // ----- property test: the guard never passes a file with anything off the allow-list -----

    use proptest::prelude::*;

    /// Every service key of the compose specification (and a few unknown ones).
    const VOCABULARY: &[&str] = &[
        "image",
        "command",
        "environment",
        "labels",
        "ports",
        "restart",
        "healthcheck",
        "depends_on",
        "user",
        "working_dir",
        "init",
        "tmpfs",
        "ulimits",
        "logging",
        "cap_drop",
        "privileged",
        "pid",
        "ipc",
        "uts",
        "userns_mode",
        "network_mode",
        "networks",
        "volumes",
        "cap_add",
        "secrets",
        "configs",
        "deploy",
        "build",
        "devices",
        "device_cgroup_rules",
        "volumes_from",
        "cgroup",
        "cgroup_parent",
        "runtime",
        "gpus",
        "oom_kill_disable",
        "oom_score_adj",
        "security_opt",
        "sysctls",
        "isolation",
        "storage_opt",
        "blkio_config",
        "external_links",
        "credential_spec",
        "env_file",
        "extends",
        "label_file",
        "x-unknown",
        "totally_new_key",
    ];

    const VALUES: &[&str] = &[
        "host",
        "container:db",
        "service:app",
        "service:ghost",
        "private",
        "bridge",
        "none",
        "true",
        "false",
        "/etc",
        "/var/run/docker.sock",
        "/",
        "/srv/ok/data",
        "/data/stacks/p/conf",
        "./x",
        "named",
        "ALL",
        "SYS_ADMIN",
        "chown",
        "NET_BIND_SERVICE",
        "",
        "rwm",
    ];

    fn value() -> impl Strategy<Value = Yaml> {
        let leaf = prop_oneof![
            proptest::sample::select(VALUES).prop_map(|v| Yaml::String(v.into())),
            any::<bool>().prop_map(Yaml::Bool),
            (0i64..3).prop_map(|n| Yaml::Number(n.into())),
        ];
        leaf.prop_recursive(2, 12, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Yaml::Sequence),
                proptest::collection::vec((proptest::sample::select(VOCABULARY), inner), 0..3)
                    .prop_map(|kv| {
                        let mut m = serde_yaml_ng::Mapping::new();
                        for (k, v) in kv {
                            m.insert(Yaml::String(k.into()), v);
                        }
                        Yaml::Mapping(m)
                    }),
            ]
        })
    }

    fn document() -> impl Strategy<Value = Yaml> {
        let service =
            proptest::collection::vec((proptest::sample::select(VOCABULARY), value()), 0..6);
        let top = proptest::collection::vec(
            (
                proptest::sample::select(
                    &[
                        "networks", "volumes", "secrets", "configs", "include", "x-ext", "version",
                        "weird",
                    ][..],
                ),
                proptest::collection::vec(
                    (
                        proptest::sample::select(&["default", "data", "s"][..]),
                        value(),
                    ),
                    0..3,
                ),
            ),
            0..3,
        );
        (proptest::collection::vec(service, 1..3), top).prop_map(|(services, top)| {
            let mut root = serde_yaml_ng::Mapping::new();
            let mut svcs = serde_yaml_ng::Mapping::new();
            for (i, keys) in services.into_iter().enumerate() {
                let mut m = serde_yaml_ng::Mapping::new();
                for (k, v) in keys {
                    m.insert(Yaml::String(k.into()), v);
                }
                svcs.insert(
                    Yaml::String(if i == 0 {
                        "app".into()
                    } else {
                        format!("s{i}")
                    }),
                    Yaml::Mapping(m),
                );
            }
            root.insert("services".into(), Yaml::Mapping(svcs));
            for (k, entries) in top {
                let mut m = serde_yaml_ng::Mapping::new();
                for (n, v) in entries {
                    m.insert(Yaml::String(n.into()), v);
                }
                root.insert(Yaml::String(k.into()), Yaml::Mapping(m));
            }
            Yaml::Mapping(root)
        })
    }

    /// An independent statement of what a file without findings may contain: each allowed
    /// service key with the values it may take.
    fn oracle_allows(doc: &Yaml) -> Result<(), String> {
        let safe_str =
            |v: &Yaml, ok: &[&str]| v.as_str().is_some_and(|s| ok.contains(&s)) || v.is_null();
        for (k, v) in doc.as_mapping().unwrap() {
            let k = k.as_str().unwrap();
            match k {
                "services" => {}
                "version" | "name" => continue,
                x if x.starts_with("x-") => continue,
                "networks" | "volumes" | "secrets" | "configs" => {
                    for (_, cfg) in v.as_mapping().unwrap() {
                        let Some(m) = cfg.as_mapping() else { continue };
                        for (ck, cv) in m {
                            let ck = ck.as_str().unwrap_or_default();
                            let ok = match ck {
                                "labels" | "internal" | "attachable" | "enable_ipv6"
                                | "environment" | "content" => true,
                                "external" => {
                                    cv == &Yaml::Bool(false) || safe_str(cv, &["false", ""])
                                }
                                "driver" => safe_str(cv, &["bridge", "overlay", "local"]),
                                "file" => cv.as_str().is_some_and(|f| {
                                    f.starts_with("/srv/ok/") || f.starts_with("/data/stacks/p/")
                                }),
                                _ => false,
                            };
                            if !ok {
                                return Err(format!("{k}.{ck}"));
                            }
                        }
                    }
                    continue;
                }
                other => return Err(format!("top-level {other}")),
            }
            for (_, svc) in v.as_mapping().unwrap() {
                for (sk, sv) in svc.as_mapping().unwrap() {
                    let sk = sk.as_str().unwrap();
                    let ok = match sk {
                        k if SAFE_SERVICE_KEYS.contains(&k) => true,
                        "privileged" => !truthy(sv),
                        "pid" | "uts" | "userns_mode" => {
                            safe_str(sv, &[""]) || (sk == "pid" && safe_str(sv, &["service:app"]))
                        }
                        "ipc" => safe_str(sv, &["", "private", "none", "service:app"]),
                        "network_mode" => safe_str(
                            sv,
                            &[
                                "",
                                "bridge",
                                "none",
                                "private",
                                "named",
                                "service:app",
                                "chown",
                                "rwm",
                                "NET_BIND_SERVICE",
                                "ALL",
                                "SYS_ADMIN",
                                "false",
                                "true",
                            ],
                        ),
                        "cap_add" => {
                            sv.is_null()
                                || sv.as_sequence().is_some_and(|caps| {
                                    caps.iter()
                                        .all(|c| safe_str(c, &["chown", "NET_BIND_SERVICE"]))
                                })
                        }
                        "secrets" | "configs" => true,
                        "volumes" => {
                            sv.is_null()
                                || sv.as_sequence().is_some_and(|vols| {
                                    vols.iter().all(|v| match v {
                                        Yaml::String(x) => {
                                            !x.contains(':') || {
                                                let src = x.split(':').next().unwrap();
                                                !src.starts_with(['/', '.', '~'])
                                                    || src.starts_with("/srv/ok/")
                                                    || src.starts_with("/data/stacks/p/")
                                            }
                                        }
                                        // An empty long-syntax entry names nothing on the
                                        // host (compose refuses it for its missing target).
                                        Yaml::Mapping(m) => m.is_empty(),
                                        _ => false,
                                    })
                                })
                        }
                        "networks" => {
                            sv.is_null()
                                || sv.as_sequence().is_some()
                                || sv.as_mapping().is_some_and(|m| {
                                    m.values()
                                        .all(|c| c.as_mapping().is_none_or(|c| c.is_empty()))
                                })
                        }
                        // Swarm scheduling fields (ignored by `docker compose up`) are
                        // harmless whatever their value; resources only as cpu, memory and
                        // pid limits (a device reservation reaches the host's hardware).
                        "deploy" => {
                            sv.is_null()
                                || sv.as_mapping().is_some_and(|m| {
                                    m.iter().all(|(dk, dv)| match dk.as_str() {
                                        Some(
                                            "replicas" | "mode" | "restart_policy" | "labels"
                                            | "update_config" | "rollback_config" | "placement"
                                            | "endpoint_mode",
                                        ) => true,
                                        Some("resources") => {
                                            dv.is_null()
                                                || dv.as_mapping().is_some_and(|r| {
                                                    r.iter().all(|(part, body)| {
                                                        matches!(
                                                            part.as_str(),
                                                            Some("limits" | "reservations")
                                                        ) && (body.is_null()
                                                            || body.as_mapping().is_some_and(|b| {
                                                                b.keys().all(|k| {
                                                                    matches!(
                                                                        k.as_str(),
                                                                        Some(
                                                                            "cpus"
                                                                                | "memory"
                                                                                | "pids"
                                                                        )
                                                                    )
                                                                })
                                                            }))
                                                    })
                                                })
                                        }
                                        _ => false,
                                    })
                                })
                        }
                        _ => false,
                    };
                    if !ok {
                        return Err(format!("services.*.{sk} = {sv:?}"));
                    }
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_guard_never_passes_a_key_or_value_off_the_allow_list(doc in document()) {
            let rules = BindRules { own: Path::new("/data/stacks/p"), allowlist: &["/srv/ok".to_owned()] };
            let findings = privileged_findings(&doc, "p", &rules);
            if findings.is_empty() {
                prop_assert!(oracle_allows(&doc).is_ok(), "passed: {:?}\n{}", oracle_allows(&doc), serde_yaml_ng::to_string(&doc).unwrap());
            }
        }
    }
}
