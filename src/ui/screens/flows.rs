//! Flows (issue 11): an organisation's event log of stays, read in the
//! worker, with the column roles guessed and editable; discovery (quality
//! report, states, stays, arrivals, occupancy, moves, the process map, the
//! move model, segments), a back-test, and "Use in the simulator".
//!
//! The log itself stays in the page only while it is open
//! (`AppState::flows_file`); the workspace keeps the roles, settings and
//! results (`jobs::flows::FlowsWork`). The demo log is drawn again from its
//! seed by the worker, so the demo works after a reload too. On the demo
//! workspace the demo log is discovered the first time this screen opens
//! (in the worker, with progress), not while `#demo` loads.
//!
//! This file: the screen, its jobs, choosing the log and its roles.
//! `flows_results.rs`: the tables and words. `flows_charts.rs`: the process
//! map and the charts. `flows_backtest.rs`: the back-test.

use std::rc::Rc;

use yew::prelude::*;

use crate::flows::{self, Day, DiscoverOptions, LogOptions, Roles};
use crate::import::ColumnKind;
use crate::jobs::flows::{
    demo_options, FlowSource, FlowsRequest, FlowsResult, FlowsSettings, FlowsTask, FlowsWork,
    LogColumns,
};
use crate::jobs::{JobRequest, JobResult};
use crate::segment::KChoice;
use crate::ui::components::form;
use crate::ui::components::progress::JobProgress;
use crate::ui::files;
use crate::ui::jobs::use_job;
use crate::ui::screens::data::kind_label;
use crate::ui::screens::flows_backtest::BacktestPanel;
use crate::ui::screens::flows_results::Results;
use crate::ui::state::{use_app, Action, AppContext, FlowsFile, Notice};

/// Today as a day number (the page has a clock; the core reads none).
fn today() -> Day {
    (js_sys::Date::now() / 86_400_000.0).floor() as Day
}

/// A number as people read it: 1,234 / 12.3 / 0.45.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "not known".into();
    }
    if v.abs() >= 1000.0 {
        let whole = v.round() as i64;
        let digits = whole.unsigned_abs().to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if whole < 0 {
            out.insert(0, '-');
        }
        out
    } else if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A count: 1,234 (never with decimals).
pub fn fmt_count(n: usize) -> String {
    if n >= 1000 {
        fmt_num(n as f64)
    } else {
        n.to_string()
    }
}

/// Whether the workspace is the built-in demo (its flows come from the demo log).
fn is_demo(app: &AppContext) -> bool {
    app.workspace
        .origin
        .as_deref()
        .is_some_and(|o| o.starts_with("demo (seed"))
}

/// The log for a job: the demo drawn again, or the file chosen in this page.
pub fn source_of(app: &AppContext, work: &FlowsWork) -> Result<FlowSource, String> {
    if let Some(demo) = work.demo {
        return Ok(FlowSource::Demo(demo));
    }
    match &app.flows_file {
        Some(file) if file.name == work.columns.source => Ok(FlowSource::File {
            name: file.name.clone(),
            bytes: (*file.bytes).clone(),
            sheet: None,
        }),
        _ => Err(format!(
            "The event log {} is not open in this page: the log itself is never saved in the browser, only its roles and results. Choose the file again under \"Event log\", then try again.",
            work.columns.source
        )),
    }
}

/// Starts a Flows job.
pub fn start(job: &crate::ui::jobs::JobHandle, source: FlowSource, task: FlowsTask, stage: &str) {
    job.start(
        JobRequest::Flows(Box::new(FlowsRequest { source, task })),
        stage,
    );
}

/// Starts a job that reads the log again with the saved settings and uses
/// the discovery with the edited places (the back-test, the scenario).
pub fn start_from_discovery(
    app: &AppContext,
    job: &crate::ui::jobs::JobHandle,
    task: impl FnOnce(Box<FlowsSettings>, Box<flows::Discovery>) -> FlowsTask,
    stage: &str,
) {
    let Some(work) = app.workspace.flows.clone() else {
        return;
    };
    let Some(discovery) = work.discovery_with_places() else {
        return;
    };
    match source_of(app, &work) {
        Ok(source) => start(
            job,
            source,
            task(Box::new(work.settings.clone()), Box::new(discovery)),
            stage,
        ),
        Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
    }
}

/// A change to the saved Flows work.
pub fn update_work(app: &AppContext, change: impl FnOnce(&mut FlowsWork) + 'static) {
    app.dispatch(Action::Update(Box::new(move |ws| {
        if let Some(work) = ws.flows.as_mut() {
            change(work);
        }
    })));
}

