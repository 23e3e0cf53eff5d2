//! One record shape for long-running work (issue 12): a deployment of a stack and a run of
//! scheduled work (a Git sync) both say who started them ([`Trigger`] and `triggered_by`), how
//! they stand ([`RunStatus`]), when they started and ended, and their log.

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
    /// the others are final.
    pub enum RunStatus {
        /// Started and not finished.
        Running => "running",
        /// Finished without error.
        Succeeded => "succeeded",
        /// Finished with an error (see its log or error).
        Failed => "failed",
        /// The server running it stopped before it finished (closed by the start-up sweep).
        Interrupted => "interrupted",
    }
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
        }
        for t in [Trigger::Manual, Trigger::Webhook, Trigger::Schedule] {
            assert_eq!(serde_json::to_value(t).ok(), Some(t.as_str().into()));
        }
    }
}
