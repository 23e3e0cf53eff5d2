//! Git credentials, Git repositories, their sync, webhooks and scheduled sync (issue "Compose
//! stacks"; DOMAIN.md module `stacks`: `git_credentials`, `git_repositories`; module `docker`:
//! `schedule_executions`; seed 000).
//!
//! Rules, and where they come from:
//! - Both belong to a project; permissions `git:read|create|update|delete|sync` are checked at
//!   the project scope. Another tenant's objects are 404.
//! - Credential secrets (token, private key, passphrase) are encrypted by the crypto module
//!   (AAD `git_credential:<id>` and `git_credential_passphrase:<id>`), never returned or logged.
//! - Remote URLs are checked on save and again before every fetch (DNS may change): schemes
//!   `https`, `http`, `ssh`, `git` and scp-like `user@host:path`; `file://` and hosts resolving
//!   to loopback, link-local (cloud metadata) or unspecified addresses are refused unless the
//!   platform setting `allow_local_git_urls` is on (an SSRF guard). Private LAN ranges pass.
//! - A sync fetches the tracked branch with libgit2 into `<data_dir>/git/<repository id>/`,
//!   checks its tip out, and refreshes the compose content of the repository's Git stacks. One
//!   sync per repository at a time across replicas (lease `git:<id>`).
//! - Every sync, whatever started it (`manual`, `webhook`, `schedule`), is a
//!   `schedule_executions` row with status, timing, commit, logs and the deployments it started.
//! - Webhooks: `POST /webhooks/git/<webhook id>`, the id being 32 random bytes. GitHub (and
//!   `other`): `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`; Gitea:
//!   `X-Gitea-Signature: <hex HMAC-SHA256>` (or GitHub's header); GitLab: `X-Gitlab-Token`.
//!   Compared in constant time (`hmac`'s `verify_slice`, `subtle`). A push to the tracked branch
//!   syncs and redeploys; a ping, another event or another branch is ignored; a bad signature is
//!   401. Every delivery is audited (`git.webhook`), refusals with outcome `denied`.
//! - Scheduled sync: a 5-field cron expression (UTC, parsed by `croner`). A repository is due
//!   when `next_sync_at <= now`; a replica claims it by moving `next_sync_at` forward with a
//!   compare-and-set update, and the execution row is unique per (repository, due time), so a
//!   due run executes once however many replicas see it.
//! - After a webhook or scheduled sync, each deployed, unlocked Git stack of the repository
//!   whose deployed commit differs is redeployed (trigger `webhook`/`schedule`), with the
//!   permissions of the stack's creator for the privileged guard (none if that user is gone).
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder,
};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use uuid::Uuid;
use windflow_api::git::{
    CreateGitCredential, GitCredential, GitCredentialKind, GitProvider, GitRepository,
    GitRepositoryCreated, GitRepositoryInput, GitSyncStatus, PlatformSettings, ScheduleExecution,
    UpdateGitCredential, WebhookAccepted, WebhookSecret,
};
use windflow_api::{Page, PageQuery};
use windflow_entity::{
    endpoints, git_credentials as gc, git_repositories as gr, platform_settings,
    schedule_executions as se, stacks, users,
};

use crate::audit::{Actor, AuditEvent, record};
use crate::authz;
use crate::context::{Authority, Core, Ctx, Initiator, RequestMeta};
use crate::error::{ServiceError, ServiceResult};
use crate::pagination::{PageSpec, fetch_page};
use crate::rbac::ScopePath;
use crate::validate::Checks;
use windflow_api::audit::AuditOutcome;

use super::stacks::{Layout, MAX_COMPOSE_BYTES};

/// Lifetime of a sync's lease on its repository, seconds, renewed by a heartbeat while the sync
/// runs (after a crash it lapses and the sweep closes the execution).
pub(crate) const SYNC_LEASE_SECS: i64 = 60;
const MAX_LOG_BYTES: usize = 64 * 1024;

fn cred_aad(id: Uuid) -> String {
    format!("git_credential:{id}")
}
fn pass_aad(id: Uuid) -> String {
    format!("git_credential_passphrase:{id}")
}
fn hook_aad(id: Uuid) -> String {
    format!("git_webhook:{id}")
}

/// `<data_dir>/git/<repository id>`: the repository's checkout.
pub fn checkout_dir(core: &Core, repo: Uuid) -> PathBuf {
    core.settings.data_dir.join("git").join(repo.to_string())
}

