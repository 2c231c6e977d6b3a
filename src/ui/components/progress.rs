//! A progress bar with a cancel button for a job running in the worker.

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
    let JobState::Running { stage, done, total } = props.job.snapshot.clone() else {
        return html! {};
    };
    let job = props.job.clone();
    let cancel = Callback::from(move |_| job.cancel());
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    html! {
        <div class="progress" role="status" aria-live="polite">
            <label for="job-progress">{ format!("{stage}: {percent}%") }</label>
            <progress id="job-progress" max={total.to_string()} value={done.to_string()}>{ format!("{percent}%") }</progress>
            <button type="button" onclick={cancel}>{ "Cancel" }</button>
        </div>
    }
}
