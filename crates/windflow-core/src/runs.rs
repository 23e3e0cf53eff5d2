//! The shared record shape of long-running work (issue 12; the wire shape is
//! [`windflow_api::runs::Run`]). Every kind (deployments, schedule executions; jobs and scans
//! next) stores the same six columns, `trigger`, `triggered_by`, `status`, `started_at`,
//! `finished_at` and `duration_ms`, plus its log in `logs`, and implements [`RunRecord`], so
//! the API, the stale-run sweep ([`crate::jobs::sweep`]) and the web app read them one way.
//!
//! A new kind: give its table those columns (status a [`RunStatus`]), start rows with
//! [`started`], end them with [`Finish::now`], and register its lease name in the sweep.
use chrono::{DateTime, Utc};
use windflow_api::runs::{Run, RunStatus};
use windflow_entity::{deployments, schedule_executions};

use crate::context::Initiator;

/// A row of long-running work that can show its [`Run`].
pub trait RunRecord {
    /// The shared part of the row.
    fn run(&self) -> Run;
}

/// `RunRecord` for entities whose rows have the six run columns under their standard names.
macro_rules! run_record {
    ($($model:ty),*) => {$(
        impl RunRecord for $model {
            fn run(&self) -> Run {
                Run {
                    trigger: self.trigger,
                    triggered_by: self.triggered_by,
                    status: self.status,
                    started_at: self.started_at,
                    finished_at: self.finished_at,
                    duration_ms: self.duration_ms,
                }
            }
        }
    )*};
}

run_record!(deployments::Model, schedule_executions::Model);

/// The [`Run`] of work that `init` starts now: `running`, not finished.
pub fn started(init: &Initiator) -> Run {
    Run {
        trigger: init.trigger,
        triggered_by: init.user,
        status: RunStatus::Running,
        started_at: crate::now(),
        finished_at: None,
        duration_ms: None,
    }
}

/// The three columns written when a run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finish {
    /// The final status (never `running`).
    pub status: RunStatus,
    /// When it ended.
    pub finished_at: DateTime<Utc>,
    /// Milliseconds since `started_at` (0 if the clock went back).
    pub duration_ms: i64,
}

impl Finish {
    /// Ends a run that started at `started_at` now, with `status`.
    pub fn now(started_at: DateTime<Utc>, status: RunStatus) -> Self {
        Self::at(started_at, crate::now(), status)
    }

    /// Ends a run that started at `started_at` at `finished_at`, with `status`.
    pub fn at(started_at: DateTime<Utc>, finished_at: DateTime<Utc>, status: RunStatus) -> Self {
        Self {
            status,
            finished_at,
            duration_ms: (finished_at - started_at).num_milliseconds().max(0),
        }
    }
}

/// `succeeded` when `ok`, else `failed`.
pub fn outcome(ok: bool) -> RunStatus {
    if ok {
        RunStatus::Succeeded
    } else {
        RunStatus::Failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finish_measures_from_the_start_and_never_goes_negative() {
        let t0 = DateTime::UNIX_EPOCH;
        let t1 = t0 + chrono::TimeDelta::milliseconds(1500);
        let f = Finish::at(t0, t1, outcome(true));
        assert_eq!(
            (f.status, f.finished_at, f.duration_ms),
            (RunStatus::Succeeded, t1, 1500)
        );
        assert_eq!(Finish::at(t1, t0, outcome(false)).duration_ms, 0);
        assert_eq!(outcome(false), RunStatus::Failed);
    }
}
