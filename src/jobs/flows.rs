//! The Flows screen's jobs (issue 11): read an event log's columns and guess
//! their roles, discover flows, back-test, and build the scenario for the
//! simulator. Every job starts from the log's source (the file's bytes, or
//! the seeded demo log, drawn again from its seed) because the page keeps
//! no event log of its own: only the file and what was discovered.
//!
//! Also the part of the workspace the Flows screen saves ([`FlowsWork`]):
//! the roles, settings, quality report, discovery, back-test and edited
//! places, never the log itself (a log can be tens of megabytes; the demo
//! log is drawn again from its seed in a second).

use serde::{Deserialize, Serialize};

use crate::flows::{
    self, Backtest, BacktestOptions, DemoOptions, DiscoverOptions, Discovery, EventLog, LogOptions,
    LogQuality, Roles, ScenarioOptions,
};
use crate::import::{self, ColumnKind, Dataset, ReadOptions};
use crate::sim::Scenario;

/// Where the event log comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FlowSource {
    /// A file the user chose (CSV, XLSX, XLS).
    File {
        name: String,
        bytes: Vec<u8>,
        sheet: Option<String>,
    },
    /// The demo landlord's log, drawn from its seed.
    Demo(DemoOptions),
}

impl FlowSource {
    /// The name shown for the log.
    pub fn name(&self) -> String {
        match self {
            FlowSource::File { name, .. } => name.clone(),
            FlowSource::Demo(options) => demo_name(options),
        }
    }
}

/// The name of the demo log.
pub fn demo_name(options: &DemoOptions) -> String {
    format!(
        "demo event log ({} households, {} years, seed {})",
        options.people, options.years, options.seed
    )
}

/// The log's columns, as the page shows them for choosing roles.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LogColumns {
    pub source: String,
    pub rows: usize,
    /// Name and inferred type of each column, in file order.
    pub columns: Vec<(String, ColumnKind)>,
    /// The roles guessed from the names and types.
    pub guessed: Roles,
    /// Problems met while reading the file (the rest was read).
    pub problems: Vec<String>,
}

/// How to read and discover: what the user chose on the screen.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FlowsSettings {
    pub roles: Roles,
    pub log: LogOptions,
    pub discover: DiscoverOptions,
}

/// What a Flows job does with the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FlowsTask {
    /// Read the columns and guess the roles.
    Columns,
    /// Discover flows. `None`: the guessed roles and default settings (the demo).
    Discover(Option<Box<FlowsSettings>>),
    /// Back-test `discovery` (the one the page shows, with its edited places).
    Backtest {
        settings: Box<FlowsSettings>,
        discovery: Box<Discovery>,
        options: BacktestOptions,
    },
    /// The scenario "Use in the simulator" opens: from the people there at
    /// the end of the data, with `discovery`'s (edited) places.
    Scenario {
        settings: Box<FlowsSettings>,
        discovery: Box<Discovery>,
    },
}

/// A job for the Flows screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowsRequest {
    pub source: FlowSource,
    pub task: FlowsTask,
}

/// What was discovered, with what it was discovered from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discovered {
    pub columns: LogColumns,
    pub settings: FlowsSettings,
    pub quality: LogQuality,
    pub discovery: Discovery,
}

/// A Flows job's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FlowsResult {
    Columns(LogColumns),
    Discovered(Box<Discovered>),
    Backtested(Box<Backtest>),
    Scenario(Box<Scenario>),
}

/// The Flows screen's saved work (in the workspace; the log is not kept).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowsWork {
    /// The demo log's options when the log is the demo (it can be drawn again).
    pub demo: Option<DemoOptions>,
    pub columns: LogColumns,
    pub settings: FlowsSettings,
    pub quality: Option<LogQuality>,
    pub discovery: Option<Discovery>,
    pub backtest: Option<Backtest>,
    /// Places per state as edited by the user (a state not listed keeps the
    /// observed maximum).
    pub places: Vec<(String, u32)>,
}

impl FlowsWork {
    /// The discovery with the edited places in it (what the back-test and
    /// the scenario use).
    pub fn discovery_with_places(&self) -> Option<Discovery> {
        let mut discovery = self.discovery.clone()?;
        for state in &mut discovery.states {
            if let Some((_, places)) = self.places.iter().find(|(n, _)| *n == state.name) {
                state.places = (*places).max(1);
            }
        }
        Some(discovery)
    }
}

/// The demo's event log: the landlord of the issue at its real scale.
pub fn demo_options() -> DemoOptions {
    DemoOptions::default()
}

/// The day the demo's records begin (its stays under way then keep their
/// true, earlier start dates, so the earliest start is not the start of
/// the data); `None` for a file, whose start of data the user gives.
fn records_begin(source: &FlowSource) -> Option<flows::Day> {
    match source {
        FlowSource::Demo(options) => Some(flows::demo_system(options).window_start),
        FlowSource::File { .. } => None,
    }
}