fn project_path(org: Uuid, project: Uuid) -> ScopePath {
    ScopePath {
        organization: org,
        project: Some(project),
        environment: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Platform settings

/// Binds credential `cid` to the host of `url` if it is not bound yet (in the caller's
/// transaction).
async fn bind_credential<C: sea_orm::ConnectionTrait>(
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

/// Reads `allow_local_git_urls` (false when the row is missing).
pub async fn allow_local_urls(core: &Core) -> ServiceResult<bool> {
    Ok(platform_settings::Entity::find_by_id(1)
        .one(&core.db)
        .await?
        .is_some_and(|m| m.allow_local_git_urls))
}

/// Reads the platform settings (`settings:read`, global).
pub async fn get_platform(core: &Core, ctx: Ctx<'_>) -> ServiceResult<PlatformSettings> {
    authz::require_global(ctx.principal, "settings:read")?;
    let m = platform_settings::Entity::find_by_id(1)
        .one(&core.db)
        .await?;
    Ok(PlatformSettings {
        allow_local_git_urls: m.as_ref().is_some_and(|m| m.allow_local_git_urls),
        allow_local_endpoints: m.as_ref().is_some_and(|m| m.allow_local_endpoints),
    })
}

/// Replaces the platform settings (`settings:update`, global), audited as
/// `settings.platform.update` with old and new.
pub async fn set_platform(
    core: &Core,
    ctx: Ctx<'_>,
    new: PlatformSettings,
) -> ServiceResult<PlatformSettings> {
    authz::require_global(ctx.principal, "settings:update")?;
    let txn = super::begin(&core.db).await?;
    let m = platform_settings::Entity::find_by_id(1)
        .one(&txn)
        .await?
        .ok_or_else(|| ServiceError::internal("platform_settings row missing"))?;
    let old = (m.allow_local_git_urls, m.allow_local_endpoints);
    let mut am = m.into_active_model();
    am.allow_local_git_urls = Set(new.allow_local_git_urls);
    am.allow_local_endpoints = Set(new.allow_local_endpoints);
    am.updated_at = Set(crate::now());
    platform_settings::Entity::update(am).exec(&txn).await?;
    ctx.audit(
        &txn,
        AuditEvent::new("settings.platform.update", "platform_settings")
            .resource(1, None)
            .details(serde_json::json!({
                "old": {"allow_local_git_urls": old.0, "allow_local_endpoints": old.1},
                "new": {
                    "allow_local_git_urls": new.allow_local_git_urls,
                    "allow_local_endpoints": new.allow_local_endpoints,
                },
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(new)
}

// ---------------------------------------------------------------------------------------------
// URL checks

/// Host and port of a remote URL, or `None` for `file://`.
fn url_host(url: &str) -> Result<Option<(String, u16)>, String> {
    if url.starts_with("file://") {
        return Ok(None);
    }
    if url.contains("://") {
        let u = url::Url::parse(url).map_err(|e| format!("not a valid URL: {e}"))?;
        let port = match u.scheme() {
            "https" => 443,
            "http" => 80,
            "ssh" => 22,
            "git" => 9418,
            other => return Err(format!("unsupported scheme {other:?}")),
        };
        let host = u
            .host_str()
            .ok_or("the URL has no host")?
            .trim_matches(['[', ']'])
            .to_owned();
        return Ok(Some((host, u.port().unwrap_or(port))));
    }
    // scp-like: [user@]host:path
    let (left, path) = url
        .split_once(':')
        .ok_or("use https://, http://, ssh://, git:// or user@host:path")?;
    let host = left.rsplit('@').next().unwrap_or(left);
    if host.is_empty() || path.is_empty() || host.contains('/') {
        return Err("use https://, http://, ssh://, git:// or user@host:path".into());
    }
    Ok(Some((host.to_owned(), 22)))
}

/// Loopback, link-local, unspecified, broadcast or multicast (IPv4, IPv6 and v4-mapped).
pub(crate) fn local_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return local_ip(IpAddr::V4(v4));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
    }
}

/// Addresses a Git remote may not have (without `allow_local_git_urls`): [`local_ip`], plus
/// unique-local IPv6 `fc00::/7` (AWS's IPv6 metadata service `fd00:ec2::254`), shared address
/// space `100.64.0.0/10` (Alibaba's metadata `100.100.100.200`) and IETF protocol assignments
/// `192.0.0.0/24` (issue 11, section 4; review M4).
pub(crate) fn blocked_git_ip(ip: IpAddr) -> bool {
    if local_ip(ip) {
        return true;
    }
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            (o[0] == 100 && (o[1] & 0xc0) == 64) || (o[0] == 192 && o[1] == 0 && o[2] == 0)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => blocked_git_ip(IpAddr::V4(v4)),
            None => (v6.segments()[0] & 0xfe00) == 0xfc00,
        },
    }
}

/// The host of a Git URL as a credential is bound to it (lower case; `file` for `file://`).
fn bound_host_of(url: &str) -> String {
    match url_host(url) {
        Ok(Some((h, _))) => h.to_ascii_lowercase(),
        Ok(None) => "file".into(),
        Err(_) => String::new(),
    }
}

/// Checks a remote URL (see the module rules). The message says why it is refused. Returns the
/// host and the address that passed the check, which the fetch must connect to (no second
/// resolution: DNS rebinding), or `None` when nothing is pinned (`file://`, or local URLs
/// allowed).
pub async fn check_url(url: &str, allow_local: bool) -> Result<Option<(String, IpAddr)>, String> {
    if url.len() > 2048 || url.chars().any(char::is_control) {
        return Err("not a valid URL".into());
    }
    if url.contains("://")
        && url::Url::parse(url).is_ok_and(|u| !u.password().unwrap_or_default().is_empty())
    {
        return Err("put credentials in a Git credential, not in the URL".into());
    }
    let Some((host, port)) = url_host(url)? else {
        return if allow_local {
            Ok(None)
        } else {
            Err("file:// URLs are refused (platform setting allow_local_git_urls)".into())
        };
    };
    if allow_local {
        return Ok(None);
    }
    let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|_| format!("host {host:?} does not resolve"))?
            .map(|a| a.ip())
            .collect(),
    };
    if addrs.is_empty() || addrs.iter().any(|ip| blocked_git_ip(*ip)) {
        return Err(format!(
            "host {host:?} is a loopback, link-local, unspecified, unique-local or shared \
             (CGNAT) address (platform setting allow_local_git_urls)"
        ));
    }
    Ok(addrs.first().map(|ip| (host.clone(), *ip)))
}

// ---------------------------------------------------------------------------------------------
// Credentials

fn kind_str(k: GitCredentialKind) -> &'static str {
    match k {
        GitCredentialKind::None => "none",
        GitCredentialKind::Https => "https",
        GitCredentialKind::Ssh => "ssh",
    }
}

