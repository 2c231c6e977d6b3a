//! The page side of long jobs as a hook: start a job in the worker, follow
//! its progress, cancel it. The result goes to the caller's callback.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::jobs::{JobRequest, JobResult, JobUpdate};
use crate::ui::worker::JobRunner;

#[derive(Debug, Clone, PartialEq)]
pub enum JobState {
    Idle,
    Running {
        stage: String,
        done: usize,
        total: usize,
    },
}

#[derive(Clone)]
pub struct JobHandle {
    pub state: UseStateHandle<JobState>,
    /// The state as of this render. Components compare this, not `state`:
    /// a state handle reads the latest value, so old and new props holding
    /// handles would always look equal and the progress bar never redraw.
    pub snapshot: JobState,
    runner: Rc<RefCell<Option<JobRunner>>>,
    on_result: Callback<Result<JobResult, String>>,
}

impl JobHandle {
    pub fn is_running(&self) -> bool {
        self.snapshot != JobState::Idle
    }

    /// Starts `request` in a fresh worker (a running job is cancelled first).
    pub fn start(&self, request: JobRequest, first_stage: &str) {
        self.cancel();
        let state = self.state.clone();
        let runner_slot = self.runner.clone();
        let on_result = self.on_result.clone();
        let on_update = Callback::from(move |update: JobUpdate| match update {
            JobUpdate::Progress { stage, done, total } => {
                state.set(JobState::Running { stage, done, total })
            }
            JobUpdate::Done(result) => {
                state.set(JobState::Idle);
                runner_slot.borrow_mut().take();
                on_result.emit(Ok(*result));
            }
            JobUpdate::Failed(message) => {
                state.set(JobState::Idle);
                runner_slot.borrow_mut().take();
                on_result.emit(Err(message));
            }
        });
        match JobRunner::start(request, on_update) {
            Ok(runner) => {
                self.state.set(JobState::Running {
                    stage: first_stage.to_string(),
                    done: 0,
                    total: 1,
                });
                *self.runner.borrow_mut() = Some(runner);
            }
            Err(message) => self.on_result.emit(Err(message)),
        }
    }

    pub fn cancel(&self) {
        if let Some(runner) = self.runner.borrow_mut().take() {
            runner.cancel();
        }
        self.state.set(JobState::Idle);
    }
}

/// A job runner whose result goes to `on_result`.
#[hook]
pub fn use_job(on_result: Callback<Result<JobResult, String>>) -> JobHandle {
    let state = use_state(|| JobState::Idle);
    let runner = use_mut_ref(|| None::<JobRunner>);
    JobHandle {
        snapshot: (*state).clone(),
        state,
        runner,
        on_result,
    }
}
