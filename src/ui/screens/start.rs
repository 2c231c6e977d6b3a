//! Start: what Signpost is, the privacy promise, and the three ways in:
//! the demo, importing referral data, or opening a saved workspace.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::jobs::{JobRequest, JobResult};
use crate::ui::app::DEMO_NOTICE;
use crate::ui::components::progress::JobProgress;
use crate::ui::files;
use crate::ui::jobs::use_job;
use crate::ui::screens::settings::open_workspace;
use crate::ui::screens::{self, Screen};
use crate::ui::state::{use_app, Action, Notice};
use crate::workspace;

#[component]
pub fn StartScreen() -> Html {
    let app = use_app();
    let dragging = use_state(|| false);

    let on_import_result = {
        let app = app.clone();
        Callback::from(move |result: Result<JobResult, String>| match result {
            Ok(JobResult::Imported(imported)) => {
                let origin = imported.dataset.source.clone();
                app.dispatch(Action::SetData {
                    dataset: imported.dataset,
                    problems: imported.problems,
                    origin,
                });
                screens::go(Screen::Data);
            }
            Ok(_) => {}
            Err(message) => app.dispatch(Action::Notify(Notice::Error(format!(
                "Nothing was imported and your workspace is unchanged. {message}"
            )))),
        })
    };
    let job = use_job(on_import_result);

    let import_files = {
        let job = job.clone();
        let app = app.clone();
        Callback::from(move |list: Vec<gloo::file::File>| {
            let Some(file) = list.into_iter().next() else {
                return;
            };
            let job = job.clone();
            let app = app.clone();
            spawn_local(async move {
                match files::read(file).await {
                    Ok((name, bytes)) => job.start(
                        JobRequest::Import {
                            name: name.clone(),
                            bytes,
                            sheet: None,
                        },
                        &format!("Reading {name}"),
                    ),
                    Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
                }
            });
        })
    };

    let on_import_input = {
        let import_files = import_files.clone();
        Callback::from(move |event: Event| import_files.emit(files::from_input(&event)))
    };

    let on_open_workspace = {
        let app = app.clone();
        files::on_choose(move |read| {
            if open_workspace(&app, read, "Opened the workspace file.") {
                screens::go(Screen::Data);
            }
        })
    };

    let load_demo = {
        let app = app.clone();
        Callback::from(move |_| {
            app.dispatch(Action::Replace {
                workspace: workspace::demo(workspace::DEMO_SEED),
                notice: Notice::Info(DEMO_NOTICE.into()),
            });
            screens::go(Screen::Data);
        })
    };

    let on_dragover = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(true);
        })
    };
    let on_dragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            import_files.emit(files::from_drop(&event));
        })
    };

    let has_data = app.workspace.data.is_some();
    html! {
        <section aria-labelledby="start-title"
            class={classes!("start", dragging.then_some("dragging"))}
            ondragover={on_dragover} ondragleave={on_dragleave} ondrop={on_drop}>
            <h1 id="start-title">{ "Signpost" }</h1>
            <p class="lead">{ "Signpost suggests a support pathway for each referral, with reasons and an alternative, \
                ranks the services that deliver it, and shows what routing does to waiting times. \
                A professional reviews every suggestion and records the decision." }</p>
            <div class="privacy" role="note">
                <h2>{ "Your data stays on this computer" }</h2>
                <p>{ "Everything runs in this browser tab. Files you import, models you train and decisions you record \
                    are kept only in this browser's own storage. Nothing is uploaded or sent anywhere, and \
                    Settings has one button that deletes all of it." }</p>
            </div>
            <div class="actions">
                <button type="button" class="primary" onclick={load_demo}>{ "Load demo" }</button>
                <label class="button" for="import-file">{ "Import file" }</label>
                <input id="import-file" class="visually-hidden" type="file"
                    accept=".csv,.tsv,.txt,.xlsx,.xls,.ods" onchange={on_import_input} />
                <label class="button" for="open-workspace">{ "Open workspace" }</label>
                <input id="open-workspace" class="visually-hidden" type="file" accept=".json,application/json"
                    onchange={on_open_workspace} />
            </div>
            <JobProgress job={job.clone()} />
            <p class="hint">{ "Import a CSV or Excel file of past referrals (one row per referral, a header row), \
                or drop it anywhere on this panel. The demo uses made-up referrals and opens every screen." }</p>
            if has_data {
                <p>{ "You already have data: " }<a href="#data">{ "see it on the Data screen" }</a>{ "." }</p>
            }
        </section>
    }
}
