//! Settings: export the workspace to one file, import it back, and clear
//! everything Signpost stored in this browser.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::ui::files;
use crate::ui::state::{use_app, Action, AppContext, Notice};
use crate::ui::storage;
use crate::workspace::{self, Workspace};

#[component]
pub fn SettingsScreen() -> Html {
    let app = use_app();
    let confirming = use_state(|| false);

    let export = {
        let app = app.clone();
        Callback::from(move |_| {
            let result = workspace::export(&app.workspace)
                .map_err(|err| err.to_string())
                .and_then(|text| {
                    files::download("signpost-workspace.json", "application/json", &text)
                });
            if let Err(message) = result {
                app.dispatch(Action::Notify(Notice::Error(message)));
            }
        })
    };

    let on_import = {
        let app = app.clone();
        files::on_choose(move |read| {
            open_workspace(
                &app,
                read,
                "Imported the workspace file; it replaced the previous workspace.",
            );
        })
    };

    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(true))
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_| confirming.set(false))
    };
    let clear = {
        let app = app.clone();
        let confirming = confirming.clone();
        Callback::from(move |_| {
            confirming.set(false);
            let app = app.clone();
            spawn_local(async move {
                let notice = match storage::clear().await {
                    Ok(()) => {
                        Notice::Info("All Signpost data was deleted from this browser.".into())
                    }
                    Err(message) => Notice::Error(message),
                };
                app.dispatch(Action::Replace {
                    workspace: Workspace::default(),
                    notice,
                });
            });
        })
    };

    html! {
        <section aria-labelledby="settings-title">
            <h1 id="settings-title">{ "Settings" }</h1>
            <h2>{ "Your workspace file" }</h2>
            <p>{ "The workspace holds your referral data, model, decisions, directory and scenarios. \
                Export it to keep a copy or move it to another computer; the file is checked when it is imported, \
                and a damaged or edited file is refused without changing anything." }</p>
            <div class="actions">
                <button type="button" onclick={export}>{ "Export workspace" }</button>
                <label class="button" for="import-workspace">{ "Import workspace" }</label>
                <input id="import-workspace" class="visually-hidden" type="file" accept=".json,application/json"
                    onchange={on_import} />
            </div>
            <h2>{ "Clear all data" }</h2>
            <p>{ "Deletes everything Signpost keeps in this browser. Export first if you want a copy." }</p>
            if *confirming {
                <div class="confirm" role="alertdialog" aria-labelledby="confirm-clear">
                    <p id="confirm-clear"><strong>{ "Delete all Signpost data from this browser? This cannot be undone." }</strong></p>
                    <button type="button" class="danger" onclick={clear}>{ "Yes, delete everything" }</button>
                    <button type="button" onclick={cancel}>{ "Cancel" }</button>
                </div>
            } else {
                <button type="button" class="danger" onclick={ask}>{ "Clear all data" }</button>
            }
        </section>
    }
}

/// Replaces the workspace with the one in a chosen export file, saying
/// `opened`; or says why not and changes nothing. True when it was opened.
pub fn open_workspace(
    app: &AppContext,
    read: Result<(String, Vec<u8>), String>,
    opened: &str,
) -> bool {
    let result = read.and_then(|(name, bytes)| {
        workspace::import(&name, &String::from_utf8_lossy(&bytes)).map_err(|err| err.to_string())
    });
    match result {
        Ok(workspace) => {
            app.dispatch(Action::Replace {
                workspace,
                notice: Notice::Info(opened.into()),
            });
            true
        }
        Err(message) => {
            app.dispatch(Action::Notify(Notice::Error(format!(
                "Your workspace is unchanged. {message}"
            ))));
            false
        }
    }
}
