//! Batch: score a file of new referrals in the worker, show a table
//! (suggestion, confidence, set, flags), list the rows that could not be
//! scored, and download the results as CSV.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::jobs::{JobRequest, JobResult};
use crate::model::batch::{to_csv, BatchResult};
use crate::ui::components::progress::JobProgress;
use crate::ui::files;
use crate::ui::jobs::use_job;
use crate::ui::state::{use_app, Action, Notice};

const SHOWN: usize = 200;

#[component]
pub fn BatchScreen() -> Html {
    let app = use_app();
    let result = use_state(|| None::<BatchResult>);
    let on_result = {
        let app = app.clone();
        let result = result.clone();
        Callback::from(move |r: Result<JobResult, String>| match r {
            Ok(JobResult::Scored(scored)) => result.set(Some(scored)),
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
    let on_file = {
        let job = job.clone();
        let app = app.clone();
        let result = result.clone();
        Callback::from(move |event: Event| {
            let Some(file) = files::from_input(&event).into_iter().next() else {
                return;
            };
            let (job, app, model, result) =
                (job.clone(), app.clone(), model.clone(), result.clone());
            spawn_local(async move {
                match files::read(file).await {
                    Ok((name, bytes)) => {
                        result.set(None);
                        job.start(
                            JobRequest::Batch {
                                name: name.clone(),
                                bytes,
                                model: Box::new(model),
                            },
                            &format!("Scoring {name}"),
                        );
                    }
                    Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
                }
            });
        })
    };
    let download = {
        let result = result.clone();
        let app = app.clone();
        Callback::from(move |_| {
            if let Some(r) = result.as_ref() {
                if let Err(message) =
                    files::download("signpost-suggestions.csv", "text/csv", &to_csv(r))
                {
                    app.dispatch(Action::Notify(Notice::Error(message)));
                }
            }
        })
    };
    html! {
        <section aria-labelledby="batch-title">
            <h1 id="batch-title">{ "Batch" }</h1>
            <p>{ format!("Score a CSV or Excel file of new referrals. It needs the model's columns: {}.", app.workspace.model.as_ref().map(|m| m.encoder.feature_names().join(", ")).unwrap_or_default()) }</p>
            <p class="hint">{ "Each row gets a suggestion for a professional to review; nothing is routed." }</p>
            <div class="actions">
                <label class="button primary" for="batch-file">{ "Choose a file to score" }</label>
                <input id="batch-file" class="visually-hidden" type="file" accept=".csv,.tsv,.txt,.xlsx,.xls,.ods" onchange={on_file} />
            </div>
            <JobProgress job={job.clone()} />
            if let Some(r) = (*result).clone() {
                <h2 id="batch-result">{ format!("{}: {} referrals scored, {} could not be", r.source, r.rows.len(), r.problems.len()) }</h2>
                <div class="actions"><button type="button" onclick={download}>{ "Download results (CSV)" }</button></div>
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
                            <th scope="col">{ "90% set" }</th><th scope="col">{ "Flags" }</th></tr></thead>
                        <tbody>{ for r.rows.iter().take(SHOWN).map(|row| html! {
                            <tr><td class="num">{ row.row }</td><td>{ row.id.clone().unwrap_or_default() }</td><td>{ &row.suggested }</td>
                                <td class="num">{ format!("{:.0}%", row.confidence * 100.0) }</td><td>{ row.prediction_set.join(", ") }</td><td>{ row.flags.join("; ") }</td></tr>
                        }) }</tbody>
                    </table>
                </div>
            }
        </section>
    }
}
