//! The shared vocabulary of long-running work (issue 12): a deployment of a stack and a run of
//! scheduled work (a Git sync) both say who started them (one [`Trigger`] and `triggered_by`),
//! how they stand, when they started and ended, and their log. Their final-success words differ
//! (`completed` for a deployment, `succeeded` for an execution) because clients already read
//! them: [`DeploymentStatus`] and [`ExecutionStatus`] share every other state.

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
    /// Where a deployment stands. `running` is the only state that changes; the others are
    /// final.
    pub enum DeploymentStatus {
        /// Started and not finished.
        Running => "running",
        /// Finished without error.
        Completed => "completed",
        /// Finished with an error (see its log).
        Failed => "failed",
        /// The server running it stopped before it finished (closed by the sweep).
        Interrupted => "interrupted",
    }
}

vocabulary! {
    /// Where a schedule execution stands. `running` is the only state that changes; the others
    /// are final.
    pub enum ExecutionStatus {
        /// Started and not finished.
        Running => "running",
        /// Finished without error.
        Succeeded => "succeeded",
        /// Finished with an error (see `error`).
        Failed => "failed",
        /// The server running it stopped before it finished (closed by the sweep).
        Interrupted => "interrupted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_the_serde_names() {
        for s in [
            DeploymentStatus::Running,
            DeploymentStatus::Completed,
            DeploymentStatus::Failed,
            DeploymentStatus::Interrupted,
        ] {
            assert_eq!(serde_json::to_value(s).ok(), Some(s.as_str().into()));
        }
        for s in [
            ExecutionStatus::Running,
            ExecutionStatus::Succeeded,
            ExecutionStatus::Failed,
            ExecutionStatus::Interrupted,
        ] {
            assert_eq!(serde_json::to_value(s).ok(), Some(s.as_str().into()));
        }
        for t in [Trigger::Manual, Trigger::Webhook, Trigger::Schedule] {
            assert_eq!(serde_json::to_value(t).ok(), Some(t.as_str().into()));
        }
    }
}
