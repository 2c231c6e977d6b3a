//! Batch: score a file of new referrals in the worker, show a table
//! (suggestion, its score named by the model's measure, set, flags), list the rows that could not be
//! scored, and download the results as CSV. Scoring comes first and is quick;
//! the top three reasons per row are a second step the user asks for, because
//! exact reasons cost about half a millisecond a row (seconds for 10,000).

use std::rc::Rc;

use yew::prelude::*;

use crate::jobs::{JobRequest, JobResult};
use crate::model::batch::{self, to_csv, BatchResult, BatchRow, Part};
use crate::ui::components::progress::SharedProgress;
use crate::ui::files;
use crate::ui::jobs::{use_job, JobHandle};
use crate::ui::state::{use_app, Action, BatchSession, Notice, Review};

const SHOWN: usize = 200;

/// Most workers that share the reasons of one batch.
const MAX_WORKERS: usize = 4;

/// A batch on its way: the file, and each part's result once it is back.
struct Pending {
    file_name: String,
    bytes: Rc<Vec<u8>>,
    parts: Vec<Option<BatchResult>>,
}

/// How many workers share the reasons for `rows` rows: one per core the
/// browser reports, at most [`MAX_WORKERS`], and no more than one per ten rows.
fn workers_for(rows: usize) -> usize {
    let cores = gloo::utils::window().navigator().hardware_concurrency() as usize;
    cores.clamp(1, MAX_WORKERS).min(rows.div_ceil(10)).max(1)
}

