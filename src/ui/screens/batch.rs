//! Batch: score a file of new referrals in the worker, show a table
//! (suggestion, confidence, set, flags), list the rows that could not be
//! scored, and download the results as CSV. Scoring comes first and is quick;
//! the top three reasons per row are a second step the user asks for, because
//! exact reasons cost a few milliseconds a row (half a minute for 10,000).

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::jobs::{JobRequest, JobResult};
use crate::model::batch::{to_csv, BatchRow};
use crate::ui::components::progress::JobProgress;
use crate::ui::files;
use crate::ui::jobs::use_job;
use crate::ui::state::{use_app, Action, BatchSession, Notice, Review};

const SHOWN: usize = 200;

#[component]
pub fn BatchScreen() -> Html {
    let app = use_app();
    // The file being scored, until its result comes back.
    let pending = use_mut_ref(|| None::<(String, Rc<Vec<u8>>)>);
    let on_result = {
        let app = app.clone();
        let pending = pending.clone();
        Callback::from(move |r: Result<JobResult, String>| match r {
            Ok(JobResult::Scored(scored)) => {
                if let Some((file_name, bytes)) = pending.borrow_mut().take() {
                    app.dispatch(Action::SetBatch(Some(BatchSession {
                        file_name,
                        bytes,
                        result: Rc::new(scored),
                    })));
                }
            }
            Ok(_) => {}
            Err(message) => app.dispatch(Action::Notify(Notice::Error(format!(
                "Nothing was scored. {message}"
            )))),
        })
    };
    let job = use_job(on_result);
    let Some(model) = app.workspace.model.clone() else {
        return html! {
            <section aria-labelledby="batch-title">
                <h1 id="batch-title">{ "Batch" }</h1>
                <div class="banner warn" role="status">{ "There is no trained model yet. " }<a href="#model">{ "Train one on the Model screen" }</a>{ " first." }</div>
            </section>
        };
    };
    let start = {
        let job = job.clone();
        let model = model.clone();
        let pending = pending.clone();
        move |name: String, bytes: Rc<Vec<u8>>, with_reasons: bool| {
            let stage = if with_reasons {
                format!("Working out the reasons for {name}")
            } else {
                format!("Scoring {name}")
            };
            *pending.borrow_mut() = Some((name.clone(), bytes.clone()));
            job.start(
                JobRequest::Batch {
                    name,
                    bytes: (*bytes).clone(),
                    model: Box::new(model.clone()),
                    with_reasons,
                },
                &stage,
            );
        }
    };
    let on_file = {
        let app = app.clone();
        let start = start.clone();
        Callback::from(move |event: Event| {
            let Some(file) = files::from_input(&event).into_iter().next() else {
                return;
            };
            let (app, start) = (app.clone(), start.clone());
            spawn_local(async move {
                match files::read(file).await {
                    Ok((name, bytes)) => {
                        app.dispatch(Action::SetBatch(None));
                        start(name, Rc::new(bytes), false);
                    }
                    Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
                }
            });
        })
    };
    let add_reasons = {
        let session = app.batch.clone();
        Callback::from(move |_| {
            if let Some(session) = &session {
                start(session.file_name.clone(), session.bytes.clone(), true);
            }
        })
    };
    let review = {
        let app = app.clone();
        Callback::from(move |row: BatchRow| {
            app.dispatch(Action::Review(Review {
                referral: Some(row.id.clone().unwrap_or_else(|| format!("row {}", row.row))),
                inputs: row.inputs,
            }));
            let _ = gloo::utils::window().location().set_hash("triage");
        })
    };
    let running = job.is_running();
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
            <JobProgress job={job.clone()} />
            if let Some(r) = app.batch.as_ref().map(|b| b.result.clone()) {
                <h2 id="batch-result">{ format!("{}: {} referrals scored, {} could not be", r.source, r.rows.len(), r.problems.len()) }</h2>
                <div class="actions"><button type="button" onclick={download}>{ if r.with_reasons { "Download results with reasons (CSV)" } else { "Download results (CSV)" } }</button></div>
                if !r.with_reasons && !r.rows.is_empty() {
                    <div class="reasons-step" role="region" aria-labelledby="batch-reasons">
                        <h3 id="batch-reasons">{ "Reasons for each row" }</h3>
                        <p class="hint">{ format!(
                            "The top three reasons behind each suggestion are exact, and take a few milliseconds a row to work out: {} for this file. You can keep reading the table while they are worked out.",
                            rough_duration(r.rows.len())
                        ) }</p>
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
                        <thead><tr><th scope="col">{ "Row" }</th><th scope="col">{ "Id" }</th><th scope="col">{ "Suggested" }</th><th scope="col" class="num">{ "Confidence" }</th>
                            <th scope="col">{ "90% set" }</th><th scope="col">{ "Flags" }</th>
                            if r.with_reasons { <th scope="col" id="top-reasons">{ "Top reasons" }</th> }
                            <th scope="col">{ "Decision" }</th></tr></thead>
                        <tbody>{ for r.rows.iter().take(SHOWN).map(|row| html! {
                            <tr><td class="num">{ row.row }</td><td>{ row.id.clone().unwrap_or_default() }</td><td>{ &row.suggested }</td>
                                <td class="num">{ format!("{:.0}%", row.confidence * 100.0) }</td><td>{ row.prediction_set.join(", ") }</td><td>{ row.flags.join("; ") }</td>
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

/// "about 30 seconds" for the reasons of `rows` rows, at the 3 ms a row
/// measured for the demo model in Chromium (BENCHMARKS.md); bigger forests
/// take longer, so it is only ever "about".
fn rough_duration(rows: usize) -> String {
    let seconds = rows as f64 * 0.003;
    if seconds < 2.0 {
        "a second or two".to_string()
    } else if seconds < 90.0 {
        format!("about {:.0} seconds", seconds)
    } else {
        format!("about {:.0} minutes", seconds / 60.0)
    }
}
