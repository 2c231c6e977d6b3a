//! The service directory and the referral ranker: the directory's types
//! (services, service areas, the gazetteer), the person being referred, the
//! referral score, the 2024 and 2017 ranking algorithms with a plain-English
//! reason for every result and every exclusion, and the mapping from triage
//! pathways to directory terms. Reading and writing directories lives in
//! `ranker::table` (simple CSV/XLSX layout) and `ranker::hsds` (Open Referral);
//! the deterministic demo and random directories in `ranker::generate`.
//!
//! Terms (issues, populations, places) match case-insensitively after
//! trimming, so "Housing" in the directory matches "housing" typed by a user.

mod date;
mod generate;
mod hsds;
mod rank;
mod result;
mod table;

pub use date::Date;
pub use generate::{demo_directory, random_directory};
pub use hsds::import_hsds;
pub use rank::{rank, rank_pathway, PathwayTerm, PathwayTerms};
pub use result::{
    referral_score, Algorithm, BestBet, ExcludedService, LocationLevel, RankOptions, RankResult,
    RankedService, ResultSet, Rule, Score,
};
pub use table::{
    directory_to_csv, gazetteer_to_csv, import_directory, import_directory_csv,
    import_directory_xlsx, import_gazetteer_csv, DIRECTORY_COLUMNS,
};

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Everything that can refuse a directory import or a ranking request.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RankerError {
    #[error("{file}: the file is empty; add a header row and one row per service")]
    Empty { file: String },
    #[error("{file}: cannot read the file as CSV ({detail}); save it as CSV (comma-separated, UTF-8) or XLSX")]
    Csv { file: String, detail: String },
    #[error("{file}: cannot read the spreadsheet ({detail}); save it as XLSX or CSV")]
    Spreadsheet { file: String, detail: String },
    /// What the shared readers refuse: a sheet too large, an unclosed quote.
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    #[error(
        "{file}: the header row lacks the column '{column}'; add it (see docs/directory-format.md)"
    )]
    MissingColumn { file: String, column: String },
    #[error("{file}: no service could be imported{}", problem_list(problems))]
    NoServices {
        file: String,
        problems: Vec<Problem>,
    },
    #[error("{file}: the gazetteer has no places{}; it needs a header row zip,city,county,state and one row per zip code", problem_list(problems))]
    EmptyGazetteer {
        file: String,
        problems: Vec<Problem>,
    },
    #[error("the HSDS folder has no services.csv; an Open Referral directory needs at least services.csv")]
    HsdsWithoutServices,
    #[error("the zip code is empty; enter the person's zip code")]
    EmptyZip,
    #[error("the legal issue or need is empty; enter the person's issue")]
    EmptyIssue,
    #[error(
        "the pathway '{pathway}' has no directory terms; add terms for it in the pathway mapping"
    )]
    UnknownPathway { pathway: String },
}

/// The problems that left a file with nothing, for its error message: the
/// first few in full (row, column, value, what to do), then how many more.
fn problem_list(problems: &[Problem]) -> String {
    const SHOWN: usize = 5;
    if problems.is_empty() {
        return " (there are no rows under the header); add one row per entry".to_string();
    }
    let mut text = String::from("; fix these rows: ");
    let shown: Vec<String> = problems
        .iter()
        .take(SHOWN)
        .map(|p| {
            let mut at = Vec::new();
            if let Some(row) = p.row {
                at.push(format!("row {row}"));
            }
            if let Some(column) = &p.column {
                at.push(format!("column '{column}'"));
            }
            if let Some(value) = p.value.as_ref().filter(|v| !v.is_empty()) {
                at.push(format!("value '{value}'"));
            }
            if at.is_empty() {
                p.message.clone()
            } else {
                format!("{}: {}", at.join(", "), p.message)
            }
        })
        .collect();
    text.push_str(&shown.join("; "));
    if problems.len() > SHOWN {
        text.push_str(&format!(
            " (and {} more like these)",
            problems.len() - SHOWN
        ));
    }
    text
}

/// A row-level problem: the row was skipped or a value was not used, and the
/// rest of the file still imported. `row` is numbered as a spreadsheet
/// numbers it (the header is row 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// The file the problem is in.
    pub source: String,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub message: String,
}

/// How a service can be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Channel {
    InPerson,
    Online,
    Phone,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::InPerson, Channel::Online, Channel::Phone];

    /// The word used in files and messages.
    pub fn label(self) -> &'static str {
        match self {
            Channel::InPerson => "in person",
            Channel::Online => "online",
            Channel::Phone => "phone",
        }
    }

    /// Reads "in person", "in-person", "online", "phone"... (any case).
    pub fn parse(text: &str) -> Option<Channel> {
        match norm(text).replace(['-', '_'], " ").as_str() {
            "in person" | "inperson" | "person" | "face to face" | "walk in" => {
                Some(Channel::InPerson)
            }
            "online" | "web" | "video" | "email" | "internet" => Some(Channel::Online),
            "phone" | "telephone" | "tel" | "hotline" => Some(Channel::Phone),
            _ => None,
        }
    }
}