#[component]
pub fn FlowsScreen() -> Html {
    let app = use_app();
    // The demo options of a discovery under way (`None`: a file).
    let pending_demo = use_mut_ref(|| None::<flows::DemoOptions>);

    let on_result = {
        let app = app.clone();
        let pending_demo = pending_demo.clone();
        Callback::from(move |r: Result<JobResult, String>| match r {
            Ok(JobResult::Flows(result)) => match *result {
                FlowsResult::Columns(columns) => {
                    let message = format!(
                        "Read {} rows and {} columns from {}. Check the roles guessed below, then press \"Discover flows\".",
                        columns.rows,
                        columns.columns.len(),
                        columns.source
                    );
                    let work = FlowsWork {
                        settings: FlowsSettings {
                            roles: columns.guessed.clone(),
                            ..FlowsSettings::default()
                        },
                        columns,
                        ..FlowsWork::default()
                    };
                    app.dispatch(Action::Update(Box::new(move |ws| ws.flows = Some(work))));
                    app.dispatch(Action::Notify(Notice::Info(message)));
                }
                FlowsResult::Discovered(found) => {
                    let demo = pending_demo.borrow_mut().take();
                    let found = *found;
                    let message = format!(
                        "Discovered {} states and {} kinds of move among {} people in {}.",
                        found.discovery.states.len(),
                        found.discovery.moves.len(),
                        fmt_count(found.discovery.people),
                        found.columns.source
                    );
                    let work = FlowsWork {
                        demo,
                        columns: found.columns,
                        settings: found.settings,
                        quality: Some(found.quality),
                        discovery: Some(found.discovery),
                        backtest: None,
                        places: Vec::new(),
                    };
                    app.dispatch(Action::Update(Box::new(move |ws| ws.flows = Some(work))));
                    app.dispatch(Action::Notify(Notice::Info(message)));
                }
                FlowsResult::Backtested(backtest) => {
                    update_work(&app, move |work| work.backtest = Some(*backtest));
                }
                FlowsResult::Scenario(scenario) => {
                    let message = format!(
                        "The scenario built from the event log is open in the simulator: {} services with their places, fitted stays and moves, and {} people in place on the last day of the data. Change a slider, then run it.",
                        scenario.services.len(),
                        fmt_count(scenario.initial.len())
                    );
                    app.dispatch(Action::Update(Box::new(move |ws| {
                        ws.scenario = Some(*scenario)
                    })));
                    app.dispatch(Action::Notify(Notice::Info(message)));
                    crate::ui::screens::go(crate::ui::screens::Screen::Simulator);
                }
            },
            Ok(_) => {}
            Err(message) => {
                pending_demo.borrow_mut().take();
                app.dispatch(Action::Notify(Notice::Error(message)));
            }
        })
    };
    let job = use_job(on_result);

    let discover_demo = {
        let job = job.clone();
        let pending_demo = pending_demo.clone();
        Callback::from(move |_: ()| {
            let demo = demo_options();
            *pending_demo.borrow_mut() = Some(demo);
            start(
                &job,
                FlowSource::Demo(demo),
                FlowsTask::Discover(None),
                "Drawing the demo event log (16,000 households over 10 years)",
            );
        })
    };

    // On the demo workspace, the demo log is discovered on first opening.
    {
        let start_demo = (is_demo(&app) && app.workspace.flows.is_none() && !job.is_running())
            .then(|| discover_demo.clone());
        use_effect_with((), move |_| {
            if let Some(start_demo) = start_demo {
                start_demo.emit(());
            }
        });
    }

    let on_file = {
        let app = app.clone();
        let job = job.clone();
        files::on_choose(move |read| match read {
            Ok((name, bytes)) => {
                let bytes = Rc::new(bytes);
                app.dispatch(Action::SetFlowsFile(Some(FlowsFile {
                    name: name.clone(),
                    bytes: bytes.clone(),
                })));
                start(
                    &job,
                    FlowSource::File {
                        name: name.clone(),
                        bytes: (*bytes).clone(),
                        sheet: None,
                    },
                    FlowsTask::Columns,
                    &format!("Reading {name}"),
                );
            }
            Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
        })
    };

    let on_discover = {
        let app = app.clone();
        let job = job.clone();
        let pending_demo = pending_demo.clone();
        Callback::from(move |settings: FlowsSettings| {
            let Some(work) = app.workspace.flows.clone() else {
                return;
            };
            match source_of(&app, &work) {
                Ok(source) => {
                    *pending_demo.borrow_mut() = work.demo;
                    start(
                        &job,
                        source,
                        FlowsTask::Discover(Some(Box::new(settings))),
                        "Discovering flows",
                    );
                }
                Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
            }
        })
    };

    let work = app.workspace.flows.clone();
    let running = job.is_running();
    let load_demo = {
        let discover_demo = discover_demo.clone();
        Callback::from(move |_: MouseEvent| discover_demo.emit(()))
    };

    html! {
        <section aria-labelledby="flows-title">
            <h1 id="flows-title">{ "Flows" }</h1>
            <p>{ "Learn how people move through your services from your own records: an event log with one row per stay (a person, the state or service, the start date, the end date, empty if they are still there, and optionally person columns such as age band). Signpost finds the moves, how long people stay, arrivals and occupancy, checks the result against the history with a back-test, and builds a scenario for the simulator. The file is read in this browser and never leaves it." }</p>
            <h2 id="flows-import-title">{ "Event log" }</h2>
            <div class="actions">
                <label for="flows-file">{ "Choose an event log (CSV or Excel) " }</label>
                <input id="flows-file" type="file" accept=".csv,.tsv,.txt,.xlsx,.xls,.xlsb" onchange={on_file} disabled={running} />
                <button id="flows-demo" type="button" onclick={load_demo} disabled={running}>{ "Use the demo event log" }</button>
            </div>
            <p class="hint">{ "The demo event log is synthetic: 16,000 households of a made-up social landlord over 10 years, no real people." }</p>
            <JobProgress job={job.clone()} />
            if let Some(work) = work {
                <RolesForm key={format!("{}-{}", work.columns.source, work.columns.rows)}
                    columns={work.columns.clone()} settings={work.settings.clone()}
                    running={running} on_discover={on_discover} />
                if let (Some(quality), Some(discovery)) = (work.quality.clone(), work.discovery.clone()) {
                    <Results quality={quality} discovery={discovery} places={work.places.clone()} />
                    <BacktestPanel />
                    <UseInSimulator job={job.clone()} />
                }
            }
        </section>
    }
}

