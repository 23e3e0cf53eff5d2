//! Compose files: parsing, resolution by the compose CLI's `config`, the privileged guard, and
//! the project-name rules.
use std::path::{Path, PathBuf};
use windflow_api::access::Permission;
use windflow_api::docker::ConnectionType;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_yaml_ng::Value as Yaml;
use uuid::Uuid;
use windflow_api::stacks::ComposeCheck;
use windflow_docker::{ComposeInvocation, Target};
use windflow_entity::{endpoints, stacks};

use crate::authz;
use crate::compose_guard::{self, BindRules};
use crate::context::{Authority, Core};
use crate::docker_guard::allowlist_of;
use crate::error::{ServiceError, ServiceResult};
use crate::masking::mask;
use crate::rbac::ScopePath;
use crate::runtime::{engine, target};
use crate::validate::Checks;

use super::variables::Vars;
use super::{MAX_COMPOSE_BYTES, files_dir, run_root};
pub(super) fn check_name(c: &mut Checks, name: &str) {
    let mut chars = name.chars();
    let ok = !name.is_empty()
        && name.len() <= 63
        && chars
            .next()
            .is_some_and(|f| f.is_ascii_lowercase() || f.is_ascii_digit())
        && chars.all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_' || ch == '-');
    if !ok {
        c.push(
            "name",
            "invalid_format",
            "a compose project name: 1-63 of [a-z0-9_-], starting with a letter or digit",
        );
    }
}

/// Parses compose YAML; a syntax error or a file without a `services` mapping is a 422 on
/// `compose_content` whose message gives the line and column. Returns the service names.
pub fn parse_compose(content: &str) -> ServiceResult<Vec<String>> {
    let bad = |m: String| ServiceError::field("compose_content", "invalid_compose", m);
    if content.len() > MAX_COMPOSE_BYTES {
        return Err(ServiceError::field(
            "compose_content",
            "too_long",
            "at most 256 KiB",
        ));
    }
    compose_guard::check_expansion(content).map_err(bad)?;
    let v: Yaml = serde_yaml_ng::from_str(content).map_err(|e| {
        bad(match e.location() {
            Some(l) => format!("line {} column {}: {e}", l.line(), l.column()),
            None => e.to_string(),
        })
    })?;
    let services = v
        .get("services")
        .and_then(Yaml::as_mapping)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| bad("a `services` mapping with at least one service is required".into()))?;
    let mut names = vec![];
    for (k, s) in services {
        let name = k.as_str().unwrap_or_default().to_owned();
        if !s.is_mapping() {
            return Err(bad(format!("services.{name}: a mapping is required")));
        }
        names.push(name);
    }
    Ok(names)
}

/// Writes `content` to `dir/name` without following a symlink at `name` (`O_NOFOLLOW`: a
/// symlink planted there makes the write fail instead of writing through it).
pub(super) fn write_file(dir: &Path, name: &str, content: &str) -> ServiceResult<PathBuf> {
    use std::io::Write;
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(ServiceError::internal)?;
    let p = dir.join(name);
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&p)
        .and_then(|mut f| f.write_all(content.as_bytes()))
        .map_err(ServiceError::internal)?;
    Ok(p)
}

/// A short summary of compose's error output: its first meaningful line, the file path
/// replaced, quoted text removed (compose quotes file contents in some errors, e.g. dotenv
/// parse errors), at most 300 characters (issue 11, section 3; review C5).
fn summarize_compose_error(stderr: &str, file: &Path) -> String {
    let line = stderr
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .replace(&file.display().to_string(), "compose file");
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for ch in line.chars() {
        match quote {
            Some(q) if ch == q => {
                out.push('…');
                out.push(ch);
                quote = None;
            }
            Some(_) => {}
            None if ch == '"' || ch == '\'' || ch == '`' => {
                out.push(ch);
                quote = Some(ch);
            }
            None => out.push(ch),
        }
    }
    if quote.is_some() {
        out.push('…');
    }
    // The rest of the message names fields (`services.web.ports contains an invalid type`).
    let rest: Vec<&str> = stderr
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains('"') && !l.contains('\'') && l.len() < 200)
        .take(3)
        .collect();
    for r in rest {
        out.push_str("; ");
        out.push_str(r);
    }
    out.chars().take(300).collect()
}