/// What sort of entry a service is: ordinary services compete for Best Bets
/// and Top Results; the other kinds fill their own result sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceKind {
    Ordinary,
    /// A lawyer referral service run by a bar association.
    BarReferral,
    /// The court's self-help centre for one county.
    SelfHelpCentre,
}

impl ServiceKind {
    pub fn label(self) -> &'static str {
        match self {
            ServiceKind::Ordinary => "ordinary",
            ServiceKind::BarReferral => "bar referral",
            ServiceKind::SelfHelpCentre => "self-help centre",
        }
    }

    pub fn parse(text: &str) -> Option<ServiceKind> {
        match norm(text).replace(['-', '_'], " ").as_str() {
            "" | "ordinary" | "service" => Some(ServiceKind::Ordinary),
            "bar referral" | "bar" | "lawyer referral" => Some(ServiceKind::BarReferral),
            "self help centre" | "self help center" | "self help" => {
                Some(ServiceKind::SelfHelpCentre)
            }
            _ => None,
        }
    }
}

/// Where a service serves, at any of four levels; a person matches when
/// their zip, city, county or state is listed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceArea {
    pub zips: Vec<String>,
    pub cities: Vec<String>,
    pub counties: Vec<String>,
    pub states: Vec<String>,
}

impl ServiceArea {
    pub fn is_empty(&self) -> bool {
        self.zips.is_empty()
            && self.cities.is_empty()
            && self.counties.is_empty()
            && self.states.is_empty()
    }
}

/// One service in the directory, with the inputs of its referral score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Unique within the directory; ties in ranking break on it last.
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub kind: ServiceKind,
    /// Legal issues or needs served (taxonomy terms).
    pub issues: Vec<String>,
    /// Populations served; empty means open to all.
    pub populations: Vec<String>,
    pub area: ServiceArea,
    pub channels: Vec<Channel>,
    /// Whether people over the income limit are served.
    pub serves_over_income: bool,
    pub open: bool,
    pub direct_representation: bool,
    /// People helped a year; part of the referral score.
    pub annual_volume: Option<u32>,
    /// Whether the service keeps regular weekly hours.
    pub regular_hours: bool,
    /// For in-person services without regular hours: the next date it runs.
    pub next_date: Option<Date>,
    /// Issues this service is a best bet for.
    pub best_bet_issues: Vec<String>,
    /// Populations this service is a best bet for.
    pub best_bet_populations: Vec<String>,
}

impl Service {
    /// A service with the given id and name and every other field empty
    /// (open, no representation, ordinary): a start for editing and tests.
    pub fn new(id: &str, name: &str) -> Service {
        Service {
            id: id.to_string(),
            name: name.to_string(),
            organisation: name.to_string(),
            kind: ServiceKind::Ordinary,
            issues: Vec::new(),
            populations: Vec::new(),
            area: ServiceArea::default(),
            channels: Vec::new(),
            serves_over_income: false,
            open: true,
            direct_representation: false,
            annual_volume: None,
            regular_hours: false,
            next_date: None,
            best_bet_issues: Vec::new(),
            best_bet_populations: Vec::new(),
        }
    }

    /// The referral score and how it was computed.
    pub fn score(&self) -> Score {
        referral_score(self.annual_volume, self.regular_hours)
    }
}

/// One gazetteer row: a zip and the city, county and state it lies in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub zip: String,
    pub city: String,
    pub county: String,
    pub state: String,
}

/// Resolves a person's zip to city, county and state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Gazetteer {
    pub places: Vec<Place>,
}

impl Gazetteer {
    /// The place of a zip (first row wins when a zip is listed twice).
    pub fn lookup(&self, zip: &str) -> Option<&Place> {
        let zip = norm(zip);
        self.places.iter().find(|place| norm(&place.zip) == zip)
    }
}

/// The service directory: services and the gazetteer used to place people.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    pub services: Vec<Service>,
    pub gazetteer: Gazetteer,
}

impl Directory {
    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|service| service.id == id)
    }

    /// Every distinct issue term in the directory, sorted (for pickers).
    pub fn issues(&self) -> Vec<String> {
        distinct(self.services.iter().flat_map(|s| s.issues.iter()))
    }

    /// Every distinct population term in the directory, sorted.
    pub fn populations(&self) -> Vec<String> {
        distinct(self.services.iter().flat_map(|s| s.populations.iter()))
    }
}

fn distinct<'a>(terms: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for term in terms {
        if seen.insert(norm(term)) {
            out.push(term.trim().to_string());
        }
    }
    out.sort_by_key(|term| norm(term));
    out
}

/// The person being referred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub zip: String,
    /// Populations they belong to (veterans, seniors...).
    pub populations: Vec<String>,
    pub over_income: bool,
    /// The legal issue or need.
    pub issue: String,
    /// Today's date, for the 7-day rule of the 2017 algorithm. Without it,
    /// in-person services with irregular hours never qualify there.
    pub today: Option<Date>,
}

/// Lower-case, trimmed form used for every term comparison.
fn norm(text: &str) -> String {
    text.trim().to_lowercase()
}