#[derive(Properties, Clone)]
struct UseProps {
    job: crate::ui::jobs::JobHandle,
}

impl PartialEq for UseProps {
    fn eq(&self, other: &Self) -> bool {
        self.job.snapshot == other.job.snapshot
    }
}

/// "Use in the simulator": the scenario is built in the worker.
#[component]
fn UseInSimulator(props: &UseProps) -> Html {
    let app = use_app();
    let onclick = {
        let app = app.clone();
        let job = props.job.clone();
        Callback::from(move |_: MouseEvent| {
            start_from_discovery(
                &app,
                &job,
                |settings, discovery| FlowsTask::Scenario {
                    settings,
                    discovery,
                },
                "Building the scenario for the simulator",
            )
        })
    };
    html! {
        <>
            <h2 id="flows-use-title">{ "Use in the simulator" }</h2>
            <p>{ "Builds a simulator scenario from what was discovered: one service per state with the places above, the fitted stays, the moves (from the move model where it beat the table of shares), arrivals per week, segments as groups, and the people in each state on the last day of the data with the time they have already spent there. It replaces the simulator's baseline; every slider works on it as usual." }</p>
            <div class="actions">
                <button id="flows-use" type="button" class="primary" onclick={onclick} disabled={props.job.is_running()}>{ "Use in the simulator" }</button>
            </div>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct RolesProps {
    columns: LogColumns,
    settings: FlowsSettings,
    running: bool,
    on_discover: Callback<FlowsSettings>,
}

const ROLES: [(&str, &str); 4] = [
    ("person", "Person (or household) id"),
    ("state", "State, service or setting"),
    ("start", "Start date of the stay"),
    ("end", "End date of the stay (empty = still there)"),
];

fn role_slot<'a>(roles: &'a mut Roles, key: &str) -> &'a mut Option<String> {
    match key {
        "person" => &mut roles.person,
        "state" => &mut roles.state,
        "start" => &mut roles.start,
        _ => &mut roles.end,
    }
}

fn optional_day(text: &str, what: &str) -> Result<Option<Day>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    flows::parse_day(text).map(Some).ok_or_else(|| {
        format!("The {what} \"{text}\" is not a date: write it as YYYY-MM-DD, or leave it empty")
    })
}

