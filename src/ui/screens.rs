//! The screens, one component per file, and the navigation between them.
//! The current screen is the URL fragment (`#data`), so the browser's back
//! button and a reload keep the user where they were.

pub mod batch;
pub mod data;
pub mod decisions;
pub mod directory;
pub mod flows;
pub mod flows_backtest;
pub mod flows_charts;
pub mod flows_results;
pub mod model;
pub mod segments;
pub mod settings;
pub mod simulator;
pub mod start;
pub mod triage;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Start,
    Data,
    Model,
    Triage,
    Batch,
    Decisions,
    Directory,
    Segments,
    Flows,
    Simulator,
    Settings,
}

impl Screen {
    /// The screens in navigation order.
    pub const ALL: [Screen; 11] = [
        Screen::Start,
        Screen::Data,
        Screen::Model,
        Screen::Triage,
        Screen::Batch,
        Screen::Decisions,
        Screen::Directory,
        Screen::Segments,
        Screen::Flows,
        Screen::Simulator,
        Screen::Settings,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Screen::Start => "start",
            Screen::Data => "data",
            Screen::Model => "model",
            Screen::Triage => "triage",
            Screen::Batch => "batch",
            Screen::Decisions => "decisions",
            Screen::Directory => "directory",
            Screen::Segments => "segments",
            Screen::Flows => "flows",
            Screen::Simulator => "simulator",
            Screen::Settings => "settings",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Screen::Start => "Start",
            Screen::Data => "Data",
            Screen::Model => "Model",
            Screen::Triage => "Triage",
            Screen::Batch => "Batch",
            Screen::Decisions => "Decisions",
            Screen::Directory => "Directory",
            Screen::Segments => "Segments",
            Screen::Flows => "Flows",
            Screen::Simulator => "Simulator",
            Screen::Settings => "Settings",
        }
    }

    /// The screen named by a URL fragment (`#data`, `#data?x=1`); Start otherwise.
    pub fn from_hash(hash: &str) -> Screen {
        let slug = hash.trim_start_matches('#');
        let slug = slug.split(['?', '/']).next().unwrap_or("");
        Screen::ALL
            .into_iter()
            .find(|screen| screen.slug() == slug)
            .unwrap_or(Screen::Start)
    }
}

/// Moves to a screen by setting the URL fragment (the app listens for it).
pub fn go(screen: Screen) {
    let _ = gloo::utils::window().location().set_hash(screen.slug());
}
