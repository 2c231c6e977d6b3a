//! The page's state as plain data: the workspace, its revision (bumped on
//! every change so the app knows to save) and the notice shown at the top.
//! A pure reducer, as in Yew's todomvc example.

use std::rc::Rc;

use yew::prelude::*;

use crate::import::{ColumnKind, Dataset, Problem, Role, SuccessRule};
use crate::instant_demo::InstantDemo;
use crate::model::batch::BatchResult;
use crate::sim::SimReport;
use crate::workspace::Workspace;

/// A scored batch file, kept while the page is open so that reviewing a row
/// in Triage and coming back loses nothing. Not saved: it holds referral data
/// the user never asked to keep, and the file scores again in a second.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchSession {
    pub file_name: String,
    pub bytes: Rc<Vec<u8>>,
    pub result: Rc<BatchResult>,
}

/// The event log chosen on the Flows screen, kept while the page is open so
/// that discovery, the back-test and the scenario can read it again. Not
/// saved: the log can be large and holds people's records.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowsFile {
    pub name: String,
    pub bytes: Rc<Vec<u8>>,
}

/// A referral sent from another screen to Triage for a full review.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub referral: Option<String>,
    pub inputs: Vec<(String, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Info(String),
    Error(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    pub workspace: Rc<Workspace>,
    /// Bumped by every change to the workspace; the app saves when it moves.
    pub revision: u64,
    /// False until the saved workspace has been read from IndexedDB.
    pub loaded: bool,
    pub notice: Option<Notice>,
    /// Row-level problems of the last import (the import itself succeeded).
    pub import_problems: Rc<Vec<Problem>>,
    pub batch: Option<Rc<BatchSession>>,
    /// A referral waiting for the Triage screen to open it.
    pub review: Option<Rc<Review>>,
    /// The instant demo's baseline simulation, shown on the Simulator screen
    /// until the workspace is replaced (not saved).
    pub demo_simulation: Option<Rc<SimReport>>,
    /// The Flows screen's event log (not saved).
    pub flows_file: Option<Rc<FlowsFile>>,
}

pub enum Action {
    /// The saved workspace was read at start-up (no save needed).
    Loaded(Workspace),
    /// Replace the whole workspace (demo, opened file, cleared).
    Replace {
        workspace: Workspace,
        notice: Notice,
    },
    /// New referral data from an import.
    SetData {
        dataset: Dataset,
        problems: Vec<Problem>,
        origin: String,
    },
    SetColumnKind(usize, ColumnKind),
    SetColumnRole(usize, Role),
    SetSuccessRule(Option<SuccessRule>),
    /// Any other change to the workspace, as a function of the old one.
    Update(Box<dyn FnOnce(&mut Workspace)>),
    Notify(Notice),
    DismissNotice,
    /// A batch was scored (or forgotten).
    SetBatch(Option<BatchSession>),
    /// Open a referral in Triage; `ReviewTaken` once Triage has it.
    Review(Review),
    ReviewTaken,
    /// The instant demo was built in the worker. Applied only if the
    /// workspace is still the plain demo it was built from (the user may
    /// have opened or changed something meanwhile).
    DemoReady(Box<InstantDemo>),
    /// The Flows screen's event log was chosen (or forgotten).
    SetFlowsFile(Option<FlowsFile>),
}

impl AppState {
    fn changed(&self, workspace: Workspace) -> AppState {
        AppState {
            workspace: Rc::new(workspace),
            revision: self.revision + 1,
            ..self.clone()
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = match action {
            Action::Loaded(workspace) => AppState {
                workspace: Rc::new(workspace),
                loaded: true,
                ..(*self).clone()
            },
            // A new or cleared workspace forgets the batch and any pending
            // review too: they hold referral data.
            Action::Replace { workspace, notice } => AppState {
                notice: Some(notice),
                import_problems: Rc::default(),
                batch: None,
                review: None,
                demo_simulation: None,
                flows_file: None,
                ..self.changed(workspace)
            },
            // The Flows screen may have added the demo's flows meanwhile
            // (`flows`): they are kept.
            Action::DemoReady(demo)
                if crate::workspace::Workspace {
                    flows: None,
                    ..(*self.workspace).clone()
                } == crate::workspace::demo(crate::workspace::DEMO_SEED) =>
            {
                let InstantDemo {
                    mut workspace,
                    simulation,
                } = *demo;
                workspace.flows = self.workspace.flows.clone();
                AppState {
                    notice: Some(Notice::Info(DEMO_READY_NOTICE.into())),
                    demo_simulation: Some(Rc::new(simulation)),
                    ..self.changed(workspace)
                }
            }
            Action::DemoReady(_) => (*self).clone(),
            Action::SetData {
                dataset,
                problems,
                origin,
            } => {
                let mut workspace = (*self.workspace).clone();
                let message = format!(
                    "Imported {} rows and {} columns from {}.",
                    dataset.n_rows,
                    dataset.columns.len(),
                    dataset.source
                );
                workspace.data = Some(dataset);
                workspace.origin = Some(origin);
                AppState {
                    notice: Some(Notice::Info(message)),
                    import_problems: Rc::new(problems),
                    ..self.changed(workspace)
                }
            }
            Action::SetColumnKind(col_idx, kind) => {
                let mut workspace = (*self.workspace).clone();
                if let Some(column) = workspace
                    .data
                    .as_mut()
                    .and_then(|data| data.columns.get_mut(col_idx))
                {
                    column.kind = kind;
                }
                self.changed(workspace)
            }
            Action::SetColumnRole(col_idx, role) => {
                let mut workspace = (*self.workspace).clone();
                if let Some(data) = workspace.data.as_mut() {
                    // One pathway column at most: choosing a new one demotes the old.
                    if role == Role::Pathway {
                        for column in data.columns.iter_mut().filter(|c| c.role == Role::Pathway) {
                            column.role = Role::Ignore;
                        }
                    }
                    if let Some(column) = data.columns.get_mut(col_idx) {
                        column.role = role;
                    }
                }
                self.changed(workspace)
            }
            Action::SetSuccessRule(rule) => {
                let mut workspace = (*self.workspace).clone();
                if let Some(data) = workspace.data.as_mut() {
                    data.success_rule = rule;
                }
                self.changed(workspace)
            }
            Action::Update(change) => {
                let mut workspace = (*self.workspace).clone();
                change(&mut workspace);
                self.changed(workspace)
            }
            Action::Notify(notice) => AppState {
                notice: Some(notice),
                ..(*self).clone()
            },
            Action::SetBatch(batch) => AppState {
                batch: batch.map(Rc::new),
                ..(*self).clone()
            },
            Action::Review(review) => AppState {
                review: Some(Rc::new(review)),
                ..(*self).clone()
            },
            Action::ReviewTaken => AppState {
                review: None,
                ..(*self).clone()
            },
            Action::SetFlowsFile(file) => AppState {
                flows_file: file.map(Rc::new),
                ..(*self).clone()
            },
            Action::DismissNotice => AppState {
                notice: None,
                ..(*self).clone()
            },
        };
        if !next.loaded && next.revision > 0 {
            next.loaded = true;
        }
        Rc::new(next)
    }
}

/// The banner once the instant demo is ready: it says the data are made up.
pub const DEMO_READY_NOTICE: &str = "Demo ready: synthetic referrals made up by Signpost (no real people), with a model trained on them, example decisions, groups and a simulation. Nothing here is real.";

/// The state handle every screen reads and dispatches to.
pub type AppContext = UseReducerHandle<AppState>;

/// The app state from the provider in `App`.
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("AppContext is provided by App")
}
