//! The app shell: owns the state reducer, reads the saved workspace at start,
//! saves after every change, follows the URL fragment, and lays out the
//! navigation, the notice and the current screen.

use gloo::events::EventListener;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::jobs::{JobRequest, JobResult};
use crate::ui::components::progress::JobProgress;
use crate::ui::jobs::use_job;
use crate::ui::screens::{self, Screen};
use crate::ui::state::{Action, AppContext, AppState, Notice};
use crate::ui::storage;
use crate::workspace::{self, Workspace};

fn current_hash() -> String {
    gloo::utils::window().location().hash().unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq)]
enum SaveStatus {
    Idle,
    Saving,
    Saved,
    Failed(String),
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(AppState::default);
    let screen = use_state(|| Screen::from_hash(&current_hash()));
    let save_status = use_state(|| SaveStatus::Idle);

    // The instant demo, built in the worker; applied if the workspace is
    // still the plain demo by then.
    let demo_job = {
        let state = state.clone();
        use_job(Callback::from(move |result| match result {
            Ok(JobResult::Demo(demo)) => state.dispatch(Action::DemoReady(demo)),
            Ok(_) => {}
            Err(message) => state.dispatch(Action::Notify(Notice::Error(message))),
        }))
    };

    // Read the saved workspace once; `#demo` then replaces it with the demo.
    {
        let state = state.clone();
        let demo_job = demo_job.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                match storage::load().await {
                    Ok(saved) => state.dispatch(Action::Loaded(saved.unwrap_or_default())),
                    Err(message) => {
                        state.dispatch(Action::Loaded(Workspace::default()));
                        state.dispatch(Action::Notify(Notice::Error(message)));
                    }
                }
                if current_hash() == "#demo" {
                    state.dispatch(Action::Replace {
                        workspace: workspace::demo(workspace::DEMO_SEED),
                        notice: Notice::Info(DEMO_NOTICE.into()),
                    });
                    screens::go(Screen::Data);
                    // The model, decisions, groups and simulation follow
                    // from the worker (`instant_demo`).
                    demo_job.start(
                        JobRequest::Demo {
                            seed: workspace::DEMO_SEED,
                        },
                        "Building the demo",
                    );
                }
            });
        });
    }

    // Save after every change.
    {
        let workspace = state.workspace.clone();
        let save_status = save_status.clone();
        use_effect_with(state.revision, move |revision| {
            if *revision > 0 {
                save_status.set(SaveStatus::Saving);
                spawn_local(async move {
                    match storage::save(&workspace).await {
                        Ok(()) => save_status.set(SaveStatus::Saved),
                        Err(message) => save_status.set(SaveStatus::Failed(message)),
                    }
                });
            }
        });
    }

    // Follow the URL fragment.
    {
        let screen = screen.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                screen.set(Screen::from_hash(&current_hash()));
            });
            move || drop(listener)
        });
    }

    let notice = state.notice.clone().map(|notice| {
        let dismiss = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::DismissNotice))
        };
        let (class, role, label, text) = match notice {
            Notice::Info(text) => ("notice info", "status", "Note:", text),
            Notice::Error(text) => ("notice error", "alert", "Problem:", text),
        };
        html! {
            <div class={class} role={role}>
                <strong>{ label }</strong>{ " " }<span class="notice-text">{ text }</span>
                <button type="button" class="link" onclick={dismiss}>{ "Dismiss" }</button>
            </div>
        }
    });

    let save_text = match &*save_status {
        SaveStatus::Idle => "Stored only in this browser".to_string(),
        SaveStatus::Saving => "Saving in this browser…".to_string(),
        SaveStatus::Saved => "Saved in this browser".to_string(),
        SaveStatus::Failed(message) => format!("Not saved: {message}"),
    };

    let nav = Screen::ALL.iter().map(|&item| {
        let current = (item == *screen).then_some("page");
        html! {
            <li><a href={format!("#{}", item.slug())} aria-current={current}>{ item.title() }</a></li>
        }
    });

    let body = if state.loaded {
        match *screen {
            Screen::Start => html! { <screens::start::StartScreen /> },
            Screen::Data => html! { <screens::data::DataScreen /> },
            Screen::Model => html! { <screens::model::ModelScreen /> },
            Screen::Triage => html! { <screens::triage::TriageScreen /> },
            Screen::Batch => html! { <screens::batch::BatchScreen /> },
            Screen::Decisions => html! { <screens::decisions::DecisionsScreen /> },
            Screen::Directory => html! { <screens::directory::DirectoryScreen /> },
            Screen::Segments => html! { <screens::segments::SegmentsScreen /> },
            Screen::Flows => html! { <screens::flows::FlowsScreen /> },
            Screen::Simulator => html! { <screens::simulator::SimulatorScreen /> },
            Screen::Settings => html! { <screens::settings::SettingsScreen /> },
        }
    } else {
        html! { <p role="status">{ "Opening your workspace…" }</p> }
    };

    html! {
        <ContextProvider<AppContext> context={state.clone()}>
            <header class="app-header">
                <a class="brand" href="#start">{ "Signpost" }</a>
                <span class="tagline">{ "Decision support: a person decides every referral" }</span>
                <span class="save-status" role="status">{ save_text }</span>
            </header>
            <nav aria-label="Screens"><ul>{ for nav }</ul></nav>
            <main id="main">
                { for notice }
                if demo_job.is_running() {
                    <JobProgress job={demo_job.clone()} />
                }
                { body }
            </main>
        </ContextProvider<AppContext>>
    }
}

pub const DEMO_NOTICE: &str =
    "Loaded the demo workspace: synthetic referrals made up by Signpost, no real people.";
