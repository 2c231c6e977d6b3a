//! The Directory screen's import and export: a directory (CSV, XLSX or
//! several HSDS CSV files, read in the worker), a gazetteer, the export as
//! CSV, and the problems found while reading.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::jobs::{JobRequest, JobResult};
use crate::ranker::{directory_to_csv, import_gazetteer_csv, Directory, Problem};
use crate::ui::components::progress::JobProgress;
use crate::ui::files;
use crate::ui::jobs::use_job;
use crate::ui::state::{use_app, Action, Notice};

#[component]
pub(super) fn ImportExport() -> Html {
    let app = use_app();
    let problems = use_state(Vec::<Problem>::new);

    // The files are read in the worker (`JobRequest::Directory`): the
    // workbook readers are not in the page's WebAssembly.
    let names = use_mut_ref(Vec::<String>::new);
    let on_result = {
        let (app, problems, names) = (app.clone(), problems.clone(), names.clone());
        Callback::from(move |result: Result<JobResult, String>| match result {
            Ok(JobResult::Directory {
                directory,
                problems: found,
            }) => {
                let mut directory = *directory;
                let n = directory.services.len();
                let count = found.len();
                app.dispatch(Action::Update(Box::new(move |ws| {
                    // A file without a gazetteer keeps the current one.
                    if directory.gazetteer.places.is_empty() {
                        if let Some(old) = ws.directory.as_ref() {
                            directory.gazetteer = old.gazetteer.clone();
                        }
                    }
                    ws.directory = Some(directory);
                })));
                app.dispatch(Action::Notify(Notice::Info(format!(
                    "Imported {n} services from {}{}.",
                    names.borrow().join(", "),
                    if count == 0 {
                        String::new()
                    } else {
                        format!("; {count} problem(s) are listed below")
                    }
                ))));
                problems.set(found);
            }
            Ok(_) => {}
            Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
        })
    };
    let job = use_job(on_result);
    let on_import = {
        let (app, job) = (app.clone(), job.clone());
        Callback::from(move |e: Event| {
            let picked = files::from_input(&e);
            if picked.is_empty() {
                return;
            }
            let (app, job, names) = (app.clone(), job.clone(), names.clone());
            spawn_local(async move {
                let mut tables = Vec::new();
                for file in picked {
                    match files::read(file).await {
                        Ok(pair) => tables.push(pair),
                        Err(message) => {
                            app.dispatch(Action::Notify(Notice::Error(message)));
                            return;
                        }
                    }
                }
                *names.borrow_mut() = tables.iter().map(|(n, _)| n.clone()).collect();
                job.start(
                    JobRequest::Directory { files: tables },
                    "Reading the directory",
                );
            });
        })
    };
    let on_gazetteer = {
        let (app, problems) = (app.clone(), problems.clone());
        files::on_choose(move |read| match read {
            Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
            Ok((name, bytes)) => match import_gazetteer_csv(&name, &bytes) {
                Err(err) => app.dispatch(Action::Notify(Notice::Error(format!(
                    "The gazetteer was not imported: {err}"
                )))),
                Ok((gazetteer, found)) => {
                    let n = gazetteer.places.len();
                    app.dispatch(Action::Update(Box::new(move |ws| {
                        ws.directory
                            .get_or_insert_with(Directory::default)
                            .gazetteer = gazetteer;
                    })));
                    app.dispatch(Action::Notify(Notice::Info(format!(
                        "Imported {n} places from {name}."
                    ))));
                    problems.set(found);
                }
            },
        })
    };
    let export = {
        let app = app.clone();
        Callback::from(move |_| {
            if let Some(directory) = app.workspace.directory.as_ref() {
                if let Err(message) = files::download(
                    "signpost-directory.csv",
                    "text/csv",
                    &directory_to_csv(directory),
                ) {
                    app.dispatch(Action::Notify(Notice::Error(message)));
                }
            }
        })
    };

    let problem_list = (!problems.is_empty()).then(|| {
        html! {
            <div class="banner warn" role="region" aria-labelledby="directory-problems-title" id="directory-problems">
                <h3 id="directory-problems-title">{ format!("{} problem(s) found while reading; the rest was imported", problems.len()) }</h3>
                <ul class="findings">
                    { for problems.iter().take(100).map(|p| html! { <li>{ problem_words(p) }</li> }) }
                </ul>
                if problems.len() > 100 { <p>{ format!("…and {} more.", problems.len() - 100) }</p> }
            </div>
        }
    });

    html! {
        <div role="region" aria-labelledby="import-title" class="no-print">
            <h2 id="import-title">{ "Import and export" }</h2>
            <p class="hint">{ "A directory is a CSV or Excel file with one service a row in the documented layout, or several HSDS CSV files \
                (the Human Services Data Specification: organizations, services, locations…) chosen together. \
                Importing replaces the current services." }</p>
            <div class="field-row">
                <div class="field">
                    <label for="import-directory">{ "Import a directory (CSV, XLSX, or several HSDS CSV files)" }</label>
                    <input id="import-directory" type="file" multiple={true} accept=".csv,.xlsx,.xls,text/csv" onchange={on_import} />
                </div>
                <div class="field">
                    <label for="import-gazetteer">{ "Import a gazetteer (CSV: zip, city, county, state)" }</label>
                    <input id="import-gazetteer" type="file" accept=".csv,text/csv" onchange={on_gazetteer} />
                </div>
                if app.workspace.directory.is_some() {
                    <button type="button" id="export-directory" onclick={export}>{ "Export directory (CSV)" }</button>
                }
            </div>
            <JobProgress job={job.clone()} />
            { for problem_list }
        </div>
    }
}

fn problem_words(p: &Problem) -> String {
    let mut at = vec![p.source.clone()];
    if let Some(row) = p.row {
        at.push(format!("row {row}"));
    }
    if let Some(column) = &p.column {
        at.push(format!("column {column}"));
    }
    let value = p
        .value
        .as_ref()
        .map(|v| format!(" (value '{v}')"))
        .unwrap_or_default();
    format!("{}: {}{value}", at.join(", "), p.message)
}