/// Reads the source into a dataset.
fn dataset(source: &FlowSource) -> Result<(Dataset, Vec<String>), String> {
    let (name, bytes, sheet) = match source {
        FlowSource::File { name, bytes, sheet } => (name.clone(), bytes.clone(), sheet.clone()),
        FlowSource::Demo(options) => {
            let csv = flows::demo_to_csv(&flows::demo_log(options));
            (demo_name(options), csv.into_bytes(), None)
        }
    };
    let options = ReadOptions {
        sheet,
        ..ReadOptions::default()
    };
    let imported = import::import(&name, &bytes, &options).map_err(|err| err.to_string())?;
    let problems = imported.problems.into_iter().map(|p| p.message).collect();
    Ok((imported.dataset, problems))
}

fn columns_of(dataset: &Dataset, problems: Vec<String>) -> LogColumns {
    LogColumns {
        source: dataset.source.clone(),
        rows: dataset.n_rows,
        columns: dataset
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.kind))
            .collect(),
        guessed: flows::guess_roles(dataset),
        problems,
    }
}

/// The log read with the settings; the message says what to change.
fn read(dataset: &Dataset, settings: &FlowsSettings) -> Result<(EventLog, LogQuality), String> {
    flows::read_log(dataset, &settings.roles, &settings.log).map_err(|err| {
        format!("{err}. Check the column chosen for each role and the dates of the data.")
    })
}

/// Runs a Flows job. `progress(stage, done, total)` returning `false`
/// cancels a back-test between replications.
pub fn run(
    request: FlowsRequest,
    progress: &mut dyn FnMut(&str, usize, usize) -> bool,
) -> Result<FlowsResult, String> {
    let reading = format!("Reading {}", request.source.name());
    progress(&reading, 0, 1);
    let (dataset, problems) = dataset(&request.source)?;
    match request.task {
        FlowsTask::Columns => Ok(FlowsResult::Columns(columns_of(&dataset, problems))),
        FlowsTask::Discover(settings) => {
            let columns = columns_of(&dataset, problems);
            let settings = match settings {
                Some(settings) => *settings,
                None => FlowsSettings {
                    roles: columns.guessed.clone(),
                    log: LogOptions {
                        start_of_data: records_begin(&request.source),
                        ..LogOptions::default()
                    },
                    ..FlowsSettings::default()
                },
            };
            progress("Reading the stays", 1, 3);
            let (log, quality) = read(&dataset, &settings)?;
            progress("Discovering states, moves, stays and segments", 2, 3);
            let discovery = flows::discover(&log, &settings.discover);
            Ok(FlowsResult::Discovered(Box::new(Discovered {
                columns,
                settings,
                quality,
                discovery,
            })))
        }
        FlowsTask::Backtest {
            settings,
            discovery,
            options,
        } => {
            let (log, _) = read(&dataset, &settings)?;
            let total = options.replications;
            progress("Back-testing", 0, total);
            let result = flows::backtest(&log, &discovery, &options, &mut |done, total| {
                progress("Back-testing", done, total)
            })
            .map_err(|err| format!("The back-test did not run: {err}."))?;
            Ok(FlowsResult::Backtested(Box::new(result)))
        }
        FlowsTask::Scenario {
            settings,
            discovery,
        } => {
            let (log, _) = read(&dataset, &settings)?;
            progress("Building the scenario", 1, 2);
            let scenario = flows::build_scenario(
                &log,
                &discovery,
                &format!("Flows from {}", log.source),
                &ScenarioOptions::from_end_of_data(&log),
            )
            .map_err(|err| format!("The scenario could not be built: {err}."))?;
            let scenario = compact(scenario);
            scenario
                .check()
                .map_err(|err| format!("The scenario built from the log cannot run: {err}."))?;
            Ok(FlowsResult::Scenario(Box::new(scenario)))
        }
    }
}