/// Checks the roles before any work: each chosen, no column twice.
fn check_roles(roles: &Roles) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for (key, label) in ROLES {
        let slot = match key {
            "person" => &roles.person,
            "state" => &roles.state,
            "start" => &roles.start,
            _ => &roles.end,
        };
        let Some(name) = slot.as_deref() else {
            return Err(format!(
                "No column is chosen as the {}: choose the column that holds it.",
                label.to_lowercase()
            ));
        };
        if seen.contains(&name) {
            return Err(format!(
                "Column '{name}' is chosen for two roles: each role needs its own column."
            ));
        }
        seen.push(name);
    }
    if let Some(a) = roles.attributes.iter().find(|a| seen.contains(&a.as_str())) {
        return Err(format!(
            "Column '{a}' is both a person column and one of the four roles above: untick it."
        ));
    }
    Ok(())
}

/// The column roles and settings; "Discover flows" hands them on.
#[component]
fn RolesForm(props: &RolesProps) -> Html {
    let app = use_app();
    let roles = use_state(|| props.settings.roles.clone());
    let tolerance = use_state(|| props.settings.log.tolerance_days.to_string());
    let start_of_data = use_state(|| {
        props
            .settings
            .log
            .start_of_data
            .map(flows::day_to_string)
            .unwrap_or_default()
    });
    let end_of_data = use_state(|| {
        props
            .settings
            .log
            .end_of_data
            .map(flows::day_to_string)
            .unwrap_or_default()
    });
    let move_model = use_state(|| props.settings.discover.move_model);
    let segments = use_state(|| props.settings.discover.segments.is_some());

    let kind_of = |name: &str| {
        props
            .columns
            .columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, k)| *k)
    };
    let selects = ROLES.iter().map(|&(key, label)| {
        let id = format!("flows-role-{key}");
        let current = {
            let mut r = (*roles).clone();
            role_slot(&mut r, key).clone()
        };
        let onchange = {
            let roles = roles.clone();
            Callback::from(move |e: Event| {
                let v = form::value(&e);
                let mut next = (*roles).clone();
                *role_slot(&mut next, key) = (!v.is_empty()).then_some(v.clone());
                next.attributes.retain(|a| *a != v);
                roles.set(next);
            })
        };
        let warn = match (key, current.as_deref().and_then(kind_of)) {
            ("start" | "end", Some(kind)) if kind != ColumnKind::Date => Some(format!(
                "This column was read as {}, not dates: check it is the right one.",
                kind_label(kind)
            )),
            _ => None,
        };
        html! {
            <div class="field">
                <label for={id.clone()}>{ label }</label>
                <select id={id.clone()} onchange={onchange}>
                    <option value="" selected={current.is_none()}>{ "(choose a column)" }</option>
                    { for props.columns.columns.iter().map(|(name, kind)| html! {
                        <option value={name.clone()} selected={current.as_deref() == Some(name.as_str())}>
                            { format!("{name} ({})", kind_label(*kind)) }
                        </option>
                    }) }
                </select>
                if let Some(w) = warn {
                    <span class="hint" id={format!("{id}-warning")}>{ w }</span>
                }
            </div>
        }
    });
    let taken: Vec<Option<String>> = vec![
        roles.person.clone(),
        roles.state.clone(),
        roles.start.clone(),
        roles.end.clone(),
    ];
    let attribute_boxes = props
        .columns
        .columns
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| !taken.contains(&Some(name.clone())))
        .map(|(i, (name, kind))| {
            let id = format!("flows-attribute-{i}");
            let onchange = {
                let roles = roles.clone();
                let name = name.clone();
                Callback::from(move |e: Event| {
                    let mut next = (*roles).clone();
                    next.attributes.retain(|a| *a != name);
                    if form::checked(&e) {
                        next.attributes.push(name.clone());
                    }
                    roles.set(next);
                })
            };
            let protected = crate::import::is_protected_name(name);
            html! {
                <li>
                    <input type="checkbox" id={id.clone()} data-column={name.clone()}
                        checked={roles.attributes.contains(name)} onchange={onchange} />
                    <label for={id}>{ format!("{name} ({})", kind_label(*kind)) }
                        { if protected { " (a protected characteristic: used only if you tick it, and what the moves depend on will then name it)" } else { "" } }</label>
                </li>
            }
        });
    let text = |handle: &UseStateHandle<String>| {
        let h = handle.clone();
        Callback::from(move |e: InputEvent| {
            let e: Event = e.into();
            h.set(form::value(&e));
        })
    };
    let tick = |handle: &UseStateHandle<bool>| {
        let h = handle.clone();
        Callback::from(move |e: Event| h.set(form::checked(&e)))
    };

    let discover = {
        let app = app.clone();
        let on_discover = props.on_discover.clone();
        let base = props.settings.clone();
        let (roles, tolerance, start_of_data, end_of_data, move_model, segments) = (
            roles.clone(),
            tolerance.clone(),
            start_of_data.clone(),
            end_of_data.clone(),
            move_model.clone(),
            segments.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let settings = (|| -> Result<FlowsSettings, String> {
                check_roles(&roles)?;
                let tolerance_days = tolerance.trim().parse::<i64>().ok().filter(|d| (0..=365).contains(d)).ok_or_else(|| {
                    format!("The tolerance \"{}\" is not usable: give a whole number of days from 0 to 365 (1 means a next stay starting the day after one ends is still a move).", tolerance.trim())
                })?;
                let start = optional_day(&start_of_data, "start of the data")?;
                let end = optional_day(&end_of_data, "end of the data")?;
                if let (Some(s), Some(e)) = (start, end) {
                    if s >= e {
                        return Err("The start of the data is not before its end: correct one of the two dates, or leave them empty.".into());
                    }
                }
                Ok(FlowsSettings {
                    roles: (*roles).clone(),
                    log: LogOptions {
                        start_of_data: start,
                        end_of_data: end,
                        tolerance_days,
                        today: Some(today()),
                    },
                    discover: DiscoverOptions {
                        move_model: *move_model,
                        segments: if *segments {
                            Some(base.discover.segments.unwrap_or(KChoice::Range(2, 6)))
                        } else {
                            None
                        },
                        ..base.discover.clone()
                    },
                })
            })();
            match settings {
                Ok(settings) => on_discover.emit(settings),
                Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
            }
        })
    };

    let problems = &props.columns.problems;
    html! {
        <form class="flows-roles" aria-labelledby="flows-roles-title" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <h2 id="flows-roles-title">{ "Columns and settings" }</h2>
            <p id="flows-source">{ format!("{}: {} rows, {} columns. The roles were guessed from the column names and types; change any that are wrong.",
                props.columns.source, fmt_count(props.columns.rows), props.columns.columns.len()) }</p>
            if !problems.is_empty() {
                <div class="banner warn" role="region" aria-label="Problems met while reading the file">
                    <p>{ format!("{} problem(s) met while reading the file; the rest was read:", problems.len()) }</p>
                    <ul>{ for problems.iter().take(10).map(|p| html! { <li>{ p }</li> }) }</ul>
                </div>
            }
            <fieldset>
                <legend>{ "Which column is which" }</legend>
                { for selects }
            </fieldset>
            <fieldset>
                <legend>{ "Person columns for the move model (optional)" }</legend>
                <p class="hint">{ "Characteristics of the person (age band, lives alone, ...). The move model learns from them who moves where; the simulator then gives each person their own." }</p>
                <ul class="checklist" id="flows-attributes">{ for attribute_boxes }</ul>
            </fieldset>
            <fieldset>
                <legend>{ "Rules and dates" }</legend>
                <div class="field">
                    <label for="flows-tolerance">{ "Tolerance in days: a next stay starting within this many days of the end of one is a move between them" }</label>
                    <input id="flows-tolerance" type="number" min="0" max="365" step="1" value={(*tolerance).clone()} oninput={text(&tolerance)} />
                </div>
                <div class="field">
                    <label for="flows-start-of-data">{ "Start of the data (optional; default: the earliest start date). Stays begun before it are carried in, not arrivals." }</label>
                    <input id="flows-start-of-data" type="date" value={(*start_of_data).clone()} oninput={text(&start_of_data)} />
                </div>
                <div class="field">
                    <label for="flows-end-of-data">{ "End of the data (optional; default: the latest date in the file, not after today)" }</label>
                    <input id="flows-end-of-data" type="date" value={(*end_of_data).clone()} oninput={text(&end_of_data)} />
                </div>
                <div>
                    <input id="flows-learn-move-model" type="checkbox" checked={*move_model} onchange={tick(&move_model)} />
                    <label for="flows-learn-move-model">{ " Learn the move model from the person columns (checked on held-out people)" }</label>
                </div>
                <div>
                    <input id="flows-find-segments" type="checkbox" checked={*segments} onchange={tick(&segments)} />
                    <label for="flows-find-segments">{ " Find segments of people by how they used the services" }</label>
                </div>
            </fieldset>
            <div class="actions">
                <button id="flows-discover" type="button" class="primary" onclick={discover} disabled={props.running}>{ "Discover flows" }</button>
            </div>
        </form>
    }
}