/// Resolves `content` with the compose CLI's `config` and returns the resolved file. A refusal
/// is a 422 on `compose_content` with a short summary of compose's message
/// ([`summarize_compose_error`]; secrets masked).
async fn resolve(
    core: &Core,
    target: &Target,
    project: &str,
    layout: &Layout,
    content: &str,
    vars: &Vars,
) -> ServiceResult<Yaml> {
    let cli = core.compose.get().await?;
    let _permit = core.compose.permit()?;
    let check = format!(".check-{}.yml", Uuid::now_v7());
    let file = write_file(&layout.files, &check, content)?;
    let files = [file.clone()];
    let run_root = run_root(core);
    let inv = ComposeInvocation {
        target,
        project,
        workdir: &layout.project,
        run_root: &run_root,
        files: &files,
        variables: &vars.pairs,
        project_dir: Some(&layout.project),
        env_prefix: layout.env_content.as_deref(),
    };
    let r = cli.output(&inv, &["config"]).await;
    let _ = std::fs::remove_file(&file);
    let (code, stdout, stderr) = r.map_err(ServiceError::internal)?;
    if code != 0 {
        let msg = mask(&summarize_compose_error(&stderr, &file), &vars.secrets);
        return Err(ServiceError::field(
            "compose_content",
            "invalid_compose",
            if msg.is_empty() {
                format!("compose config exited with {code}")
            } else {
                msg
            },
        ));
    }
    serde_yaml_ng::from_str(&stdout).map_err(ServiceError::internal)
}

/// Where compose runs for a stack.
pub(crate) struct Layout {
    /// `<data_dir>/compose/<id>`: the compose files WindFlow writes ([`files_dir`]).
    pub files: PathBuf,
    /// The project directory (`--project-directory`): `<data_dir>/stacks/<id>`, or for a Git
    /// stack the compose file's directory in the checkout. Relative paths resolve here and
    /// bind sources inside it (without symlinks) are the stack's own.
    pub project: PathBuf,
    /// Git stacks: the content of the env file from the checkout (its names checked).
    pub env_content: Option<String>,
}

impl Layout {
    pub(super) fn internal(core: &Core, id: &str, project: PathBuf) -> Self {
        Self {
            files: files_dir(core, id),
            project,
            env_content: None,
        }
    }
}

/// Validates `content` for endpoint `ep` and enforces the privileged guard with `authority`
/// (`None`: an automatic run whose stack creator is gone; privileged options are refused).
pub(super) async fn validate_for(
    core: &Core,
    authority: Option<Authority>,
    ep: &endpoints::Model,
    project: &str,
    layout: &Layout,
    content: &str,
    vars: &Vars,
) -> ServiceResult<ComposeCheck> {
    let services = parse_compose(content)?;
    let raw: Yaml = serde_yaml_ng::from_str(content).map_err(ServiceError::internal)?;
    std::fs::create_dir_all(&layout.project).map_err(ServiceError::internal)?;
    compose_guard::check_server_files(&raw, &layout.project)
        .map_err(|m| ServiceError::field("compose_content", "outside_project", m))?;
    let resolved = resolve(core, &target(core, ep)?, project, layout, content, vars).await?;
    let allowlist = allowlist_of(&ep.bind_allowlist);
    let found = compose_guard::privileged_findings(
        &resolved,
        project,
        &BindRules {
            own: &layout.project,
            allowlist: &allowlist,
        },
    );
    if !found.is_empty() {
        let allowed = match authority {
            Some(a) => authz::require_for(
                &core.db,
                a,
                &ScopePath::environment(ep.organization_id, ep.project_id, ep.environment_id),
                Permission::ContainersCreatePrivileged,
            )
            .await
            .is_ok(),
            None => false,
        };
        if !allowed {
            return Err(ServiceError::Forbidden(format!(
                "containers:create_privileged (for {})",
                found.join(", ")
            )));
        }
    }
    Ok(ComposeCheck {
        services,
        privileged_options: found,
    })
}

/// Where an endpoint's engine is, for telling two endpoints on one engine apart.
fn target_key(ep: &endpoints::Model) -> String {
    match (&ep.socket_path, &ep.host) {
        (Some(sock), _) if ep.connection_type == ConnectionType::Socket => format!("unix:{sock}"),
        (_, Some(h)) => format!("tcp:{}:{}", h.to_ascii_lowercase(), ep.port.unwrap_or(0)),
        _ => String::new(),
    }
}

/// The engine's identity (`docker info` `ID`), when it answers.
async fn engine_id(core: &Core, ep: &endpoints::Model) -> Option<String> {
    let e = engine(core, ep).await.ok()?;
    let info = e.system_info().await.ok()?;
    info.get("ID").and_then(|v| v.as_str()).map(str::to_owned)
}