#[component]
pub fn BatchScreen() -> Html {
    let app = use_app();
    let pending = use_mut_ref(|| None::<Pending>);
    let on_result = |index: usize| {
        let app = app.clone();
        let pending = pending.clone();
        Callback::from(move |r: Result<JobResult, String>| match r {
            Ok(JobResult::Scored(part)) => {
                let finished = {
                    let mut slot = pending.borrow_mut();
                    if let Some(slot) = slot.as_mut().and_then(|p| p.parts.get_mut(index)) {
                        *slot = Some(part);
                    }
                    let complete = slot
                        .as_ref()
                        .is_some_and(|p| p.parts.iter().all(Option::is_some));
                    if complete {
                        slot.take()
                    } else {
                        None
                    }
                };
                if let Some(done) = finished {
                    app.dispatch(Action::SetBatch(Some(BatchSession {
                        file_name: done.file_name,
                        bytes: done.bytes,
                        result: Rc::new(batch::merge(done.parts.into_iter().flatten().collect())),
                    })));
                }
            }
            Ok(_) => {}
            // Every part fails alike (a missing column): say it once.
            Err(message) => {
                if pending.borrow_mut().take().is_some() {
                    app.dispatch(Action::Notify(Notice::Error(format!(
                        "Nothing was scored. {message}"
                    ))));
                }
            }
        })
    };
    // Hooks are called one by one, never in a loop (MAX_WORKERS of them).
    let job_0 = use_job(on_result(0));
    let job_1 = use_job(on_result(1));
    let job_2 = use_job(on_result(2));
    let job_3 = use_job(on_result(3));
    let jobs = vec![job_0, job_1, job_2, job_3];
    let Some(model) = app.workspace.model.clone() else {
        return html! {
            <section aria-labelledby="batch-title">
                <h1 id="batch-title">{ "Batch" }</h1>
                <div class="banner warn" role="status">{ "There is no trained model yet. " }<a href="#model">{ "Train one on the Model screen" }</a>{ " first." }</div>
            </section>
        };
    };
    // Scores a file: in one worker, or with reasons shared among `workers`.
    let start = {
        let jobs = jobs.clone();
        let model = model.clone();
        let pending = pending.clone();
        move |name: String, bytes: Rc<Vec<u8>>, with_reasons: bool, workers: usize| {
            let stage = if with_reasons {
                format!("Working out the reasons for {name}")
            } else {
                format!("Scoring {name}")
            };
            let count = workers.clamp(1, jobs.len());
            *pending.borrow_mut() = Some(Pending {
                file_name: name.clone(),
                bytes: bytes.clone(),
                parts: vec![None; count],
            });
            for (index, job) in jobs.iter().take(count).enumerate() {
                job.start(
                    JobRequest::Batch {
                        name: name.clone(),
                        bytes: (*bytes).clone(),
                        model: Box::new(model.clone()),
                        with_reasons,
                        part: Part { index, count },
                    },
                    &stage,
                );
            }
        }
    };
    let cancel = {
        let jobs = jobs.clone();
        let pending = pending.clone();
        Callback::from(move |()| {
            pending.borrow_mut().take();
            jobs.iter().for_each(JobHandle::cancel);
        })
    };
    let on_file = {
        let app = app.clone();
        let start = start.clone();
        files::on_choose(move |read| match read {
            Ok((name, bytes)) => {
                app.dispatch(Action::SetBatch(None));
                start(name, Rc::new(bytes), false, 1);
            }
            Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
        })
    };
    let add_reasons = {
        let session = app.batch.clone();
        Callback::from(move |_| {
            if let Some(session) = &session {
                let rows = session.result.rows.len() + session.result.problems.len();
                start(
                    session.file_name.clone(),
                    session.bytes.clone(),
                    true,
                    workers_for(rows),
                );
            }
        })
    };
    let review = {
        let app = app.clone();
        let names = app
            .batch
            .as_ref()
            .map(|b| b.result.features.clone())
            .unwrap_or_default();
        Callback::from(move |row: BatchRow| {
            app.dispatch(Action::Review(Review {
                referral: Some(row.id.clone().unwrap_or_else(|| format!("row {}", row.row))),
                inputs: names.iter().cloned().zip(row.values).collect(),
            }));
            let _ = gloo::utils::window().location().set_hash("triage");
        })
    };
    let running = jobs.iter().any(JobHandle::is_running);
    let download = {
        let session = app.batch.clone();
        let app = app.clone();
        Callback::from(move |_| {
            if let Some(session) = &session {
                if let Err(message) = files::download(
                    "signpost-suggestions.csv",
                    "text/csv",
                    &to_csv(&session.result),
                ) {
                    app.dispatch(Action::Notify(Notice::Error(message)));
                }
            }
        })
    };
    html! {
        <section aria-labelledby="batch-title">
            <h1 id="batch-title">{ "Batch" }</h1>
            <p>{ format!("Score a CSV or Excel file of new referrals. It needs the model's columns: {}.", app.workspace.model.as_ref().map(|m| m.encoder.feature_names().join(", ")).unwrap_or_default()) }</p>
            <p class="hint">{ "Each row gets a suggestion for a professional to review; nothing is routed. \"Review\" opens a row in Triage with its reasons, where you record the decision." }</p>
            <div class="actions">
                <label class="button primary" for="batch-file">{ "Choose a file to score" }</label>
                <input id="batch-file" class="visually-hidden" type="file" accept=".csv,.tsv,.txt,.xlsx,.xls,.ods" onchange={on_file} />
            </div>
            <SharedProgress jobs={jobs.clone()} on_cancel={cancel} />
            if let Some(r) = app.batch.as_ref().map(|b| b.result.clone()) {
                <h2 id="batch-result">{ format!("{}: {} referrals scored, {} could not be", r.source, r.rows.len(), r.problems.len()) }</h2>
                <div class="actions"><button type="button" onclick={download}>{ if r.with_reasons { "Download results with reasons (CSV)" } else { "Download results (CSV)" } }</button></div>
                if !r.with_reasons && !r.rows.is_empty() {
                    <div class="reasons-step" role="region" aria-labelledby="batch-reasons">
                        <h3 id="batch-reasons">{ "Reasons for each row" }</h3>
                        <p class="hint">{ reasons_hint(r.rows.len(), workers_for(r.rows.len() + r.problems.len())) }</p>
                        <button type="button" onclick={add_reasons} disabled={running}>{ "Add the top three reasons to every row" }</button>
                    </div>
                }
                if !r.problems.is_empty() {
                    <div class="banner warn" role="region" aria-labelledby="batch-problems">
                        <h3 id="batch-problems">{ "Rows not scored" }</h3>
                        <ul>{ for r.problems.iter().take(50).map(|p| html! { <li>{ &p.message }</li> }) }</ul>
                    </div>
                }
                <div class="table-wrap" tabindex="0">
                    <table>
                        <caption>{ if r.rows.len() > SHOWN { format!("The first {SHOWN} rows (all are in the download)") } else { "Suggestions".to_string() } }</caption>
                        <thead><tr><th scope="col">{ "Row" }</th><th scope="col">{ "Id" }</th><th scope="col">{ "Suggested" }</th><th scope="col" class="num">{ if r.measure == crate::model::explain::Measure::Success { "Chance of success if referred" } else { "Confidence" } }</th>
                            <th scope="col">{ "90% set" }</th><th scope="col">{ "Flags" }</th>
                            if r.with_reasons { <th scope="col" id="top-reasons">{ "Top reasons" }</th> }
                            <th scope="col">{ "Decision" }</th></tr></thead>
                        <tbody>{ for r.rows.iter().take(SHOWN).map(|row| html! {
                            <tr><td class="num">{ row.row }</td><td>{ row.id.clone().unwrap_or_default() }</td><td>{ &row.suggested }</td>
                                <td class="num">{ row.score.map_or_else(|| "little evidence".to_string(), |c| format!("{:.0}%", c * 100.0)) }</td><td>{ row.prediction_set.join(", ") }</td><td>{ row.flags.join("; ") }</td>
                                if r.with_reasons { <td class="reasons"><ul class="plain">{ for row.reasons.iter().map(|w| html! { <li>{ w }</li> }) }</ul></td> }
                                <td>{ review_button(row, &review) }</td></tr>
                        }) }</tbody>
                    </table>
                </div>
            }
        </section>
    }
}

