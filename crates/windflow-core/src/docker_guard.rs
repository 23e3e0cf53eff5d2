//! The privileged-option guard for containers (issue "Docker endpoints", seed 000's security
//! notes): options that give a container power over its host need `containers:create_privileged`,
//! checked before the engine is called.
use std::path::{Component, Path};

use windflow_api::docker::ContainerSpec;

/// True when `path` is absolute, has no `..`, and lies under one of `allowlist`'s prefixes.
pub fn path_allowed(path: &str, allowlist: &[String]) -> bool {
    let p = Path::new(path);
    if !p.is_absolute() || p.components().any(|c| matches!(c, Component::ParentDir)) {
        return false;
    }
    allowlist.iter().any(|prefix| {
        let prefix = prefix.trim_end_matches('/');
        !prefix.is_empty() && (path == prefix || path.starts_with(&format!("{prefix}/")))
    })
}

/// The privileged options `spec` uses on an endpoint whose bind allow-list is `allowlist`, by
/// name (`privileged`, `pid_mode=host`, `ipc_mode=host`, `network_mode=host`, `uts_mode=host`,
/// `devices`, `cap_add`, `sysctls`, `security_opt`, `binds:<host path>`, `mounts:<host path>`).
/// Empty means the spec needs no extra permission.
pub fn privileged_options(spec: &ContainerSpec, allowlist: &[String]) -> Vec<String> {
    let mut out = vec![];
    if spec.privileged {
        out.push("privileged".to_owned());
    }
    for (name, mode) in [
        ("pid_mode", &spec.pid_mode),
        ("ipc_mode", &spec.ipc_mode),
        ("network_mode", &spec.network_mode),
        ("uts_mode", &spec.uts_mode),
    ] {
        if mode
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("host"))
        {
            out.push(format!("{name}=host"));
        }
    }
    if !spec.devices.is_empty() {
        out.push("devices".to_owned());
    }
    if !spec.cap_add.is_empty() {
        out.push("cap_add".to_owned());
    }
    if !spec.sysctls.is_empty() {
        out.push("sysctls".to_owned());
    }
    if !spec.security_opt.is_empty() {
        out.push("security_opt".to_owned());
    }
    for b in &spec.binds {
        // `source:target[:options]`; a source without a leading `/` is a named volume.
        let source = b.split(':').next().unwrap_or_default();
        if (source.starts_with('/') || source.starts_with('.') || source.starts_with('~'))
            && !path_allowed(source, allowlist)
        {
            out.push(format!("binds:{source}"));
        }
    }
    for m in &spec.mounts {
        if m.kind == "bind" && !path_allowed(&m.source, allowlist) {
            out.push(format!("mounts:{}", m.source));
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
            kind: "volume".into(),
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
                "network_mode=host",
                Box::new(|s| s.network_mode = Some("HOST".into())),
            ),
            (
                "uts_mode=host",
                Box::new(|s| s.uts_mode = Some("host".into())),
            ),
            ("devices", Box::new(|s| s.devices = vec!["/dev/kvm".into()])),
            (
                "cap_add",
                Box::new(|s| s.cap_add = vec!["NET_ADMIN".into()]),
            ),
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
                        kind: "bind".into(),
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