fn cred_to_api(m: gc::Model) -> GitCredential {
    GitCredential {
        id: m.id,
        organization_id: m.organization_id,
        project_id: m.project_id,
        name: m.name,
        kind: match m.kind.as_str() {
            "https" => GitCredentialKind::Https,
            "ssh" => GitCredentialKind::Ssh,
            _ => GitCredentialKind::None,
        },
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
    let (_, path) = authz::project_scope(&core.db, project).await?;
    authz::require(&core.db, ctx.principal, &path, "git:read").await?;
    let spec = PageSpec::parse(q, true)?;
    let s = gc::Entity::find().filter(gc::Column::ProjectId.eq(project));
    let (rows, next_cursor) = fetch_page(
        &core.db,
        s,
        gc::Column::Id,
        Some(gc::Column::Name),
        &spec,
        |m| (m.id, Some(m.name.clone())),
    )
    .await?;
    Ok(Page {
        items: rows.into_iter().map(cred_to_api).collect(),
        next_cursor,
    })
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
    let (p, path) = authz::project_scope(&core.db, project).await?;
    authz::require(&core.db, ctx.principal, &path, "git:create").await?;
    let mut c = Checks::new();
    c.name("name", &req.name, 1, 100);
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
            c.name("username", req.username.as_deref().unwrap_or(""), 1, 255);
            c.name("token", req.token.as_deref().unwrap_or(""), 1, 4096);
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
        organization_id: p.organization_id,
        project_id: project,
        name: req.name.trim().into(),
        kind: kind_str(req.kind).into(),
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
    let txn = super::begin(&core.db).await?;
    gc::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    ctx.audit(
        &txn,
        AuditEvent::new("git.credential.create", "git_credential")
            .resource(id, Some(m.name.clone()))
            .org(m.organization_id)
            .project(project)
            .details(serde_json::json!({"kind": m.kind})),
    )
    .await?;
    txn.commit().await?;
    Ok(cred_to_api(m))
}

async fn load_credential(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    perm: &str,
) -> ServiceResult<gc::Model> {
    let m = gc::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    authz::require(
        &core.db,
        ctx.principal,
        &project_path(m.organization_id, m.project_id),
        perm,
    )
    .await?;
    Ok(m)
}

/// Changes a credential (`git:update`): name, username, and secrets given replace the stored
/// ones (the kind is fixed). Audited as `git.credential.update` with the changed field names.
pub async fn update_credential(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: UpdateGitCredential,
) -> ServiceResult<GitCredential> {
    let m = load_credential(core, ctx, id, "git:update").await?;
    let mut c = Checks::new();
    if let Some(n) = &req.name {
        c.name("name", n, 1, 100);
    }
    match m.kind.as_str() {
        "https" => {
            if let Some(t) = &req.token {
                c.name("token", t, 1, 4096);
            }
            if req.private_key.is_some() || req.passphrase.is_some() {
                c.push("private_key", "not_ssh", "only ssh credentials have a key");
            }
        }
        "ssh" => {
            if let Some(k) = &req.private_key {
                check_key(&mut c, k);
            }
            if req.token.is_some() {
                c.push("token", "not_https", "only https credentials have a token");
            }
        }
        _ => {
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
    let txn = super::begin(&core.db).await?;
    let updated = gc::Entity::update(am).exec(&txn).await?;
    ctx.audit(
        &txn,
        AuditEvent::new("git.credential.update", "git_credential")
            .resource(id, Some(updated.name.clone()))
            .org(m.organization_id)
            .project(m.project_id)
            .details(serde_json::json!({"changed": changed})),
    )
    .await?;
    txn.commit().await?;
    Ok(cred_to_api(updated))
}

/// Removes a credential (`git:delete`); 409 while a repository uses it. Audited.
pub async fn delete_credential(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let m = load_credential(core, ctx, id, "git:delete").await?;
    let txn = super::begin(&core.db).await?;
    if gr::Entity::find()
        .filter(gr::Column::CredentialId.eq(id))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(ServiceError::Conflict(
            "a repository uses this credential".into(),
        ));
    }
    gc::Entity::delete_by_id(id).exec(&txn).await?;
    ctx.audit(
        &txn,
        AuditEvent::new("git.credential.delete", "git_credential")
            .resource(id, Some(m.name))
            .org(m.organization_id)
            .project(m.project_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The libgit2 credentials of `id` (decrypted for one sync).
async fn auth_of(core: &Core, id: Option<Uuid>) -> ServiceResult<windflow_git::Auth> {
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
    Ok(match m.kind.as_str() {
        "https" => windflow_git::Auth::UserPass {
            username: m.username.unwrap_or_default(),
            password: secret,
        },
        "ssh" => windflow_git::Auth::SshKey {
            username: m.username.unwrap_or_else(|| "git".into()),
            private_key: secret,
            passphrase: dec(&m.passphrase_enc, pass_aad(id))?,
        },
        _ => windflow_git::Auth::None,
    })
}

// ---------------------------------------------------------------------------------------------
// Repositories

fn provider_str(p: GitProvider) -> &'static str {
    match p {
        GitProvider::Github => "github",
        GitProvider::Gitlab => "gitlab",
        GitProvider::Gitea => "gitea",
        GitProvider::Other => "other",
    }
}

fn provider_of(s: &str) -> GitProvider {
    match s {
        "github" => GitProvider::Github,
        "gitlab" => GitProvider::Gitlab,
        "gitea" => GitProvider::Gitea,
        _ => GitProvider::Other,
    }
}

fn repo_to_api(m: gr::Model) -> GitRepository {
    GitRepository {
        id: m.id,
        organization_id: m.organization_id,
        project_id: m.project_id,
        name: m.name,
        provider: provider_of(&m.provider),
        url: m.url,
        branch: m.branch,
        compose_path: m.compose_path,
        credential_id: m.credential_id,
        sync_cron: m.sync_cron,
        next_sync_at: m.next_sync_at,
        webhook_path: format!("/webhooks/git/{}", m.webhook_id),
        last_commit: m.last_commit,
        sync_status: match m.sync_status.as_str() {
            "syncing" => GitSyncStatus::Syncing,
            "synced" => GitSyncStatus::Synced,
            "error" => GitSyncStatus::Error,
            _ => GitSyncStatus::Never,
        },
        sync_error: m.sync_error,
        last_synced_at: m.last_synced_at,
        ssh_host_key: m.ssh_host_key,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

/// Parses a 5-field cron expression (or a `@hourly`-style nickname).
pub fn parse_cron(expr: &str) -> Result<croner::Cron, String> {
    let e = expr.trim();
    if !e.starts_with('@') && e.split_whitespace().count() != 5 {
        return Err("5 fields: minute hour day-of-month month day-of-week".into());
    }
    croner::Cron::from_str(e).map_err(|err| err.to_string())
}

/// The first occurrence of `cron` strictly after `after`.
pub fn next_run(cron: &croner::Cron, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    cron.find_next_occurrence(&after, false).ok()
}

fn check_branch(c: &mut Checks, b: &str) {
    let ok = !b.is_empty()
        && b.len() <= 255
        && !b.starts_with('-')
        && !b.starts_with('/')
        && !b.ends_with('/')
        && !b.ends_with(".lock")
        && !b.contains("..")
        && !b.contains("@{")
        && !b
            .chars()
            .any(|ch| ch.is_control() || " ~^:?*[\\".contains(ch));
    if !ok {
        c.push("branch", "invalid_format", "not a valid Git branch name");
    }
}

/// Checks the input of a repository; returns the next scheduled sync.
async fn check_repo_input(
    core: &Core,
    project: Uuid,
    req: &GitRepositoryInput,
) -> ServiceResult<Option<DateTime<Utc>>> {
    let mut c = Checks::new();
    c.name("name", &req.name, 1, 100);
    check_branch(&mut c, &req.branch);
    if windflow_git::check_relative(&req.compose_path).is_err() {
        c.push(
            "compose_path",
            "invalid_format",
            "a relative path inside the repository",
        );
    }
    let mut next = None;
    if let Some(expr) = req.sync_cron.as_deref().filter(|e| !e.trim().is_empty()) {
        match parse_cron(expr) {
            Ok(cron) => next = next_run(&cron, crate::now()),
            Err(e) => c.push("sync_cron", "invalid_cron", e),
        }
    }
    if let Some(cid) = req.credential_id {
        match gc::Entity::find_by_id(cid)
            .one(&core.db)
            .await?
            .filter(|m| m.project_id == project)
        {
            None => c.push(
                "credential_id",
                "unknown",
                "no such Git credential in this project",
            ),
            Some(cred) => {
                let host = bound_host_of(&req.url);
                if let Some(b) = cred.bound_host.filter(|b| *b != host) {
                    c.push(
                        "credential_id",
                        "bound_to_other_host",
                        format!(
                            "this credential is bound to host {b}: give its secret again \
                             (update the credential) to use it with {host}"
                        ),
                    );
                }
            }
        }
    }
    if let Err(e) = check_url(&req.url, allow_local_urls(core).await?).await {
        c.push("url", "refused", e);
    }
    c.finish()?;
    Ok(next)
}

fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Lists a project's repositories (`git:read`), by name.
pub async fn list_repositories(
    core: &Core,
    ctx: Ctx<'_>,
    project: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<GitRepository>> {
    let (_, path) = authz::project_scope(&core.db, project).await?;
    authz::require(&core.db, ctx.principal, &path, "git:read").await?;
    let spec = PageSpec::parse(q, true)?;
    let s = gr::Entity::find().filter(gr::Column::ProjectId.eq(project));
    let (rows, next_cursor) = fetch_page(
        &core.db,
        s,
        gr::Column::Id,
        Some(gr::Column::Name),
        &spec,
        |m| (m.id, Some(m.name.clone())),
    )
    .await?;
    Ok(Page {
        items: rows.into_iter().map(repo_to_api).collect(),
        next_cursor,
    })
}

/// Adds a repository (`git:create`; 422 for a refused URL, a bad branch, path or cron, or a
/// credential of another project). Answers its webhook secret, which is shown only here and
/// on rotation. Audited as `git.repository.create`.
pub async fn create_repository(
    core: &Core,
    ctx: Ctx<'_>,
    project: Uuid,
    req: GitRepositoryInput,
) -> ServiceResult<GitRepositoryCreated> {
    let (p, path) = authz::project_scope(&core.db, project).await?;
    authz::require(&core.db, ctx.principal, &path, "git:create").await?;
    let next = check_repo_input(core, project, &req).await?;
    let id = Uuid::now_v7();
    let secret = random_token(32);
    let now = crate::now();
    let m = gr::Model {
        id,
        organization_id: p.organization_id,
        project_id: project,
        name: req.name.trim().into(),
        provider: provider_str(req.provider).into(),
        url: req.url,
        branch: req.branch,
        compose_path: req.compose_path,
        credential_id: req.credential_id,
        sync_cron: req.sync_cron.filter(|e| !e.trim().is_empty()),
        next_sync_at: next,
        webhook_id: random_token(32),
        webhook_secret_enc: core
            .crypto
            .encrypt(secret.as_bytes(), &hook_aad(id))
            .map_err(ServiceError::internal)?,
        last_commit: None,
        sync_status: "never".into(),
        sync_error: None,
        last_synced_at: None,
        ssh_host_key: None,
        created_by: Some(ctx.principal.user_id),
        created_at: now,
        updated_at: now,
    };
    let txn = super::begin(&core.db).await?;
    bind_credential(&txn, m.credential_id, &m.url).await?;
    gr::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(&txn)
        .await?;
    ctx.audit(
        &txn,
        repo_ev("git.repository.create", &m).details(serde_json::json!({
            "url": m.url, "branch": m.branch, "provider": m.provider, "sync_cron": m.sync_cron,
        })),
    )
    .await?;
    txn.commit().await?;
    let api = repo_to_api(m);
    Ok(GitRepositoryCreated {
        webhook: WebhookSecret {
            webhook_path: api.webhook_path.clone(),
            webhook_secret: secret,
        },
        repository: api,
    })
}

fn repo_ev(action: &str, m: &gr::Model) -> AuditEvent {
    AuditEvent::new(action, "git_repository")
        .resource(m.id, Some(m.name.clone()))
        .org(m.organization_id)
        .project(m.project_id)
}

async fn load_repo(core: &Core, ctx: Ctx<'_>, id: Uuid, perm: &str) -> ServiceResult<gr::Model> {
    let m = gr::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    authz::require(
        &core.db,
        ctx.principal,
        &project_path(m.organization_id, m.project_id),
        perm,
    )
    .await?;
    Ok(m)
}

/// Gets a repository (`git:read`).
pub async fn get_repository(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<GitRepository> {
    Ok(repo_to_api(load_repo(core, ctx, id, "git:read").await?))
}

/// Replaces a repository's settings (`git:update`; same checks as create). A new URL or branch
/// takes effect at the next sync. Audited as `git.repository.update`.
pub async fn update_repository(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    req: GitRepositoryInput,
) -> ServiceResult<GitRepository> {
    let m = load_repo(core, ctx, id, "git:update").await?;
    let next = check_repo_input(core, m.project_id, &req).await?;
    let mut am = m.clone().into_active_model();
    if bound_host_of(&req.url) != bound_host_of(&m.url) {
        // Another host: the pinned SSH host key belongs to the old one.
        am.ssh_host_key = Set(None);
    }
    let new_url = req.url.clone();
    am.name = Set(req.name.trim().into());
    am.provider = Set(provider_str(req.provider).into());
    am.url = Set(req.url);
    am.branch = Set(req.branch);
    am.compose_path = Set(req.compose_path);
    am.credential_id = Set(req.credential_id);
    am.sync_cron = Set(req.sync_cron.filter(|e| !e.trim().is_empty()));
    am.next_sync_at = Set(next);
    am.updated_at = Set(crate::now());
    let txn = super::begin(&core.db).await?;
    bind_credential(&txn, req.credential_id, &new_url).await?;
    let updated = gr::Entity::update(am).exec(&txn).await?;
    ctx.audit(
        &txn,
        repo_ev("git.repository.update", &updated).details(serde_json::json!({
            "url": updated.url, "branch": updated.branch, "sync_cron": updated.sync_cron,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(repo_to_api(updated))
}

/// Removes a repository, its executions and its checkout (`git:delete`); 409 while a stack
/// uses it. Audited.
pub async fn delete_repository(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<()> {
    let m = load_repo(core, ctx, id, "git:delete").await?;
    let txn = super::begin(&core.db).await?;
    if stacks::Entity::find()
        .filter(stacks::Column::RepositoryId.eq(id))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(ServiceError::Conflict(
            "a stack uses this repository: remove the stack first".into(),
        ));
    }
    se::Entity::delete_many()
        .filter(se::Column::RepositoryId.eq(id))
        .exec(&txn)
        .await?;
    gr::Entity::delete_by_id(id).exec(&txn).await?;
    ctx.audit(&txn, repo_ev("git.repository.delete", &m))
        .await?;
    txn.commit().await?;
    let _ = std::fs::remove_dir_all(checkout_dir(core, id));
    Ok(())
}

/// Replaces the webhook secret (`git:update`) and answers it, once. The webhook path stays.
/// Audited as `git.repository.webhook_rotate`.
pub async fn rotate_webhook(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<WebhookSecret> {
    let m = load_repo(core, ctx, id, "git:update").await?;
    let secret = random_token(32);
    let mut am = m.clone().into_active_model();
    am.webhook_secret_enc = Set(core
        .crypto
        .encrypt(secret.as_bytes(), &hook_aad(id))
        .map_err(ServiceError::internal)?);
    am.updated_at = Set(crate::now());
    let txn = super::begin(&core.db).await?;
    gr::Entity::update(am).exec(&txn).await?;
    ctx.audit(&txn, repo_ev("git.repository.webhook_rotate", &m))
        .await?;
    txn.commit().await?;
    Ok(WebhookSecret {
        webhook_path: format!("/webhooks/git/{}", m.webhook_id),
        webhook_secret: secret,
    })
}

// ---------------------------------------------------------------------------------------------
// Executions

fn exec_to_api(m: se::Model, with_logs: bool) -> ScheduleExecution {
    ScheduleExecution {
        id: m.id,
        kind: m.kind,
        trigger: m.trigger,
        status: m.status,
        repository_id: m.repository_id,
        triggered_by: m.triggered_by,
        scheduled_for: m.scheduled_for,
        commit: m.commit,
        deployment_ids: serde_json::from_value(m.deployment_ids).unwrap_or_default(),
        error: m.error,
        started_at: m.started_at,
        finished_at: m.finished_at,
        duration_ms: m.duration_ms,
        logs: with_logs.then_some(m.logs),
    }
}

/// A repository's executions, newest first (`git:read`).
pub async fn executions(
    core: &Core,
    ctx: Ctx<'_>,
    repo: Uuid,
    q: &PageQuery,
) -> ServiceResult<Page<ScheduleExecution>> {
    load_repo(core, ctx, repo, "git:read").await?;
    let mut spec = PageSpec::parse(q, false)?;
    if q.dir.is_none() {
        spec.desc = true;
    }
    let s = se::Entity::find().filter(se::Column::RepositoryId.eq(repo));
    let (rows, next_cursor) =
        fetch_page(&core.db, s, se::Column::Id, None, &spec, |m| (m.id, None)).await?;
    Ok(Page {
        items: rows.into_iter().map(|m| exec_to_api(m, false)).collect(),
        next_cursor,
    })
}

/// One execution with its logs (`git:read` on its project).
pub async fn execution(core: &Core, ctx: Ctx<'_>, id: Uuid) -> ServiceResult<ScheduleExecution> {
    let m = se::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    authz::require(
        &core.db,
        ctx.principal,
        &project_path(m.organization_id, m.project_id),
        "git:read",
    )
    .await?;
    Ok(exec_to_api(m, true))
}

// ---------------------------------------------------------------------------------------------
// Sync

/// Who starts a sync, and whether it redeploys. A manual sync's initiator has the syncing
/// user's authority, which redeploys use (`stacks:deploy` on each stack, and the privileged
/// guard); webhook and scheduled runs have none.
struct Run {
    init: Initiator,
    redeploy: bool,
}

/// Inserts the execution row; `None` when another replica already inserted the same due run.
async fn start_execution(
    core: &Core,
    repo: &gr::Model,
    run: &Run,
    scheduled_for: Option<DateTime<Utc>>,
) -> ServiceResult<Option<se::Model>> {
    let m = se::Model {
        id: Uuid::now_v7(),
        organization_id: repo.organization_id,
        project_id: repo.project_id,
        kind: "git_sync".into(),
        trigger: run.init.trigger.into(),
        status: "running".into(),
        repository_id: Some(repo.id),
        triggered_by: run.init.user,
        scheduled_for,
        commit: None,
        deployment_ids: serde_json::json!([]),
        error: None,
        logs: String::new(),
        started_at: crate::now(),
        finished_at: None,
        duration_ms: None,
    };
    match se::Entity::insert(m.clone().into_active_model())
        .exec_without_returning(&core.db)
        .await
    {
        Ok(_) => Ok(Some(m)),
        Err(e) => match ServiceError::from(e) {
            ServiceError::Conflict(_) if scheduled_for.is_some() => Ok(None),
            e => Err(e),
        },
    }
}

/// The permissions of user `id` (the creator of a stack), for the privileged guard of
/// automatic deploys; `None` when the user is gone or disabled.
async fn authority_of(core: &Core, id: Option<Uuid>) -> Option<Authority> {
    let u = users::Entity::find_by_id(id?).one(&core.db).await.ok()??;
    u.is_active.then_some(Authority {
        user_id: u.id,
        is_superadmin: u.is_superadmin,
    })
}

/// Runs the sync of execution `ex`: fetch, refresh stacks, redeploy if asked, record.
async fn execute(core: &Core, repo: gr::Model, mut ex: se::Model, run: Run) -> se::Model {
    let mut log = String::new();
    let mut line = |l: &str| {
        if log.len() < MAX_LOG_BYTES {
            log.push_str(&format!("{} {l}\n", crate::now().format("%H:%M:%S")));
        }
    };
    let lease = format!("git:{}", repo.id);
    let holder = ex.id.to_string();
    let mut heartbeat: Option<crate::lease::Heartbeat> = None;
    let result: Result<(windflow_git::Synced, Vec<Uuid>), String> = async {
        let held = crate::lease::try_acquire(
            &core.db,
            &lease,
            &holder,
            chrono::TimeDelta::seconds(SYNC_LEASE_SECS),
        )
        .await
        .map_err(|e| e.to_string())?;
        if !held {
            return Err("another sync of this repository is running".into());
        }
        heartbeat = Some(crate::lease::Heartbeat::start(
            core.db.clone(),
            lease.clone(),
            holder.clone(),
            chrono::TimeDelta::seconds(SYNC_LEASE_SECS),
        ));
        let _ = gr::Entity::update_many()
            .col_expr(gr::Column::SyncStatus, Expr::value("syncing"))
            .filter(gr::Column::Id.eq(repo.id))
            .exec(&core.db)
            .await;
        let allow = allow_local_urls(core).await.map_err(|e| e.to_string())?;
        let pinned = check_url(&repo.url, allow).await?;
        if let Some(cid) = repo.credential_id {
            let bound = gc::Entity::find_by_id(cid)
                .one(&core.db)
                .await
                .map_err(|e| e.to_string())?
                .and_then(|c| c.bound_host);
            if bound.is_some_and(|b| b != bound_host_of(&repo.url)) {
                return Err("the credential is bound to another host".into());
            }
        }
        let auth = auth_of(core, repo.credential_id)
            .await
            .map_err(|e| e.to_string())?;
        line(&format!("fetching branch {} of {}", repo.branch, repo.url));
        let (url, branch, dir, host_pin) = (
            repo.url.clone(),
            repo.branch.clone(),
            checkout_dir(core, repo.id),
            repo.ssh_host_key.clone(),
        );
        let synced = tokio::task::spawn_blocking(move || {
            windflow_git::sync(
                &url,
                &branch,
                &dir,
                &auth,
                host_pin.as_deref(),
                pinned.as_ref().map(|(h, ip)| (h.as_str(), *ip)),
            )
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
        if repo.ssh_host_key.is_none()
            && let Some(k) = &synced.host_key
        {
            line(&format!("pinned the SSH host key {k}"));
            gr::Entity::update_many()
                .col_expr(gr::Column::SshHostKey, Expr::value(k.clone()))
                .filter(gr::Column::Id.eq(repo.id))
                .exec(&core.db)
                .await
                .map_err(|e| e.to_string())?;
        }
        line(&format!(
            "checked out {} ({}){}",
            synced.commit,
            synced.summary,
            match &synced.previous {
                Some(p) if *p == synced.commit => " — unchanged".to_owned(),
                Some(p) => format!(" — was {p}"),
                None => String::new(),
            }
        ));
        // The checkout is the new commit now: record it before stacks read it and redeploy.
        gr::Entity::update_many()
            .col_expr(gr::Column::LastCommit, Expr::value(synced.commit.clone()))
            .filter(gr::Column::Id.eq(repo.id))
            .exec(&core.db)
            .await
            .map_err(|e| e.to_string())?;
        let stacks_of = stacks::Entity::find()
            .filter(stacks::Column::RepositoryId.eq(repo.id))
            .all(&core.db)
            .await
            .map_err(|e| e.to_string())?;
        let dir = checkout_dir(core, repo.id);
        for s in &stacks_of {
            let path = s
                .compose_path
                .clone()
                .unwrap_or_else(|| repo.compose_path.clone());
            match windflow_git::read_file(&dir, &path, MAX_COMPOSE_BYTES) {
                Ok(content) => {
                    let _ = stacks::Entity::update_many()
                        .col_expr(stacks::Column::ComposeContent, Expr::value(content))
                        .filter(stacks::Column::Id.eq(s.id))
                        .exec(&core.db)
                        .await;
                }
                Err(e) => line(&format!("stack {}: {e}", s.name)),
            }
        }
        let mut deployments = vec![];
        if run.redeploy {
            for s in stacks_of {
                let due = !s.locked
                    && matches!(s.status.as_str(), "deployed" | "error")
                    && s.deployed_commit.as_deref() != Some(synced.commit.as_str());
                if !due {
                    continue;
                }
                // Manual: the syncing user's permissions (issue 11, section 4; review H3).
                // Automatic: the stack creator's, without privileged options unless someone
                // holding containers:create_privileged allowed them on this stack.
                let init = match run.init.authority {
                    Some(a) => {
                        let scope = crate::rbac::ScopePath {
                            organization: s.organization_id,
                            project: Some(s.project_id),
                            environment: Some(s.environment_id),
                        };
                        if authz::require_for(&core.db, a, &scope, "stacks:deploy")
                            .await
                            .is_err()
                        {
                            line(&format!(
                                "stack {}: not redeployed: stacks:deploy is missing",
                                s.name
                            ));
                            continue;
                        }
                        run.init.clone()
                    }
                    None => run.init.acting_as(
                        authority_of(core, s.created_by).await,
                        s.privileged_auto_deploy,
                    ),
                };
                let name = s.name.clone();
                match super::stacks::redeploy(core, &init, s).await {
                    Ok(d) => {
                        line(&format!("stack {name}: redeploy started (deployment {d})"));
                        deployments.push(d);
                    }
                    Err(e) => line(&format!("stack {name}: redeploy refused: {e}")),
                }
            }
        }
        Ok((synced, deployments))
    }
    .await;
    let now = crate::now();
    let ok = result.is_ok();
    let (commit, deployments, error) = match result {
        Ok((s, d)) => (Some(s.commit), d, None),
        Err(e) => {
            line(&format!("failed: {e}"));
            (None, vec![], Some(e))
        }
    };
    ex.status = if ok { "succeeded" } else { "failed" }.into();
    ex.commit = commit.clone();
    ex.deployment_ids = serde_json::json!(deployments);
    ex.error = error.clone();
    ex.logs = log;
    ex.finished_at = Some(now);
    ex.duration_ms = Some((now - ex.started_at).num_milliseconds());
    let r: ServiceResult<()> = async {
        let txn = super::begin(&core.db).await?;
        // Every column is written (an unchanged active model would update nothing).
        se::Entity::update(ex.clone().into_active_model().reset_all())
            .exec(&txn)
            .await?;
        if let Some(cur) = gr::Entity::find_by_id(repo.id).one(&txn).await? {
            let mut am = cur.into_active_model();
            am.sync_status = Set(if ok { "synced" } else { "error" }.into());
            am.sync_error = Set(error.clone());
            am.last_synced_at = Set(Some(now));
            if commit.is_some() {
                am.last_commit = Set(commit.clone());
            }
            gr::Entity::update(am).exec(&txn).await?;
        }
        let mut ev = repo_ev("git.repository.sync", &repo).details(serde_json::json!({
            "execution_id": ex.id, "trigger": run.init.trigger, "commit": commit,
            "deployments": deployments, "error": error,
        }));
        if !ok {
            ev = ev.outcome(AuditOutcome::Error);
        }
        record(&txn, &run.init.actor, &run.init.meta, ev).await?;
        txn.commit().await?;
        Ok(())
    }
    .await;
    if let Err(e) = r {
        tracing::error!(error = %e, execution = %ex.id, "sync result not recorded");
    }
    if let Some(h) = &heartbeat {
        h.stop();
    }
    let _ = crate::lease::release(&core.db, &lease, &holder).await;
    ex
}

/// Syncs a repository now and answers the finished execution (`git:sync`). With `redeploy`,
/// the deployed Git stacks whose commit changed are redeployed afterwards. A failed fetch is
/// an execution with status `failed` and the error (not an HTTP error).
pub async fn sync_now(
    core: &Core,
    ctx: Ctx<'_>,
    id: Uuid,
    redeploy: bool,
) -> ServiceResult<ScheduleExecution> {
    let repo = load_repo(core, ctx, id, "git:sync").await?;
    let ex = sync_as_user(core, ctx, repo, redeploy).await?;
    Ok(exec_to_api(ex, true))
}

async fn sync_as_user(
    core: &Core,
    ctx: Ctx<'_>,
    repo: gr::Model,
    redeploy: bool,
) -> ServiceResult<se::Model> {
    let run = Run {
        init: Initiator::manual(ctx),
        redeploy,
    };
    let ex = start_execution(core, &repo, &run, None)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(execute(core, repo, ex, run).await)
}

/// The repository `id` of endpoint `ep`'s project for a new Git stack (`git:read` there; 422
/// when unknown), synced first if it never was (422 with the error when that fails).
pub(crate) async fn repository_for_stack(
    core: &Core,
    ctx: Ctx<'_>,
    ep: &endpoints::Model,
    id: Uuid,
) -> ServiceResult<gr::Model> {
    let unknown = || {
        ServiceError::field(
            "repository_id",
            "unknown",
            "no such Git repository in this project",
        )
    };
    let repo = gr::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .filter(|r| r.project_id == ep.project_id)
        .ok_or_else(unknown)?;
    authz::require(
        &core.db,
        ctx.principal,
        &project_path(repo.organization_id, repo.project_id),
        "git:read",
    )
    .await
    .map_err(|_| unknown())?;
    if repo.last_commit.is_some() {
        return Ok(repo);
    }
    let ex = sync_as_user(core, ctx, repo, false).await?;
    if ex.status != "succeeded" {
        return Err(ServiceError::field(
            "repository_id",
            "sync_failed",
            format!(
                "the repository could not be synced: {}",
                ex.error.unwrap_or_default()
            ),
        ));
    }
    gr::Entity::find_by_id(id)
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Where a Git stack runs and what it deploys: its layout (checkout as project directory, env
/// file), the compose file read from the checkout, and the checked-out commit. 409 before the
/// first sync; 422 on `compose_path`/`env_path` when the file is missing or leaves the checkout.
pub(crate) async fn stack_source(
    core: &Core,
    m: &stacks::Model,
) -> ServiceResult<(Layout, String, Option<String>)> {
    let repo = gr::Entity::find_by_id(m.repository_id.ok_or(ServiceError::NotFound)?)
        .one(&core.db)
        .await?
        .ok_or_else(|| ServiceError::Conflict("the stack's repository is gone".into()))?;
    if repo.last_commit.is_none() {
        return Err(ServiceError::Conflict(
            "the repository has not been synced yet".into(),
        ));
    }
    let checkout = checkout_dir(core, repo.id);
    let path = m.compose_path.clone().unwrap_or(repo.compose_path);
    let content = windflow_git::read_file(&checkout, &path, MAX_COMPOSE_BYTES)
        .map_err(|e| ServiceError::field("compose_path", "not_found", e.to_string()))?;
    let env_content = match m.env_path.as_deref() {
        Some(p) => {
            let text = windflow_git::read_file(&checkout, p, MAX_COMPOSE_BYTES)
                .map_err(|e| ServiceError::field("env_path", "not_found", e.to_string()))?;
            check_env_names(&text)?;
            Some(text)
        }
        None => None,
    };
    let project_dir = checkout
        .join(&path)
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or(checkout);
    Ok((
        Layout {
            files: super::stacks::files_dir(core, &m.id.to_string()),
            project: project_dir,
            env_content,
        },
        content,
        repo.last_commit,
    ))
}

/// Refuses a Git env file that sets a reserved name (`DOCKER_HOST`, `COMPOSE_*`, `LD_*`, …;
/// see `stacks::reserved_variable`): compose reads its own settings from the env file. Every
/// line is checked, continuation lines of quoted values included (fail closed).
fn check_env_names(text: &str) -> ServiceResult<()> {
    for (i, line) in text.lines().enumerate() {
        let l = line.trim_start();
        let l = l.strip_prefix("export ").unwrap_or(l).trim_start();
        let key: String = l
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !key.is_empty() && super::stacks::reserved_variable(&key) {
            return Err(ServiceError::field(
                "env_path",
                "reserved",
                format!(
                    "line {}: {key} is reserved for Docker, Compose, the loader or the shell",
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Webhooks

/// The headers of a webhook delivery that matter.
#[derive(Debug, Default, Clone)]
pub struct WebhookHeaders {
    /// `X-Hub-Signature-256`.
    pub hub_signature_256: Option<String>,
    /// `X-Gitea-Signature`.
    pub gitea_signature: Option<String>,
    /// `X-Gitlab-Token`.
    pub gitlab_token: Option<String>,
    /// `X-GitHub-Event`, `X-Gitea-Event` or `X-Gitlab-Event`.
    pub event: Option<String>,
    /// `X-GitHub-Delivery`, `X-Gitea-Delivery` or `X-Gitlab-Event-UUID`: a delivery seen in
    /// the last 24 hours is answered `ignored` (replay protection).
    pub delivery: Option<String>,
}

fn hmac_ok(secret: &[u8], body: &[u8], hex_sig: &str) -> bool {
    let Ok(sig) = hex::decode(hex_sig.trim()) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&sig).is_ok()
}

/// Verifies a delivery's signature for `provider` in constant time.
pub fn verify_signature(
    provider: GitProvider,
    secret: &[u8],
    h: &WebhookHeaders,
    body: &[u8],
) -> Result<(), &'static str> {
    let github = || match h.hub_signature_256.as_deref() {
        Some(s) => match s.strip_prefix("sha256=") {
            Some(hex_sig) if hmac_ok(secret, body, hex_sig) => Ok(()),
            _ => Err("X-Hub-Signature-256 does not match"),
        },
        None => Err("X-Hub-Signature-256 is missing"),
    };
    match provider {
        GitProvider::Github | GitProvider::Other => github(),
        GitProvider::Gitea => match h.gitea_signature.as_deref() {
            Some(s) if hmac_ok(secret, body, s) => Ok(()),
            Some(_) => Err("X-Gitea-Signature does not match"),
            None => github(),
        },
        GitProvider::Gitlab => match h.gitlab_token.as_deref() {
            Some(t) if bool::from(t.as_bytes().ct_eq(secret)) => Ok(()),
            Some(_) => Err("X-Gitlab-Token does not match"),
            None => Err("X-Gitlab-Token is missing"),
        },
    }
}

/// Handles a webhook delivery for `hook` (no user: the signature authenticates). 404 for an
/// unknown hook; 401 `webhook_signature_invalid` for a missing or wrong signature (audited as
/// `git.webhook` denied). A push to the tracked branch starts a sync with redeploy (202
/// `accepted` with the execution id); anything else is `ignored` with the reason (audited).
pub async fn webhook(
    core: &Core,
    hook: &str,
    h: &WebhookHeaders,
    body: &[u8],
    meta: &RequestMeta,
) -> ServiceResult<WebhookAccepted> {
    let repo = gr::Entity::find()
        .filter(gr::Column::WebhookId.eq(hook))
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let secret = core
        .crypto
        .decrypt(&repo.webhook_secret_enc, &hook_aad(repo.id))
        .map_err(ServiceError::internal)?;
    let audit = |outcome: AuditOutcome, details: serde_json::Value| {
        let repo = repo.clone();
        async move {
            let txn = super::begin(&core.db).await?;
            record(
                &txn,
                &Actor::anonymous(Some("webhook".into())),
                meta,
                repo_ev("git.webhook", &repo)
                    .outcome(outcome)
                    .details(details),
            )
            .await?;
            txn.commit().await?;
            Ok::<_, ServiceError>(())
        }
    };
    if let Err(why) = verify_signature(provider_of(&repo.provider), &secret, h, body) {
        audit(
            AuditOutcome::Denied,
            serde_json::json!({"result": "refused", "reason": why}),
        )
        .await?;
        return Err(ServiceError::WebhookSignature(why.into()));
    }
    // Replays: each delivery id once per 24 hours (a database lease named after it, so every
    // replica sees it; issue 11, section 5).
    if let Some(d) = h
        .delivery
        .as_deref()
        .filter(|d| !d.is_empty() && d.len() <= 200)
    {
        let first = crate::lease::try_acquire(
            &core.db,
            &format!("webhook-delivery:{}:{d}", repo.id),
            &Uuid::now_v7().to_string(),
            chrono::TimeDelta::hours(24),
        )
        .await?;
        if !first {
            audit(
                AuditOutcome::Denied,
                serde_json::json!({"result": "ignored", "reason": "duplicate delivery", "delivery": d}),
            )
            .await?;
            return Ok(WebhookAccepted {
                status: "ignored".into(),
                execution_id: None,
                reason: Some(format!("delivery {d} was already received")),
            });
        }
    }
    let event = h.event.clone().unwrap_or_else(|| "push".into());
    let payload: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let pushed = payload.get("ref").and_then(|v| v.as_str()).unwrap_or("");
    let reason = if !matches!(event.as_str(), "push" | "Push Hook") {
        Some(format!("event {event:?} is not a push"))
    } else if pushed != format!("refs/heads/{}", repo.branch) {
        Some(format!(
            "push to {pushed:?}, not to the tracked branch {:?}",
            repo.branch
        ))
    } else {
        None
    };
    if let Some(reason) = reason {
        audit(
            AuditOutcome::Success,
            serde_json::json!({"result": "ignored", "reason": reason, "event": event}),
        )
        .await?;
        return Ok(WebhookAccepted {
            status: "ignored".into(),
            execution_id: None,
            reason: Some(reason),
        });
    }
    let run = Run {
        init: Initiator::automatic("webhook", meta.clone()),
        redeploy: true,
    };
    let ex = start_execution(core, &repo, &run, None)
        .await?
        .ok_or(ServiceError::NotFound)?;
    audit(
        AuditOutcome::Success,
        serde_json::json!({"result": "accepted", "execution_id": ex.id, "ref": pushed,
            "after": payload.get("after")}),
    )
    .await?;
    let id = ex.id;
    let core2 = core.clone();
    tokio::spawn(async move {
        execute(&core2, repo, ex, run).await;
    });
    Ok(WebhookAccepted {
        status: "accepted".into(),
        execution_id: Some(id),
        reason: None,
    })
}

// ---------------------------------------------------------------------------------------------
// Scheduler

/// Runs every scheduled sync due at `now` (the clock is the caller's, so tests control it) and
/// returns the executions this call ran. Each due run is claimed by a compare-and-set on
/// `next_sync_at` (and the unique due-time row), so across replicas it runs once.
pub async fn run_due(core: &Core, now: DateTime<Utc>) -> ServiceResult<Vec<Uuid>> {
    let due = gr::Entity::find()
        .filter(gr::Column::NextSyncAt.lte(now))
        .filter(gr::Column::SyncCron.is_not_null())
        .order_by_asc(gr::Column::NextSyncAt)
        .all(&core.db)
        .await?;
    let mut ran = vec![];
    for repo in due {
        let (Some(expr), Some(at)) = (repo.sync_cron.clone(), repo.next_sync_at) else {
            continue;
        };
        let next = parse_cron(&expr).ok().and_then(|c| next_run(&c, now));
        let claimed = gr::Entity::update_many()
            .col_expr(gr::Column::NextSyncAt, Expr::value(next))
            .filter(gr::Column::Id.eq(repo.id))
            .filter(gr::Column::NextSyncAt.eq(at))
            .exec(&core.db)
            .await?;
        if claimed.rows_affected != 1 {
            continue;
        }
        let run = Run {
            init: Initiator::automatic("schedule", RequestMeta::default()),
            redeploy: true,
        };
        if let Some(ex) = start_execution(core, &repo, &run, Some(at)).await? {
            ran.push(ex.id);
            execute(core, repo, ex, run).await;
        }
    }
    Ok(ran)
}

/// Spawns the scheduler loop: every `tick`, [`run_due`] with the wall clock.
pub fn spawn_scheduler(core: Core, tick: Duration) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(tick).await;
            if let Err(e) = crate::sweep::interrupted(&core).await {
                tracing::warn!(error = %e, "sweep of interrupted work failed");
            }
            if let Err(e) = run_due(&core, crate::now()).await {
                tracing::warn!(error = %e, "scheduled Git sync pass failed");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_hosts() {
        assert_eq!(
            url_host("https://git.example.org/a/b.git").ok().flatten(),
            Some(("git.example.org".into(), 443))
        );
        assert_eq!(
            url_host("git@github.com:org/repo.git").ok().flatten(),
            Some(("github.com".into(), 22))
        );
        assert_eq!(
            url_host("ssh://git@[::1]:2222/x").ok().flatten(),
            Some(("::1".into(), 2222))
        );
        assert_eq!(url_host("file:///srv/repo").ok(), Some(None));
        assert!(url_host("ftp://x/y").is_err());
        assert!(url_host("just-a-word").is_err());
    }

    #[tokio::test]
    async fn local_targets_are_refused_unless_allowed() {
        for u in [
            "file:///srv/repo.git",
            "http://127.0.0.1:8080/r.git",
            "https://169.254.169.254/latest",
            "ssh://git@[::1]/r",
            "git@0.0.0.0:r.git",
            "http://[::ffff:127.0.0.1]/r",
            "http://localhost/r.git",
        ] {
            assert!(check_url(u, false).await.is_err(), "{u}");
            assert!(check_url(u, true).await.is_ok(), "{u}");
        }
        assert!(check_url("https://10.1.2.3/r.git", false).await.is_ok());
        assert!(check_url("ftp://10.1.2.3/r.git", true).await.is_err());
    }

    #[test]
    fn signatures() {
        let secret = b"s3cret";
        let body = br#"{"ref":"refs/heads/main"}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|e| panic!("{e}"));
        mac.update(body);
        let sig = hex::encode(mac.finalize().into_bytes());
        let gh = WebhookHeaders {
            hub_signature_256: Some(format!("sha256={sig}")),
            ..Default::default()
        };
        assert!(verify_signature(GitProvider::Github, secret, &gh, body).is_ok());
        assert!(verify_signature(GitProvider::Github, b"other", &gh, body).is_err());
        assert!(verify_signature(GitProvider::Github, secret, &gh, b"{}").is_err());
        let gitea = WebhookHeaders {
            gitea_signature: Some(sig.clone()),
            ..Default::default()
        };
        assert!(verify_signature(GitProvider::Gitea, secret, &gitea, body).is_ok());
        assert!(verify_signature(GitProvider::Github, secret, &gitea, body).is_err());
        let gl = WebhookHeaders {
            gitlab_token: Some("s3cret".into()),
            ..Default::default()
        };
        assert!(verify_signature(GitProvider::Gitlab, secret, &gl, body).is_ok());
        assert!(verify_signature(GitProvider::Gitlab, b"s3cret!", &gl, body).is_err());
        assert!(
            verify_signature(
                GitProvider::Gitlab,
                secret,
                &WebhookHeaders::default(),
                body
            )
            .is_err()
        );
    }

    #[test]
    fn cron_expressions() {
        let c = parse_cron("*/15 * * * *").unwrap_or_else(|e| panic!("{e}"));
        let t = DateTime::parse_from_rfc3339("2026-12-02T10:07:30Z")
            .unwrap_or_else(|e| panic!("{e}"))
            .with_timezone(&Utc);
        assert_eq!(
            next_run(&c, t).map(|d| d.to_rfc3339()),
            Some("2026-12-02T10:15:00+00:00".into())
        );
        assert!(parse_cron("* * * *").is_err());
        assert!(parse_cron("0 0 * * * *").is_err());
        assert!(parse_cron("61 * * * *").is_err());
        assert!(parse_cron("@hourly").is_ok());
    }
}