/// "Review" for one row: opens it in Triage, where the professional sees
/// everything and records the decision.
fn review_button(row: &BatchRow, review: &Callback<BatchRow>) -> Html {
    let onclick = {
        let (row, review) = (row.clone(), review.clone());
        Callback::from(move |_| review.emit(row.clone()))
    };
    let label = format!(
        "Review {} in Triage and record the decision",
        row.id.clone().unwrap_or_else(|| format!("row {}", row.row))
    );
    html! { <button type="button" class="small" aria-label={label} {onclick}>{ "Review" }</button> }
}

fn reasons_hint(rows: usize, workers: usize) -> String {
    let sharing = if workers > 1 {
        format!(", shared among {workers} workers (one per processor core)")
    } else {
        String::new()
    };
    format!(
        "The top three reasons behind each suggestion are exact, and take about half a millisecond a row to work out: {} for this file{sharing}. You can keep reading the table while they are worked out.",
        rough_duration(rows.div_ceil(workers.max(1)))
    )
}

/// "about 5 seconds" for the reasons of `rows` rows, at about 0.5 ms a row
/// for the demo model in Chromium with the batch's `Explainer`: the 3 ms a
/// row measured quiet before it, over its 6.3x speed-up measured natively
/// (1.5 ms a row was measured in Chromium under a load of 8 on 2 cores;
/// BENCHMARKS.md, issue 15 §5); bigger forests
/// take longer, so it is only ever "about".
fn rough_duration(rows: usize) -> String {
    let seconds = rows as f64 * 0.0005;
    if seconds < 2.0 {
        "a second or two".to_string()
    } else if seconds < 90.0 {
        format!("about {:.0} seconds", seconds)
    } else {
        format!("about {:.0} minutes", seconds / 60.0)
    }
}
