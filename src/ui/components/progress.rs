//! A progress bar with a cancel button for a job running in the worker, or
//! for several jobs sharing one piece of work.

use yew::prelude::*;

use crate::ui::jobs::{JobHandle, JobState};

#[derive(Properties, Clone)]
pub struct JobProgressProps {
    pub job: JobHandle,
}

impl PartialEq for JobProgressProps {
    fn eq(&self, other: &Self) -> bool {
        self.job.snapshot == other.job.snapshot
    }
}

#[component]
pub fn JobProgress(props: &JobProgressProps) -> Html {
    let job = props.job.clone();
    let on_cancel = Callback::from(move |()| job.cancel());
    html! { <SharedProgress jobs={vec![props.job.clone()]} {on_cancel} /> }
}

#[derive(Properties, Clone)]
pub struct SharedProgressProps {
    /// Jobs sharing one piece of work (a batch split among workers).
    pub jobs: Vec<JobHandle>,
    pub on_cancel: Callback<()>,
}

impl PartialEq for SharedProgressProps {
    fn eq(&self, other: &Self) -> bool {
        self.jobs.len() == other.jobs.len()
            && self
                .jobs
                .iter()
                .zip(&other.jobs)
                .all(|(a, b)| a.snapshot == b.snapshot)
    }
}

/// One progress bar for jobs sharing a piece of work: their steps added up,
/// the stage of the first still running, one Cancel for all.
#[component]
pub fn SharedProgress(props: &SharedProgressProps) -> Html {
    let mut stage = None;
    let (mut done, mut total) = (0, 0);
    for job in &props.jobs {
        if let JobState::Running {
            stage: s,
            done: d,
            total: t,
        } = &job.snapshot
        {
            stage.get_or_insert_with(|| s.clone());
            done += d;
            total += t;
        }
    }
    let Some(stage) = stage else {
        return html! {};
    };
    let workers = props.jobs.iter().filter(|j| j.is_running()).count();
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    let on_cancel = props.on_cancel.clone();
    let cancel = Callback::from(move |_| on_cancel.emit(()));
    let shared = if workers > 1 {
        format!(" ({workers} workers)")
    } else {
        String::new()
    };
    html! {
        <div class="progress" role="status" aria-live="polite">
            <label for="job-progress">{ format!("{stage}{shared}: {percent}%") }</label>
            <progress id="job-progress" max={total.to_string()} value={done.to_string()}>{ format!("{percent}%") }</progress>
            <button type="button" onclick={cancel}>{ "Cancel" }</button>
        </div>
    }
}
