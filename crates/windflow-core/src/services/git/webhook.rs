//! Webhook deliveries: signature verification (pure; unit tested) and the checks that decide
//! whether a delivery starts a sync.
use hmac::{Hmac, Mac};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use uuid::Uuid;
use windflow_api::audit::AuditOutcome;
use windflow_api::git::{GitProvider, WebhookAccepted, WebhookStatus};
use windflow_entity::git_repositories as gr;

use crate::audit::Actor;
use crate::audit::AuditEvent;
use crate::context::{Core, RequestMeta};
use crate::error::{ServiceError, ServiceResult};

use super::hook_aad;

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

/// A delivery that passed [`check_delivery`]: a push to the tracked branch of `repo`.
pub(crate) struct Push {
    /// The repository.
    pub repo: gr::Model,
    /// The ref pushed (`refs/heads/<branch>`).
    pub pushed: String,
    /// The payload's `after` (the pushed commit), for the audit row.
    pub after: Option<serde_json::Value>,
}

/// What to do with a delivery.
pub(crate) enum Delivery {
    /// Answer this (`ignored`, with the reason); already audited.
    Ignored(WebhookAccepted),
    /// Sync and redeploy (the caller audits it as accepted, with the execution id).
    Push(Box<Push>),
}

/// Records a delivery for `repo` as `git.webhook` (actor `anonymous`, named `webhook`).
pub(crate) async fn audit_delivery(
    core: &Core,
    repo: &gr::Model,
    meta: &RequestMeta,
    outcome: AuditOutcome,
    details: serde_json::Value,
) -> ServiceResult<()> {
    let ev = AuditEvent::of::<gr::Entity>("git.webhook", repo)
        .outcome(outcome)
        .details(details);
    let actor = Actor::anonymous(Some("webhook".into()));
    crate::resource::write(core, &actor, meta, async |_| Ok(((), ev))).await
}

/// Checks a webhook delivery for `hook` (no user: the signature authenticates). 404 for an
/// unknown hook; 401 `webhook_signature_invalid` for a missing or wrong signature (audited as
/// `git.webhook` denied). A replayed delivery, another event or a push to another branch is
/// [`Delivery::Ignored`] with the reason (audited); a push to the tracked branch is a
/// [`Delivery::Push`].
pub(crate) async fn check_delivery(
    core: &Core,
    hook: &str,
    h: &WebhookHeaders,
    body: &[u8],
    meta: &RequestMeta,
) -> ServiceResult<Delivery> {
    let repo = gr::Entity::find()
        .filter(gr::Column::WebhookId.eq(hook))
        .one(&core.db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let secret = core
        .crypto
        .decrypt(&repo.webhook_secret_enc, &hook_aad(repo.id))
        .map_err(ServiceError::internal)?;
    if let Err(why) = verify_signature(repo.provider, &secret, h, body) {
        audit_delivery(
            core,
            &repo,
            meta,
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
            audit_delivery(
                core,
                &repo,
                meta,
                AuditOutcome::Denied,
                serde_json::json!({"result": "ignored", "reason": "duplicate delivery", "delivery": d}),
            )
            .await?;
            return Ok(Delivery::Ignored(WebhookAccepted {
                status: WebhookStatus::Ignored,
                execution_id: None,
                reason: Some(format!("delivery {d} was already received")),
            }));
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
        audit_delivery(
            core,
            &repo,
            meta,
            AuditOutcome::Success,
            serde_json::json!({"result": "ignored", "reason": reason, "event": event}),
        )
        .await?;
        return Ok(Delivery::Ignored(WebhookAccepted {
            status: WebhookStatus::Ignored,
            execution_id: None,
            reason: Some(reason),
        }));
    }
    Ok(Delivery::Push(Box::new(Push {
        pushed: pushed.to_owned(),
        after: payload.get("after").cloned(),
        repo,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
