//! The privileged-option guard for containers (issue "Docker endpoints", seed 000's security
//! notes; issue 11 made it fail closed): options that give a container power over its host need
//! `containers:create_privileged`, checked before the engine is called.
//!
//! Every check is an allow-list: a value the guard does not recognise as safe is privileged.
//! The same helpers serve the container API and the compose guard (`services::stacks`).
use std::path::{Component, Path};

use windflow_api::docker::{ContainerSpec, MountKind};

/// Docker's default capability set (moby `oci/caps/defaults.go`): adding one of these changes
/// nothing, so it is not privileged. Names without the `CAP_` prefix, upper case.
pub const DEFAULT_CAPABILITIES: &[&str] = &[
    "CHOWN",
    "DAC_OVERRIDE",
    "FSETID",
    "FOWNER",
    "MKNOD",
    "NET_RAW",
    "SETGID",
    "SETUID",
    "SETFCAP",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "KILL",
    "AUDIT_WRITE",
];

/// An endpoint's bind allow-list as stored (a JSON array of host paths): its strings; anything
/// else is empty. The container guard and the compose guard read it the same way.
pub fn allowlist_of(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// True when adding capability `cap` needs `containers:create_privileged`: anything outside
/// [`DEFAULT_CAPABILITIES`], compared case-insensitively with or without `CAP_` (`all`, `ALL`,
/// `cap_sys_admin` are all privileged).
pub fn capability_privileged(cap: &str) -> bool {
    let upper = cap.trim().to_ascii_uppercase();
    let name = upper.strip_prefix("CAP_").unwrap_or(&upper);
    !DEFAULT_CAPABILITIES.contains(&name)
}

/// Normalises an absolute host path lexically: `//` and `/.` collapse, a trailing `/` goes.
/// `None` for a relative path or one with a `..` component (a symlink before `..` makes its
/// meaning depend on the host, so it is never trusted).
pub fn normalize_path(path: &str) -> Option<String> {
    let p = Path::new(path);
    if !p.is_absolute() {
        return None;
    }
    let mut out = String::new();
    for c in p.components() {
        match c {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(n) => {
                out.push('/');
                out.push_str(n.to_str()?);
            }
            Component::ParentDir | Component::Prefix(_) => return None,
        }
    }
    Some(if out.is_empty() { "/".into() } else { out })
}

/// True when host path `path` lies under one of `allowlist`'s entries. Both sides are
/// normalised first ([`normalize_path`]); an entry that normalises to `/` (or not at all) allows
/// nothing, and a path with `..` is never allowed.
pub fn path_allowed(path: &str, allowlist: &[String]) -> bool {
    let Some(p) = normalize_path(path) else {
        return false;
    };
    allowlist.iter().any(|entry| match normalize_path(entry) {
        Some(prefix) if prefix != "/" => p == prefix || p.starts_with(&format!("{prefix}/")),
        _ => false,
    })
}

/// A Docker name: container, volume and network names, with the engine adapter's one grammar
/// (`windflow_docker::object_ref`: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, no `..`).
pub fn docker_name(s: &str) -> bool {
    windflow_docker::object_ref(s).is_ok()
}

/// Which namespace a mode is for; each has its own safe values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// Network: `bridge`, `none`, `default` or a network name are safe.
    Network,
    /// PID: only the private default (empty).
    Pid,
    /// IPC: empty, `private`, `shareable`, `none`.
    Ipc,
    /// UTS: only the private default (empty).
    Uts,
    /// User namespace: only the daemon's default (empty).
    Userns,
}

/// True when namespace `mode` is safe without `containers:create_privileged`. `host`,
/// `container:<x>` (joining another container's namespace) and any unrecognised form are not.
pub fn namespace_safe(ns: Namespace, mode: &str) -> bool {
    let m = mode.trim();
    if m.is_empty() {
        return true;
    }
    match ns {
        Namespace::Network => !m.eq_ignore_ascii_case("host") && !m.contains(':') && docker_name(m),
        Namespace::Ipc => matches!(m, "private" | "shareable" | "none"),
        Namespace::Pid | Namespace::Uts | Namespace::Userns => false,
    }
}

