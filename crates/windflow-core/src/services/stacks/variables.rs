//! Stack variables: names, encryption of secrets, the secret values to mask in output (the
//! masking itself is `crate::masking`).
use std::collections::HashMap;
use windflow_api::access::Permission;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
};
use uuid::Uuid;
use windflow_api::stacks::{StackVariable, StackVariableInput};
use windflow_entity::{endpoints, stack_variables, stacks};

use crate::audit::AuditEvent;
use crate::authz;
use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::validate::Checks;

use super::{PROJECT_LABEL, load, scope, unlocked};

/// Largest variable value, bytes.
pub const MAX_VALUE_BYTES: usize = 32 * 1024;
fn aad(stack: Uuid, key: &str) -> String {
    format!("stack_variable:{stack}:{key}")
}

/// Variable names a stack may not set: compose, Docker and BuildKit settings, the dynamic
/// loader, interpreters, proxies and the shell (issue 11, section 3; review C4). Compared
/// case-insensitively; a name equal to an entry or starting with an entry ending in `_` or
/// `PYTHON` is reserved.
pub const RESERVED_VARIABLE_PREFIXES: &[&str] = &[
    "DOCKER_",
    "COMPOSE_",
    "BUILDKIT_",
    "BUILDX_",
    "LD_",
    "PYTHON",
    "SSH_",
    "GIT_",
    "MALLOC_",
    "DYLD_",
    "NODE_",
    "PERL",
    "RUBY",
    "BASH_",
];

/// Reserved exact names (see [`RESERVED_VARIABLE_PREFIXES`]).
pub const RESERVED_VARIABLE_NAMES: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "SHELL",
    "ENV",
    "IFS",
    "TMPDIR",
    "BROWSER",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "FTP_PROXY",
    "GCONV_PATH",
    "LOCPATH",
    "NLSPATH",
    "HOSTALIASES",
    "RES_OPTIONS",
    "LOCALDOMAIN",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

/// True when a stack variable may not be called `key` (see [`RESERVED_VARIABLE_PREFIXES`]).
pub fn reserved_variable(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    RESERVED_VARIABLE_NAMES.contains(&k.as_str())
        || RESERVED_VARIABLE_PREFIXES.iter().any(|p| k.starts_with(p))
}

pub(super) fn check_variables(c: &mut Checks, vars: &[StackVariableInput]) {
    let mut seen = std::collections::HashSet::new();
    for (i, v) in vars.iter().enumerate() {
        let mut chars = v.key.chars();
        let ok = v.key.len() <= 128
            && chars
                .next()
                .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
            && chars.all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
        if !ok {
            c.push(
                &format!("variables[{i}].key"),
                "invalid_format",
                "[A-Za-z_][A-Za-z0-9_]*, at most 128 characters",
            );
        }
        if ok && reserved_variable(&v.key) {
            c.push(
                &format!("variables[{i}].key"),
                "reserved",
                "reserved for Docker, Compose, the loader, interpreters or the shell \
                 (DOCKER_*, COMPOSE_*, BUILDKIT_*, LD_*, PYTHON*, PATH, HOME, ...)",
            );
        }
        if !seen.insert(v.key.as_str()) {
            c.push(&format!("variables[{i}].key"), "duplicate", "each key once");
        }
        if v.value.as_ref().is_some_and(|x| x.len() > MAX_VALUE_BYTES) {
            c.push(
                &format!("variables[{i}].value"),
                "too_long",
                "at most 32 KiB",
            );
        }
    }
}

/// The secret variable values to hide from the caller in a container's inspect document and
/// logs (issue 11, section 5; review M2): those of the stack that owns the container (its
/// `com.docker.compose.project` label, a stack of that name on endpoint `ep`) when the caller
/// lacks `stacks:update` on it. Empty otherwise. Stacks' API to `services::docker` (container
/// logs and inspect); the masking itself is [`crate::masking`].
pub(crate) async fn secrets_hidden_from(
    core: &Core,
    ctx: Ctx<'_>,
    ep: &endpoints::Model,
    labels: &HashMap<String, String>,
) -> ServiceResult<Vec<String>> {
    let Some(project) = labels.get(PROJECT_LABEL) else {
        return Ok(vec![]);
    };
    let Some(stack) = stacks::Entity::find()
        .filter(stacks::Column::EndpointId.eq(ep.id))
        .filter(stacks::Column::Name.eq(project.as_str()))
        .one(&core.db)
        .await?
    else {
        return Ok(vec![]);
    };
    if authz::require(
        &core.db,
        ctx.principal,
        &scope(&stack),
        Permission::StacksUpdate,
    )
    .await
    .is_ok()
    {
        return Ok(vec![]);
    }
    Ok(load_vars(core, &core.db, stack.id).await?.secrets)
}

/// A stack's variables for a run: `(key, value)` pairs, secret values (to mask) and names.
pub(super) struct Vars {
    pub(super) pairs: Vec<(String, String)>,
    pub(super) secrets: Vec<String>,
}

pub(super) async fn load_vars<C: ConnectionTrait>(
    core: &Core,
    db: &C,
    stack: Uuid,
) -> ServiceResult<Vars> {
    let rows = stack_variables::Entity::find()
        .filter(stack_variables::Column::StackId.eq(stack))
        .order_by_asc(stack_variables::Column::Key)
        .all(db)
        .await?;
    let mut v = Vars {
        pairs: vec![],
        secrets: vec![],
    };
    for r in rows {
        let value = match (&r.value_enc, &r.value) {
            (Some(enc), _) => String::from_utf8_lossy(
                &core
                    .crypto
                    .decrypt(enc, &aad(stack, &r.key))
                    .map_err(ServiceError::internal)?,
            )
            .into_owned(),
            (None, Some(p)) => p.clone(),
            (None, None) => String::new(),
        };
        if r.is_secret {
            v.secrets.push(value.clone());
        }
        v.pairs.push((r.key, value));
    }
    Ok(v)
}

