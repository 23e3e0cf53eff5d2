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
//! - A sync fetches the tracked branch with libgit2 into `<data_dir>/git/<repository id>/` and
//!   checks its tip out. One sync per repository at a time across replicas (lease `git:<id>`).
//!   What a sync then does to the repository's Git stacks (refresh, redeploy) is
//!   `services::gitops`'s: this module never touches stacks.
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
//!
//! Files by concern: `url_guard` (the SSRF guard), `platform` (platform settings),
//! `credentials`, `repositories` (with cron parsing), `sync` (fetch and checkout, execution
//! rows, due runs), `webhook` (signatures and delivery checks).
mod credentials;
mod platform;
mod repositories;
mod sync;
mod url_guard;
mod webhook;

use std::path::PathBuf;

use uuid::Uuid;

use crate::context::Core;
use crate::rbac::ScopePath;

pub use credentials::{create_credential, delete_credential, list_credentials, update_credential};
pub use platform::{get_platform, set_platform};
pub use repositories::{
    create_repository, delete_repository, get_repository, list_repositories, next_run, parse_cron,
    rotate_webhook, update_repository,
};
pub(crate) use sync::{SyncRun, claim, due, exec_to_api, start_execution, sync_repository};
pub use sync::{execution, executions};
pub use url_guard::{allow_local_urls, check_url};
pub(crate) use webhook::{Delivery, audit_delivery, check_delivery};
pub use webhook::{WebhookHeaders, verify_signature};

fn cred_aad(id: Uuid) -> String {
    format!("git_credential:{id}")
}

fn pass_aad(id: Uuid) -> String {
    format!("git_credential_passphrase:{id}")
}

fn hook_aad(id: Uuid) -> String {
    format!("git_webhook:{id}")
}

/// `<data_dir>/git/<repository id>`: the repository's checkout
/// ([`CoreSettings::git_checkout`](crate::CoreSettings::git_checkout)).
pub fn checkout_dir(core: &Core, repo: Uuid) -> PathBuf {
    core.settings.git_checkout(repo)
}

pub(crate) fn project_path(org: Uuid, project: Uuid) -> ScopePath {
    ScopePath {
        organization: org,
        project: Some(project),
        environment: None,
    }
}
