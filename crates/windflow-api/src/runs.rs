//! One record shape for long-running work (issue 12): a deployment of a stack and a run of
//! scheduled work (a Git sync) today, jobs and scans next. Each kind keeps its own table and
//! its own fields, and embeds the same [`Run`] (flattened on the wire, so its fields sit beside
//! the kind's own): who started it ([`Trigger`], `triggered_by`), where it stands
//! ([`RunStatus`]) and its timing. Its log is the kind's `logs` field; its steps, where a kind
//! has them, are events with a kind-specific vocabulary (`DeploymentEventKind`).
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

vocabulary! {
    /// What started a piece of long-running work.
    pub enum Trigger {
        /// A user's request (`triggered_by` names them).
        Manual => "manual",
        /// A signed webhook delivery from a Git platform.
        Webhook => "webhook",
        /// The scheduler, at a due time.
        Schedule => "schedule",
    }
}

vocabulary! {
    /// Where a piece of long-running work stands. `running` is the only state that changes;
    /// the others are final. (Deployments said `completed` for `succeeded` before issue 12
    /// gave every kind one status vocabulary; migration `m20261203_000009_unify_runs` rewrote
    /// the stored rows.)
    pub enum RunStatus {
        /// Started and not finished.
        Running => "running",
        /// Finished without error.
        Succeeded => "succeeded",
        /// Finished with an error (see its log or `error`).
        Failed => "failed",
        /// The server running it stopped before it finished (closed by the start-up and
        /// per-tick sweep).
        Interrupted => "interrupted",
    }
}

impl RunStatus {
    /// Whether the work is over (any state but `running`).
    pub fn is_final(self) -> bool {
        self != Self::Running
    }
}

/// The part every long-running record shares: who started it, where it stands, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Run {
    /// What started it.
    pub trigger: Trigger,
    /// The user who started it (`manual`; `null` for webhook and schedule).
    pub triggered_by: Option<Uuid>,
    /// Where it stands.
    pub status: RunStatus,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended (`null` while `running`).
    pub finished_at: Option<DateTime<Utc>>,
    /// `finished_at − started_at`, in milliseconds (`null` while `running`).
    #[schema(minimum = 0)]
    pub duration_ms: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_the_serde_names() {
        for s in [
            RunStatus::Running,
            RunStatus::Succeeded,
            RunStatus::Failed,
            RunStatus::Interrupted,
        ] {
            assert_eq!(serde_json::to_value(s).ok(), Some(s.as_str().into()));
            assert_eq!(s.is_final(), s != RunStatus::Running);
        }
        for t in [Trigger::Manual, Trigger::Webhook, Trigger::Schedule] {
            assert_eq!(serde_json::to_value(t).ok(), Some(t.as_str().into()));
        }
    }

    #[test]
    fn a_run_sits_flat_beside_the_fields_of_its_kind() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct Kind {
            id: u8,
            #[serde(flatten)]
            run: Run,
        }
        let k = Kind {
            id: 1,
            run: Run {
                trigger: Trigger::Manual,
                triggered_by: None,
                status: RunStatus::Succeeded,
                started_at: DateTime::UNIX_EPOCH,
                finished_at: Some(DateTime::UNIX_EPOCH),
                duration_ms: Some(0),
            },
        };
        let v = serde_json::to_value(&k).unwrap_or_default();
        assert_eq!(v["status"], "succeeded");
        assert_eq!(v["trigger"], "manual");
        assert_eq!(v["id"], 1);
        assert_eq!(serde_json::from_value::<Kind>(v).ok(), Some(k));
    }
}