/// The host source of a `Binds` entry (`source:target[:options]`), or `None` when the source is
/// a named volume. A source that is neither an absolute path nor a valid volume name is returned
/// as is, so it is checked (and refused) as a host path.
pub fn bind_source(bind: &str) -> Option<&str> {
    let source = bind.split(':').next().unwrap_or_default();
    if !source.starts_with('/') && docker_name(source) {
        None
    } else {
        Some(source)
    }
}

/// The privileged options `spec` uses on an endpoint whose bind allow-list is `allowlist`, by
/// name (`privileged`, `pid_mode=<mode>`, `ipc_mode=<mode>`, `network_mode=<mode>`,
/// `uts_mode=<mode>`, `devices`, `cap_add:<cap>`, `sysctls`, `security_opt`,
/// `binds:<host path>`, `mounts:<host path>`). Empty means the spec needs no extra permission.
pub fn privileged_options(spec: &ContainerSpec, allowlist: &[String]) -> Vec<String> {
    let mut out = vec![];
    if spec.privileged {
        out.push("privileged".to_owned());
    }
    for (name, ns, mode) in [
        ("pid_mode", Namespace::Pid, &spec.pid_mode),
        ("ipc_mode", Namespace::Ipc, &spec.ipc_mode),
        ("network_mode", Namespace::Network, &spec.network_mode),
        ("uts_mode", Namespace::Uts, &spec.uts_mode),
    ] {
        if let Some(m) = mode.as_deref()
            && !namespace_safe(ns, m)
        {
            out.push(format!("{name}={m}"));
        }
    }
    if !spec.devices.is_empty() {
        out.push("devices".to_owned());
    }
    for cap in spec.cap_add.iter().filter(|c| capability_privileged(c)) {
        out.push(format!("cap_add:{cap}"));
    }
    if !spec.sysctls.is_empty() {
        out.push("sysctls".to_owned());
    }
    if !spec.security_opt.is_empty() {
        out.push("security_opt".to_owned());
    }
    for b in &spec.binds {
        if let Some(source) = bind_source(b)
            && !path_allowed(source, allowlist)
        {
            out.push(format!("binds:{source}"));
        }
    }
    for m in &spec.mounts {
        match m.kind {
            MountKind::Bind if !path_allowed(&m.source, allowlist) => {
                out.push(format!("mounts:{}", m.source));
            }
            MountKind::Volume if !m.source.is_empty() && !docker_name(&m.source) => {
                out.push(format!("mounts:{}", m.source));
            }
            MountKind::Bind | MountKind::Volume | MountKind::Tmpfs => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use windflow_api::docker::MountSpec;

    fn base() -> ContainerSpec {
        ContainerSpec {
            image: "local/busybox:1".into(),
            init: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_plain_spec_needs_nothing() {
        let mut s = base();
        s.binds = vec!["data:/data".into(), "/srv/app/config:/config:ro".into()];
        s.mounts = vec![MountSpec {
            kind: MountKind::Volume,
            source: "cache".into(),
            target: "/cache".into(),
            read_only: false,
        }];
        s.network_mode = Some("bridge".into());
        assert!(privileged_options(&s, &["/srv/app".into()]).is_empty());
    }

    #[test]
    fn each_privileged_option_is_named() {
        let allow = vec!["/srv/app".to_owned()];
        type Setter = Box<dyn Fn(&mut ContainerSpec)>;
        let cases: Vec<(&str, Setter)> = vec![
            ("privileged", Box::new(|s| s.privileged = true)),
            (
                "pid_mode=host",
                Box::new(|s| s.pid_mode = Some("host".into())),
            ),
            (
                "ipc_mode=host",
                Box::new(|s| s.ipc_mode = Some("host".into())),
            ),
            (
                "network_mode=HOST",
                Box::new(|s| s.network_mode = Some("HOST".into())),
            ),
            (
                "uts_mode=host",
                Box::new(|s| s.uts_mode = Some("host".into())),
            ),
            ("devices", Box::new(|s| s.devices = vec!["/dev/kvm".into()])),
            (
                "cap_add:NET_ADMIN",
                Box::new(|s| s.cap_add = vec!["NET_ADMIN".into()]),
            ),
            (
                "network_mode=container:db",
                Box::new(|s| s.network_mode = Some("container:db".into())),
            ),
            (
                "pid_mode=container:db",
                Box::new(|s| s.pid_mode = Some("container:db".into())),
            ),
            (
                "ipc_mode=container:db",
                Box::new(|s| s.ipc_mode = Some("container:db".into())),
            ),
            (
                "uts_mode=weird",
                Box::new(|s| s.uts_mode = Some("weird".into())),
            ),
            ("binds:/.", Box::new(|s| s.binds = vec!["/.:/host".into()])),
            ("binds:./x", Box::new(|s| s.binds = vec!["./x:/x".into()])),
            (
                "sysctls",
                Box::new(|s| {
                    s.sysctls = [("net.ipv4.ip_forward".to_owned(), "1".to_owned())].into()
                }),
            ),
            (
                "security_opt",
                Box::new(|s| s.security_opt = vec!["seccomp=unconfined".into()]),
            ),
            (
                "binds:/etc",
                Box::new(|s| s.binds = vec!["/etc:/host-etc".into()]),
            ),
            (
                "binds:/srv/app/../../etc",
                Box::new(|s| s.binds = vec!["/srv/app/../../etc:/x".into()]),
            ),
            (
                "binds:/srv/application",
                Box::new(|s| s.binds = vec!["/srv/application:/x".into()]),
            ),
            (
                "mounts:/var/run/docker.sock",
                Box::new(|s| {
                    s.mounts = vec![MountSpec {
                        kind: MountKind::Bind,
                        source: "/var/run/docker.sock".into(),
                        target: "/s".into(),
                        read_only: true,
                    }]
                }),
            ),
        ];
        for (name, set) in cases {
            let mut s = base();
            set(&mut s);
            assert_eq!(
                privileged_options(&s, &allow),
                vec![name.to_owned()],
                "{name}"
            );
        }
    }

    #[test]
    fn capabilities_compare_without_case_or_prefix() {
        for cap in [
            "all",
            "ALL",
            "cap_sys_admin",
            "SYS_ADMIN",
            "Cap_Net_Admin",
            " sys_ptrace",
        ] {
            assert!(capability_privileged(cap), "{cap}");
        }
        for cap in ["chown", "CAP_CHOWN", "net_bind_service", "KILL"] {
            assert!(!capability_privileged(cap), "{cap}");
        }
    }

    #[test]
    fn namespaces_fail_closed() {
        use Namespace::*;
        for (ns, m) in [
            (Network, "bridge"),
            (Network, "none"),
            (Network, "my-net"),
            (Ipc, "private"),
            (Ipc, "shareable"),
            (Pid, ""),
        ] {
            assert!(namespace_safe(ns, m), "{ns:?} {m}");
        }
        for (ns, m) in [
            (Network, "host"),
            (Network, "Host"),
            (Network, "container:abc"),
            (Network, "service:abc"),
            (Pid, "host"),
            (Pid, "private"),
            (Ipc, "host"),
            (Ipc, "container:x"),
            (Uts, "host"),
            (Userns, "host"),
        ] {
            assert!(!namespace_safe(ns, m), "{ns:?} {m}");
        }
    }

    #[test]
    fn paths_normalise_before_comparison() {
        assert_eq!(
            normalize_path("/srv//app/./x/").as_deref(),
            Some("/srv/app/x")
        );
        assert_eq!(normalize_path("/.").as_deref(), Some("/"));
        assert_eq!(normalize_path("//").as_deref(), Some("/"));
        assert_eq!(normalize_path("/srv/app/../etc"), None);
        assert_eq!(normalize_path("srv"), None);
        // `/.`, `//` and `/` allow nothing; sources are normalised too.
        for entry in ["/", "/.", "//", "/./"] {
            assert!(!path_allowed("/etc", &[entry.into()]), "{entry}");
            assert!(!path_allowed("/./etc", &[entry.into()]), "{entry}");
        }
        let allow = vec!["/srv//app/.".to_owned()];
        assert!(path_allowed("/srv/app/./data", &allow));
        assert!(path_allowed("//srv/app//", &allow));
        assert!(!path_allowed("/srv/app/x/../../etc", &allow));
    }

    #[test]
    fn allow_list_prefixes() {
        let allow = vec!["/srv/app/".to_owned()];
        assert!(path_allowed("/srv/app", &allow));
        assert!(path_allowed("/srv/app/x/y", &allow));
        assert!(!path_allowed("/srv/apps", &allow));
        assert!(!path_allowed("/srv/app/../etc", &allow));
        assert!(!path_allowed("relative/path", &allow));
        assert!(!path_allowed("/anything", &[]));
    }
}