/// Shortens what every resident repeats: a segment group is named by its
/// number only ("Segment 2"; its words are on the Flows screen) and weeks
/// already spent are rounded to a thousandth of a week (a minute or so;
/// the log's dates are whole days). The demo's scenario holds 17,000
/// residents, each naming its group, and is saved and passed around whole.
fn compact(mut scenario: Scenario) -> Scenario {
    let short = |name: &str| match name.split_once(':') {
        Some((head, _)) if !head.trim().is_empty() => head.trim().to_string(),
        _ => name.to_string(),
    };
    let mut names: Vec<String> = scenario.groups.iter().map(|g| short(&g.name)).collect();
    names.sort();
    names.dedup();
    // Only when the short names stay distinct.
    if names.len() == scenario.groups.len() {
        for group in &mut scenario.groups {
            group.name = short(&group.name);
        }
        for resident in &mut scenario.initial {
            if let Some(group) = &mut resident.group {
                *group = short(group);
            }
        }
    }
    for resident in &mut scenario.initial {
        resident.elapsed = (resident.elapsed * 1000.0).round() / 1000.0;
    }
    scenario
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small_demo() -> FlowSource {
        FlowSource::Demo(DemoOptions {
            people: 400,
            years: 4,
            seed: 7,
        })
    }

    fn discovered(source: FlowSource) -> Discovered {
        let request = FlowsRequest {
            source,
            task: FlowsTask::Discover(None),
        };
        match run(request, &mut |_, _, _| true).unwrap() {
            FlowsResult::Discovered(d) => *d,
            other => panic!("not a discovery: {other:?}"),
        }
    }

    #[test]
    fn the_demo_log_is_discovered_with_guessed_roles_then_back_tested_and_simulated() {
        let d = discovered(small_demo());
        assert_eq!(d.settings.roles, d.columns.guessed);
        // The demo's data start when its records begin, so stays under way
        // then are carried in, not arrivals.
        assert_eq!(d.discovery.window_start, "2016-01-01");
        assert!(d.discovery.states.iter().any(|s| s.carried_in > 0));
        assert!(d.settings.roles.person.is_some());
        assert!(d.discovery.states.len() >= 4);
        assert!(d.quality.stays_used > 0);
        let from = flows::parse_day(&d.discovery.window_start).unwrap() + 365;
        let work = FlowsWork {
            discovery: Some(d.discovery.clone()),
            places: vec![(d.discovery.states[0].name.clone(), 3)],
            ..FlowsWork::default()
        };
        let edited = work.discovery_with_places().unwrap();
        assert_eq!(edited.states[0].places, 3);
        let backtest = run(
            FlowsRequest {
                source: small_demo(),
                task: FlowsTask::Backtest {
                    settings: Box::new(d.settings.clone()),
                    discovery: Box::new(d.discovery.clone()),
                    options: BacktestOptions {
                        from,
                        replications: 3,
                        seed: 1,
                        threshold: flows::DEFAULT_THRESHOLD,
                    },
                },
            },
            &mut |_, _, _| true,
        )
        .unwrap();
        let FlowsResult::Backtested(b) = backtest else {
            panic!("not a back-test")
        };
        assert_eq!(b.replications, 3);
        assert!(!b.months.is_empty());
        let scenario = run(
            FlowsRequest {
                source: small_demo(),
                task: FlowsTask::Scenario {
                    settings: Box::new(d.settings.clone()),
                    discovery: Box::new(edited),
                },
            },
            &mut |_, _, _| true,
        )
        .unwrap();
        let FlowsResult::Scenario(s) = scenario else {
            panic!("not a scenario")
        };
        assert_eq!(s.services.len(), d.discovery.states.len());
        assert_eq!(s.services[0].places, 3);
        // Groups are named by number; every resident names one of them.
        assert!(
            s.groups.iter().all(|g| !g.name.contains(':')),
            "{:?}",
            s.groups
        );
        assert!(!s.initial.is_empty());
        for resident in &s.initial {
            if let Some(group) = &resident.group {
                assert!(s.groups.iter().any(|g| &g.name == group), "{group}");
            }
        }
    }

    #[test]
    fn bad_logs_get_messages_that_name_the_problem() {
        let file = |text: &str| FlowSource::File {
            name: "log.csv".into(),
            bytes: text.as_bytes().to_vec(),
            sheet: None,
        };
        let columns = |source| {
            run(
                FlowsRequest {
                    source,
                    task: FlowsTask::Columns,
                },
                &mut |_, _, _| true,
            )
        };
        let empty = columns(file("")).unwrap_err();
        assert!(empty.contains("log.csv is empty"), "{empty}");
        // The state column chosen as the start date.
        let text = "person,state,start,end\nA,Home,2020-01-01,2020-02-01\nA,Hospital,2020-02-01,\n";
        let Ok(FlowsResult::Columns(cols)) = columns(file(text)) else {
            panic!("columns")
        };
        assert_eq!(cols.guessed.start.as_deref(), Some("start"));
        let settings = FlowsSettings {
            roles: Roles {
                start: Some("state".into()),
                ..cols.guessed.clone()
            },
            ..FlowsSettings::default()
        };
        let wrong = run(
            FlowsRequest {
                source: file(text),
                task: FlowsTask::Discover(Some(Box::new(settings))),
            },
            &mut |_, _, _| true,
        )
        .unwrap_err();
        assert!(
            wrong.contains("row 2") && wrong.contains("'state'") && wrong.contains("Home"),
            "{wrong}"
        );
    }
}
