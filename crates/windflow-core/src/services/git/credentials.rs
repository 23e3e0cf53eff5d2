//! Git credentials: HTTPS tokens and SSH keys, encrypted at rest and bound to the first host
//! they are used with.
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use uuid::Uuid;
use windflow_api::access::Permission;
use windflow_api::git::{
    CreateGitCredential, GitCredential, GitCredentialKind, UpdateGitCredential,
};
use windflow_api::rules;
use windflow_api::{Page, PageQuery};
use windflow_entity::{git_credentials as gc, git_repositories as gr};

use crate::audit::AuditEvent;

use crate::context::{Core, Ctx};
use crate::error::{ServiceError, ServiceResult};
use crate::resource::{self, Parent, load_for};

use crate::validate::Checks;

use super::url_guard::bound_host_of;
use super::{cred_aad, pass_aad};

/// Binds credential `cid` to the host of `url` if it is not bound yet (in the caller's
/// transaction).
pub(super) async fn bind_credential<C: sea_orm::ConnectionTrait>(
    db: &C,
    cid: Option<Uuid>,
    url: &str,
) -> ServiceResult<()> {
    if let Some(cid) = cid {
        gc::Entity::update_many()
            .col_expr(gc::Column::BoundHost, Expr::value(bound_host_of(url)))
            .filter(gc::Column::Id.eq(cid))
            .filter(gc::Column::BoundHost.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}

fn cred_to_api(m: gc::Model) -> GitCredential {
    GitCredential {
        id: m.id,
        organization_id: m.organization_id,
        project_id: m.project_id,
        name: m.name,
        kind: m.kind,
        username: m.username,
        has_secret: m.secret_enc.is_some(),
        has_passphrase: m.passphrase_enc.is_some(),
        bound_host: m.bound_host,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

fn check_key(c: &mut Checks, key: &str) {
    if !key.contains("PRIVATE KEY-----") || key.len() > 16 * 1024 {
        c.push(
            "private_key",
            "invalid_format",
            "a PEM or OpenSSH private key (-----BEGIN … PRIVATE KEY-----)",
        );
    }
}

/// Lists a project's Git credentials (`git:read`), by name.
pub async fn list_credentials(
    core: &Core,
    ctx: Ctx<'_>,
    project: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<GitCredential>> {
    Ok(resource::list_in(
        core,
        ctx,
        Parent::Project(project),
        Permission::GitRead,
        q,
        gc::Entity::find().filter(gc::Column::ProjectId.eq(project)),
    )
    .await?
    .map(cred_to_api))
}

/// Adds a Git credential (`git:create`). `https` needs `username` and `token`; `ssh` needs
/// `private_key` (passphrase optional); `none` takes no secret. Audited as
/// `git.credential.create` (no secret in it).
pub async fn create_credential(
    core: &Core,
    ctx: Ctx<'_>,
    project: Uuid,
    req: CreateGitCredential,
) -> ServiceResult<GitCredential> {
    let path = Parent::Project(project)
        .require(core, ctx, Permission::GitCreate)
        .await?;
    let mut c = Checks::new();
    c.rule("name", &req.name, rules::GIT_NAME);
    match req.kind {
        GitCredentialKind::None => {
            if req.token.is_some() || req.private_key.is_some() || req.passphrase.is_some() {
                c.push(
                    "kind",
                    "no_secret",
                    "kind none takes no token, key or passphrase",
                );
            }
        }
        GitCredentialKind::Https => {
            c.rule(
                "username",
                req.username.as_deref().unwrap_or(""),
                rules::CREDENTIAL_USERNAME,
            );
            c.rule(
                "token",
                req.token.as_deref().unwrap_or(""),
                rules::CREDENTIAL_SECRET,
            );
            if req.private_key.is_some() || req.passphrase.is_some() {
                c.push("private_key", "not_ssh", "only ssh credentials have a key");
            }
        }
        GitCredentialKind::Ssh => {
            check_key(&mut c, req.private_key.as_deref().unwrap_or(""));
            if req.token.is_some() {
                c.push("token", "not_https", "only https credentials have a token");
            }
        }
    }
    c.finish()?;
    let id = Uuid::now_v7();
    let enc = |v: &str, aad: &str| {
        core.crypto
            .encrypt(v.as_bytes(), aad)
            .map_err(ServiceError::internal)
    };
    let secret = req.token.as_deref().or(req.private_key.as_deref());
    let now = crate::now();
    let m = gc::Model {
        id,
        organization_id: path.organization,
        project_id: project,
        name: req.name.trim().into(),
        kind: req.kind,
        username: req.username.filter(|u| !u.is_empty()),
        secret_enc: secret.map(|s| enc(s, &cred_aad(id))).transpose()?,
        passphrase_enc: req
            .passphrase
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| enc(s, &pass_aad(id)))
            .transpose()?,
        bound_host: None,
        created_by: Some(ctx.principal.user_id),
        created_at: now,
        updated_at: now,
    };
    ctx.write(core, async |txn| {
        gc::Entity::insert(m.clone().into_active_model())
            .exec_without_returning(txn)
            .await?;
        let ev = AuditEvent::of::<gc::Entity>("git.credential.create", &m)
            .details(serde_json::json!({"kind": m.kind}));
        Ok(((), ev))
    })
    .await?;
    Ok(cred_to_api(m))
}

/// Changes a credential (`git:update`): name, username, and secrets given replace the stored
/// ones (the kind is fixed). Audited as `git.credential.update` with the changed field names.
pub async fn update_credential(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: UpdateGitCredential,
) -> ServiceResult<GitCredential> {
    let m = load_for::<gc::Entity>(core, ctx, id, Permission::GitUpdate).await?;
    let mut c = Checks::new();
    if let Some(n) = &req.name {
        c.rule("name", n, rules::GIT_NAME);
    }
    match m.kind {
        GitCredentialKind::Https => {
            if let Some(t) = &req.token {
                c.rule("token", t, rules::CREDENTIAL_SECRET);
            }
            if req.private_key.is_some() || req.passphrase.is_some() {
                c.push("private_key", "not_ssh", "only ssh credentials have a key");
            }
        }
        GitCredentialKind::Ssh => {
            if let Some(k) = &req.private_key {
                check_key(&mut c, k);
            }
            if req.token.is_some() {
                c.push("token", "not_https", "only https credentials have a token");
            }
        }
        GitCredentialKind::None => {
            if req.token.is_some() || req.private_key.is_some() || req.passphrase.is_some() {
                c.push(
                    "kind",
                    "no_secret",
                    "kind none takes no token, key or passphrase",
                );
            }
        }
    }
    c.finish()?;
    let mut changed = vec![];
    let mut am = m.clone().into_active_model();
    if let Some(n) = req.name {
        am.name = Set(n.trim().into());
        changed.push("name");
    }
    if let Some(u) = req.username {
        am.username = Set(Some(u).filter(|u| !u.is_empty()));
        changed.push("username");
    }
    if let Some(s) = req.token.or(req.private_key) {
        am.secret_enc = Set(Some(
            core.crypto
                .encrypt(s.as_bytes(), &cred_aad(id))
                .map_err(ServiceError::internal)?,
        ));
        // The secret given again: the credential may be used with another host.
        am.bound_host = Set(None);
        changed.push("secret");
    }
    if let Some(p) = req.passphrase {
        am.passphrase_enc = Set(if p.is_empty() {
            None
        } else {
            Some(
                core.crypto
                    .encrypt(p.as_bytes(), &pass_aad(id))
                    .map_err(ServiceError::internal)?,
            )
        });
        changed.push("passphrase");
    }
    am.updated_at = Set(crate::now());
    let updated = ctx
        .write(core, async |txn| {
            let updated = gc::Entity::update(am).exec(txn).await?;
            let ev = AuditEvent::of::<gc::Entity>("git.credential.update", &updated)
                .details(serde_json::json!({"changed": changed}));
            Ok((updated, ev))
        })
        .await?;
    Ok(cred_to_api(updated))
}

/// Removes a credential (`git:delete`); 409 while a repository uses it. Audited.
pub async fn delete_credential(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let m = load_for::<gc::Entity>(core, ctx, id, Permission::GitDelete).await?;
    ctx.write(core, async |txn| {
        if gr::Entity::find()
            .filter(gr::Column::CredentialId.eq(id))
            .one(txn)
            .await?
            .is_some()
        {
            return Err(ServiceError::Conflict(
                "a repository uses this credential".into(),
            ));
        }
        gc::Entity::delete_by_id(id).exec(txn).await?;
        let ev = AuditEvent::of::<gc::Entity>("git.credential.delete", &m);
        Ok(((), ev))
    })
    .await?;
    Ok(())
}

/// The libgit2 credentials of `id` (decrypted for one sync).
pub(super) async fn auth_of(core: &Core, id: Option<Uuid>) -> ServiceResult<windflow_git::Auth> {
    let Some(id) = id else {
        return Ok(windflow_git::Auth::None);
    };
    let m = gc::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or_else(|| ServiceError::Conflict("the repository's credential is gone".into()))?;
    let dec = |enc: &Option<String>, aad: String| -> ServiceResult<Option<String>> {
        enc.as_ref()
            .map(|e| {
                core.crypto
                    .decrypt(e, &aad)
                    .map(|v| String::from_utf8_lossy(&v).into_owned())
                    .map_err(ServiceError::internal)
            })
            .transpose()
    };
    let secret = dec(&m.secret_enc, cred_aad(id))?.unwrap_or_default();
    Ok(match m.kind {
        GitCredentialKind::Https => windflow_git::Auth::UserPass {
            username: m.username.unwrap_or_default(),
            password: secret,
        },
        GitCredentialKind::Ssh => windflow_git::Auth::SshKey {
            username: m.username.unwrap_or_else(|| "git".into()),
            private_key: secret,
            passphrase: dec(&m.passphrase_enc, pass_aad(id))?,
        },
        GitCredentialKind::None => windflow_git::Auth::None,
    })
}