pub(super) fn vars_of_input(vars: &[StackVariableInput]) -> Vars {
    Vars {
        pairs: vars
            .iter()
            .map(|v| (v.key.clone(), v.value.clone().unwrap_or_default()))
            .collect(),
        secrets: vars
            .iter()
            .filter(|v| v.is_secret)
            .filter_map(|v| v.value.clone())
            .collect(),
    }
}

pub(super) fn var_rows(
    core: &Core,
    stack: Uuid,
    vars: Vec<StackVariableInput>,
    existing: &HashMap<String, stack_variables::Model>,
) -> ServiceResult<Vec<stack_variables::Model>> {
    let now = crate::now();
    let mut out = vec![];
    for v in vars {
        let (value, value_enc) = if v.is_secret {
            let enc = match (&v.value, existing.get(&v.key)) {
                (Some(x), _) => core
                    .crypto
                    .encrypt(x.as_bytes(), &aad(stack, &v.key))
                    .map_err(ServiceError::internal)?,
                (None, Some(old)) if old.is_secret => old.value_enc.clone().unwrap_or_default(),
                (None, _) => {
                    return Err(ServiceError::field(
                        &format!("variables.{}", v.key),
                        "required",
                        "a new secret needs a value",
                    ));
                }
            };
            (None, Some(enc))
        } else {
            (Some(v.value.unwrap_or_default()), None)
        };
        let old = existing.get(&v.key);
        out.push(stack_variables::Model {
            id: old.map(|o| o.id).unwrap_or_else(Uuid::now_v7),
            stack_id: stack,
            key: v.key,
            value,
            value_enc,
            is_secret: v.is_secret,
            created_at: old.map(|o| o.created_at).unwrap_or(now),
            updated_at: now,
        });
    }
    Ok(out)
}

pub(super) async fn insert_vars<C: ConnectionTrait>(
    db: &C,
    rows: Vec<stack_variables::Model>,
) -> ServiceResult<()> {
    for r in rows {
        stack_variables::Entity::insert(r.into_active_model())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The stack's variables (`stacks:read`); secret values are `null`.
pub async fn variables(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<Vec<StackVariable>> {
    load(core, ctx, id, Permission::StacksRead).await?;
    Ok(stack_variables::Entity::find()
        .filter(stack_variables::Column::StackId.eq(id))
        .order_by_asc(stack_variables::Column::Key)
        .all(&core.db)
        .await?
        .into_iter()
        .map(|r| StackVariable {
            key: r.key,
            value: if r.is_secret { None } else { r.value },
            is_secret: r.is_secret,
        })
        .collect())
}

/// Replaces the variable set (`stacks:update`; refused while locked). An existing secret given
/// with `value: null` keeps its stored value. Audited as `stack.variables` with the names.
pub async fn set_variables(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    vars: Vec<StackVariableInput>,
) -> ServiceResult<Vec<StackVariable>> {
    let (m, _) = load(core, ctx, id, Permission::StacksUpdate).await?;
    unlocked(&m)?;
    let mut c = Checks::new();
    check_variables(&mut c, &vars);
    c.finish()?;
    let existing: HashMap<String, stack_variables::Model> = stack_variables::Entity::find()
        .filter(stack_variables::Column::StackId.eq(id))
        .all(&core.db)
        .await?
        .into_iter()
        .map(|r| (r.key.clone(), r))
        .collect();
    let names: Vec<String> = vars.iter().map(|v| v.key.clone()).collect();
    let rows = var_rows(core, id, vars, &existing)?;
    ctx.write(core, async |txn| {
        stack_variables::Entity::delete_many()
            .filter(stack_variables::Column::StackId.eq(id))
            .exec(txn)
            .await?;
        insert_vars(txn, rows).await?;
        let ev = AuditEvent::of::<stacks::Entity>("stack.variables", &m)
            .details(serde_json::json!({"variables": names}));
        Ok(((), ev))
    })
    .await?;
    variables(core, ctx, id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_variable_names() {
        for k in [
            "DOCKER_HOST",
            "docker_config",
            "COMPOSE_FILE",
            "LD_PRELOAD",
            "PYTHONWARNINGS",
            "PATH",
            "home",
            "BROWSER",
            "https_proxy",
            "BUILDKIT_HOST",
            "GIT_SSH_COMMAND",
        ] {
            assert!(reserved_variable(k), "{k}");
        }
        for k in ["APP_PORT", "DB_PASSWORD", "PATHS", "MY_DOCKER_HOST", "TAG"] {
            assert!(!reserved_variable(k), "{k}");
        }
        let mut c = Checks::new();
        check_variables(
            &mut c,
            &[StackVariableInput {
                key: "DOCKER_HOST".into(),
                value: Some("unix:///var/run/docker.sock".into()),
                is_secret: false,
            }],
        );
        let Err(ServiceError::Validation(f)) = c.finish() else {
            panic!("DOCKER_HOST accepted")
        };
        assert_eq!(
            (f[0].field.as_str(), f[0].code.as_str()),
            ("variables[0].key", "reserved")
        );
    }
}