/// Compose project names are unique per **engine**, not per endpoint (issue 11, section 3;
/// review M5): 409 when another stack (`except` aside) named `name` lives on an endpoint that
/// reaches the same engine (same socket or address, or the same engine `ID`), whatever its
/// organization.
pub(super) async fn other_stack_on_engine(
    core: &Core,
    ep: &endpoints::Model,
    name: &str,
    except: Option<Uuid>,
) -> ServiceResult<()> {
    let others = stacks::Entity::find()
        .filter(stacks::Column::Name.eq(name))
        .all(&core.db)
        .await?;
    let mut mine: Option<Option<String>> = None;
    for s in others.into_iter().filter(|s| Some(s.id) != except) {
        let Some(oep) = endpoints::Entity::find_by_id(s.endpoint_id)
            .one(&core.db)
            .await?
        else {
            continue;
        };
        let same = if oep.id == ep.id || target_key(&oep) == target_key(ep) {
            true
        } else {
            if mine.is_none() {
                mine = Some(engine_id(core, ep).await);
            }
            match (mine.clone().flatten(), engine_id(core, &oep).await) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            }
        };
        if same {
            return Err(ServiceError::Conflict(format!(
                "another stack already uses the compose project name {name:?} on this engine"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> Yaml {
        serde_yaml_ng::from_str(s).unwrap()
    }

    #[test]
    fn yaml_errors_name_line_and_column() {
        let e = parse_compose("services:\n  web:\n    image: [unclosed\n").unwrap_err();
        let ServiceError::Validation(f) = e else {
            panic!("not a validation error")
        };
        assert_eq!(f[0].field, "compose_content");
        assert!(f[0].message.contains("line "), "{}", f[0].message);
        assert!(parse_compose("version: '3'\n").is_err());
        assert_eq!(
            parse_compose("services:\n  a: {image: x}\n  b: {image: y}\n").unwrap(),
            vec!["a", "b"]
        );
    }

    #[test]
    fn guard_finds_each_option_and_binds() {
        let wd = Path::new("/data/stacks/s1");
        let allow = vec!["/srv/shared".to_owned()];
        let r = y(r#"
services:
  a: {image: x, privileged: true}
  b: {image: x, pid: host, ipc: host, network_mode: host, uts: host, userns_mode: host}
  c: {image: x, devices: ["/dev/fuse"], cap_add: [NET_ADMIN], sysctls: {net.core.somaxconn: "1"}, security_opt: ["seccomp:unconfined"]}
  d:
    image: x
    volumes:
      - /etc:/host-etc:ro
      - /srv/shared/x:/x
      - /data/stacks/s1/conf:/conf
      - /data/stacks/s1/../../../etc:/e
      - named:/data
      - {type: bind, source: /var/run/docker.sock, target: /s}
      - {type: volume, source: named, target: /v}
volumes:
  named: {}
  sneaky: {driver_opts: {type: none, o: bind, device: /root}}
"#);
        let rules = BindRules {
            own: wd,
            allowlist: &allow,
        };
        let found = compose_guard::privileged_findings(&r, "s1", &rules);
        for want in [
            "a: privileged",
            "b: pid=host",
            "b: ipc=host",
            "b: network_mode=host",
            "b: uts=host",
            "b: userns_mode=host",
            "c: devices",
            "c: cap_add:NET_ADMIN",
            "c: sysctls",
            "c: security_opt",
            "d: binds:/etc",
            "d: binds:/data/stacks/s1/../../../etc",
            "d: binds:/var/run/docker.sock",
            "volume sneaky: device:/root",
        ] {
            assert!(
                found.iter().any(|f| f == want),
                "missing {want} in {found:?}"
            );
        }
        assert_eq!(found.len(), 14, "{found:?}");
        let clean = y("services:\n  a: {image: x, privileged: false, volumes: ['named:/d']}\n");
        assert!(compose_guard::privileged_findings(&clean, "s1", &rules).is_empty());
    }

    #[test]
    fn compose_errors_are_summarised_without_quoted_content() {
        let f = Path::new("/data/compose/x/.check.yml");
        let s = summarize_compose_error(
            "\nunexpected character \"\\x00\" in variable name near \"SQLite format 3\\x00secret\"\nmore: \"x\"\n",
            f,
        );
        assert!(!s.contains("SQLite") && !s.contains("secret"), "{s}");
        assert!(s.starts_with("unexpected character"), "{s}");
        let s = summarize_compose_error(
            "The Compose file '/data/compose/x/.check.yml' is invalid because:\nservices.web.ports contains an invalid type, it should be an array\n",
            f,
        );
        assert!(
            s.contains("services.web.ports contains an invalid type"),
            "{s}"
        );
        assert!(!s.contains("/data/compose"), "{s}");
    }

    #[test]
    fn files_are_written_without_following_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("victim");
        std::fs::write(&target, "keep").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("docker-compose.yml")).unwrap();
        assert!(write_file(dir.path(), "docker-compose.yml", "services: {}").is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(write_file(dir.path(), "other.yml", "services: {}").is_ok());
    }

    #[test]
    fn project_names() {
        for (n, ok) in [
            ("web", true),
            ("my_app-1", true),
            ("Web", false),
            ("-a", false),
            ("", false),
        ] {
            let mut c = Checks::new();
            check_name(&mut c, n);
            assert_eq!(c.finish().is_ok(), ok, "{n}");
        }
    }
}
