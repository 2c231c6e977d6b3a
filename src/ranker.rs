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
mod table;

pub use date::Date;
pub use generate::{demo_directory, random_directory};
pub use hsds::import_hsds;
pub use table::{
    directory_to_csv, gazetteer_to_csv, import_directory, import_directory_csv,
    import_directory_xlsx, import_gazetteer_csv, DIRECTORY_COLUMNS,
};

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;

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

/// Which ranking to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Algorithm {
    /// Best Bets, Top Results, bar referrals, self-help centre.
    #[default]
    Y2024,
    /// One referral per channel (in person, online, phone).
    Y2017,
}

impl Algorithm {
    pub fn parse(text: &str) -> Option<Algorithm> {
        match text.trim() {
            "2024" => Some(Algorithm::Y2024),
            "2017" => Some(Algorithm::Y2017),
            _ => None,
        }
    }
}

/// Settings of a ranking (a config struct, not loose parameters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankOptions {
    pub algorithm: Algorithm,
    /// How many Top Results the 2024 algorithm returns (5 by the rules).
    pub top_results: usize,
    /// The 2017 in-person window for irregular services, in days from today
    /// inclusive (7 by the rules).
    pub window_days: i64,
    /// List every service left out with its rules and reasons (the directory
    /// admin's view). Off, only the results are built: faster on big
    /// directories where nobody reads thousands of exclusions.
    pub list_excluded: bool,
}

impl Default for RankOptions {
    fn default() -> Self {
        RankOptions {
            algorithm: Algorithm::Y2024,
            top_results: 5,
            window_days: 7,
            list_excluded: true,
        }
    }
}

/// A referral score and its working, e.g. "1.42 = 500/3000 + 1.25, regular
/// weekly hours".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub value: f64,
    pub formula: String,
}

/// The referral score: volume/3000 + 1.25 with a volume and regular weekly
/// hours; volume/3000 + 0.75 with a volume and no regular hours; 0.75 with
/// regular hours and no volume; 0.25 with neither.
pub fn referral_score(annual_volume: Option<u32>, regular_hours: bool) -> Score {
    let (value, working) = match (annual_volume, regular_hours) {
        (Some(volume), true) => (
            f64::from(volume) / 3000.0 + 1.25,
            format!("{volume}/3000 + 1.25, regular weekly hours"),
        ),
        (Some(volume), false) => (
            f64::from(volume) / 3000.0 + 0.75,
            format!("{volume}/3000 + 0.75, no regular weekly hours"),
        ),
        (None, true) => (0.75, "no annual volume, regular weekly hours".to_string()),
        (None, false) => (
            0.25,
            "no annual volume, no regular weekly hours".to_string(),
        ),
    };
    Score {
        value,
        formula: format!("{value:.2} = {working}"),
    }
}

/// The referral score's value alone (no working), for sorting.
fn score_value(annual_volume: Option<u32>, regular_hours: bool) -> f64 {
    match (annual_volume, regular_hours) {
        (Some(volume), true) => f64::from(volume) / 3000.0 + 1.25,
        (Some(volume), false) => f64::from(volume) / 3000.0 + 0.75,
        (None, true) => 0.75,
        (None, false) => 0.25,
    }
}

/// At which level a service's area matched the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LocationLevel {
    Zip,
    City,
    County,
    State,
}

/// Why a service is a best bet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BestBet {
    Issue(String),
    Population(String),
}

/// The result set a service was placed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResultSet {
    BestBets,
    TopResults,
    BarReferrals,
    SelfHelpCentre,
    /// 2017: the referral for one channel.
    Channel(Channel),
}

/// One returned service with its score and reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedService {
    pub service_id: String,
    pub name: String,
    pub organisation: String,
    pub set: ResultSet,
    pub score: Score,
    pub location: LocationLevel,
    /// Best-bet grounds (2024 Best Bets only).
    pub best_bets: Vec<BestBet>,
    /// The channel it was returned for (2017 only).
    pub channel: Option<Channel>,
    /// Plain-English reasons, one per line of the explanation.
    pub reasons: Vec<String>,
}

/// The rule that kept a service out of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    Closed,
    OutsideArea,
    IssueNotServed,
    PopulationNotServed,
    NoDirectRepresentation,
    IncomeLimit,
    /// 2024: eligible but beyond the Top Results limit.
    BeyondTopLimit,
    /// 2024: a bar referral or self-help centre that does not serve the
    /// person's location (or county).
    NotServingHere,
    /// 2017: offers none of the channels still to fill.
    NoChannelLeft,
    /// 2017: its organisation was already returned for another channel.
    OrganisationAlreadyReturned,
    /// 2017: in person with irregular hours and no date within the window.
    NoDateSoon,
    /// 2017: a channel it offers went to a higher-scored service.
    OutRanked,
}

/// A service left out, with the rules that left it out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedService {
    pub service_id: String,
    pub name: String,
    /// The first rule is the one shown; all failed rules are listed.
    pub rules: Vec<Rule>,
    pub reasons: Vec<String>,
}

/// The outcome of one ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankResult {
    pub algorithm: Algorithm,
    /// The person's place from the gazetteer, if their zip is in it.
    pub place: Option<Place>,
    /// Remarks about the request (e.g. a zip not in the gazetteer).
    pub notes: Vec<String>,
    pub best_bets: Vec<RankedService>,
    pub top_results: Vec<RankedService>,
    pub bar_referrals: Vec<RankedService>,
    pub self_help_centres: Vec<RankedService>,
    /// 2017: one referral per channel, in channel order.
    pub referrals: Vec<RankedService>,
    pub excluded: Vec<ExcludedService>,
}

impl RankResult {
    /// Every returned service, in display order.
    pub fn returned(&self) -> impl Iterator<Item = &RankedService> {
        self.best_bets
            .iter()
            .chain(&self.top_results)
            .chain(&self.bar_referrals)
            .chain(&self.self_help_centres)
            .chain(&self.referrals)
    }
}

/// Which triage pathway is delivered by which directory issue terms. Edited by
/// the user; `PathwayTerms::demo()` matches the demo directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathwayTerms {
    pub pathways: Vec<PathwayTerm>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathwayTerm {
    pub pathway: String,
    pub terms: Vec<String>,
}

impl PathwayTerms {
    /// The mapping for the demo: the four triage pathways to demo terms.
    pub fn demo() -> PathwayTerms {
        let entry = |pathway: &str, terms: &[&str]| PathwayTerm {
            pathway: pathway.to_string(),
            terms: terms.iter().map(|t| t.to_string()).collect(),
        };
        PathwayTerms {
            pathways: vec![
                entry(
                    "Crisis intervention",
                    &["Eviction", "Domestic violence", "Crisis support"],
                ),
                entry("One-to-one support", &["Housing", "Debt", "Benefits"]),
                entry("Peer support group", &["Peer support", "Mental health"]),
                entry(
                    "Signposting",
                    &["Information and advice", "Employment", "Family"],
                ),
            ],
        }
    }

    /// The terms of a pathway (case-insensitive), or `None` if unmapped.
    pub fn terms_for(&self, pathway: &str) -> Option<&[String]> {
        let pathway = norm(pathway);
        self.pathways
            .iter()
            .find(|entry| norm(&entry.pathway) == pathway)
            .map(|entry| entry.terms.as_slice())
    }
}

/// The services that deliver a triage pathway near the person: one ranking
/// per directory term of the pathway, with the person's issue set to it.
pub fn rank_pathway(
    directory: &Directory,
    mapping: &PathwayTerms,
    pathway: &str,
    person: &Person,
    options: &RankOptions,
) -> Result<Vec<(String, RankResult)>, RankerError> {
    let terms = mapping
        .terms_for(pathway)
        .filter(|terms| !terms.is_empty())
        .ok_or_else(|| RankerError::UnknownPathway {
            pathway: pathway.to_string(),
        })?;
    terms
        .iter()
        .map(|term| {
            let mut person = person.clone();
            person.issue = term.clone();
            rank(directory, &person, options).map(|result| (term.clone(), result))
        })
        .collect()
}

/// Lower-case, trimmed form used for every term comparison.
fn norm(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Whether `item` equals `wanted_norm` (already normalised) ignoring case
/// and surrounding spaces. ASCII terms compare without allocating: ranking
/// 10,000 services makes this the hot path.
fn same_term(item: &str, wanted_norm: &str) -> bool {
    let item = item.trim();
    if item.is_ascii() {
        item.eq_ignore_ascii_case(wanted_norm)
    } else {
        item.to_lowercase() == wanted_norm
    }
}

fn contains(list: &[String], wanted: &str) -> bool {
    !wanted.is_empty() && list.iter().any(|item| same_term(item, wanted))
}

/// The person in the form the filters need: normalised terms and place.
struct Query {
    zip: String,
    city: String,
    county: String,
    state: String,
    county_label: String,
    populations: Vec<String>,
    issue: String,
    over_income: bool,
    today: Option<Date>,
    /// Reasons shared by every service that fails the rule, built once.
    outside_reason: String,
    issue_reason: String,
}

impl Query {
    fn new(directory: &Directory, person: &Person) -> Result<(Query, Option<Place>), RankerError> {
        let zip = norm(&person.zip);
        if zip.is_empty() {
            return Err(RankerError::EmptyZip);
        }
        let issue = norm(&person.issue);
        if issue.is_empty() {
            return Err(RankerError::EmptyIssue);
        }
        let place = directory.gazetteer.lookup(&zip).cloned();
        let field =
            |f: fn(&Place) -> &String| place.as_ref().map(|p| norm(f(p))).unwrap_or_default();
        let query = Query {
            city: field(|p| &p.city),
            county: field(|p| &p.county),
            state: field(|p| &p.state),
            county_label: place.as_ref().map(|p| p.county.clone()).unwrap_or_default(),
            zip,
            populations: person
                .populations
                .iter()
                .map(|p| norm(p))
                .filter(|p| !p.is_empty())
                .collect(),
            issue,
            over_income: person.over_income,
            today: person.today,
            outside_reason: match &place {
                Some(p) => format!("no service in {} county", p.county),
                None => format!("no service at zip {}", person.zip.trim()),
            },
            issue_reason: format!("does not list the issue '{}'", person.issue.trim()),
        };
        Ok((query, place))
    }

    /// The most specific level at which the area covers the person.
    fn location(&self, area: &ServiceArea) -> Option<LocationLevel> {
        if contains(&area.zips, &self.zip) {
            Some(LocationLevel::Zip)
        } else if contains(&area.cities, &self.city) {
            Some(LocationLevel::City)
        } else if contains(&area.counties, &self.county) {
            Some(LocationLevel::County)
        } else if contains(&area.states, &self.state) {
            Some(LocationLevel::State)
        } else {
            None
        }
    }

    fn location_reason(&self, level: LocationLevel, place: &Option<Place>) -> String {
        let (what, value) = match (level, place) {
            (LocationLevel::Zip, _) | (_, None) => ("zip", self.zip.clone()),
            (LocationLevel::City, Some(p)) => ("city", p.city.clone()),
            (LocationLevel::County, Some(p)) => ("county", p.county.clone()),
            (LocationLevel::State, Some(p)) => ("state", p.state.clone()),
        };
        format!("serves the person's {what} ({value})")
    }

    fn matched_population<'a>(&self, service: &'a Service) -> Option<&'a String> {
        service
            .populations
            .iter()
            .find(|p| self.populations.iter().any(|mine| same_term(p, mine)))
    }
}

/// The eligibility rules, as bits of a mask: checking them allocates
/// nothing, and reasons are written only for services that are listed.
const ELIGIBILITY_RULES: [Rule; 6] = [
    Rule::Closed,
    Rule::OutsideArea,
    Rule::IssueNotServed,
    Rule::PopulationNotServed,
    Rule::NoDirectRepresentation,
    Rule::IncomeLimit,
];

/// Checks the eligibility filters; bit `i` set means `ELIGIBILITY_RULES[i]`
/// failed (0 = eligible). `representation` is false for the 2017
/// algorithm, which does not require direct representation.
fn failed_rules(
    query: &Query,
    service: &Service,
    location: Option<LocationLevel>,
    representation: bool,
) -> u8 {
    let checks = [
        !service.open,
        location.is_none(),
        !contains(&service.issues, &query.issue),
        !service.populations.is_empty() && query.matched_population(service).is_none(),
        representation && !service.direct_representation,
        query.over_income && !service.serves_over_income,
    ];
    checks
        .iter()
        .enumerate()
        .filter(|(_, failed)| **failed)
        .fold(0u8, |mask, (bit, _)| mask | (1 << bit))
}

/// The failed rules of a mask with their plain-English reasons.
fn describe(query: &Query, service: &Service, mask: u8) -> Vec<(Rule, String)> {
    ELIGIBILITY_RULES
        .iter()
        .enumerate()
        .filter(|(bit, _)| mask & (1 << bit) != 0)
        .map(|(_, rule)| {
            let reason = match rule {
                Rule::Closed => "closed".to_string(),
                Rule::OutsideArea => query.outside_reason.clone(),
                Rule::IssueNotServed => query.issue_reason.clone(),
                Rule::PopulationNotServed => format!(
                    "limited to {} and the person belongs to none of them",
                    service.populations.join(", ")
                ),
                Rule::NoDirectRepresentation => {
                    "does not provide direct representation".to_string()
                }
                _ => "has income limits and the person is over income".to_string(),
            };
            (*rule, reason)
        })
        .collect()
}

fn excluded(service: &Service, failed: Vec<(Rule, String)>) -> ExcludedService {
    let (rules, reasons) = failed.into_iter().unzip();
    ExcludedService {
        service_id: service.id.clone(),
        name: service.name.clone(),
        rules,
        reasons,
    }
}

/// Score descending, then name, then id: a total, deterministic order.
fn by_rank(a: &(f64, &Service), b: &(f64, &Service)) -> Ordering {
    b.0.total_cmp(&a.0)
        .then_with(|| a.1.name.cmp(&b.1.name))
        .then_with(|| a.1.id.cmp(&b.1.id))
}

fn eligibility_reasons(
    query: &Query,
    service: &Service,
    place: &Option<Place>,
    level: LocationLevel,
) -> Vec<String> {
    let mut reasons = vec![query.location_reason(level, place)];
    if service.kind == ServiceKind::Ordinary {
        // Quote the directory's own spelling of the term.
        let issue = service
            .issues
            .iter()
            .find(|term| same_term(term, &query.issue))
            .map_or(query.issue.as_str(), |term| term.trim());
        reasons.push(format!("serves the issue '{issue}'"));
        match query.matched_population(service) {
            Some(population) => reasons.push(format!("serves the population '{population}'")),
            None => reasons.push("open to all populations".to_string()),
        }
        if query.over_income {
            reasons.push("serves people over the income limit".to_string());
        }
    }
    reasons
}

fn ranked(
    service: &Service,
    set: ResultSet,
    level: LocationLevel,
    mut reasons: Vec<String>,
) -> RankedService {
    let score = service.score();
    reasons.push(format!("referral score {}", score.formula));
    RankedService {
        service_id: service.id.clone(),
        name: service.name.clone(),
        organisation: service.organisation.clone(),
        set,
        score,
        location: level,
        best_bets: Vec::new(),
        channel: None,
        reasons,
    }
}

/// Ranks the directory's services for one person with the chosen algorithm.
/// Every service appears either once among the results or once in
/// `excluded`.
pub fn rank(
    directory: &Directory,
    person: &Person,
    options: &RankOptions,
) -> Result<RankResult, RankerError> {
    let (query, place) = Query::new(directory, person)?;
    let mut result = RankResult {
        algorithm: options.algorithm,
        place: place.clone(),
        notes: Vec::new(),
        best_bets: Vec::new(),
        top_results: Vec::new(),
        bar_referrals: Vec::new(),
        self_help_centres: Vec::new(),
        referrals: Vec::new(),
        excluded: Vec::new(),
    };
    if place.is_none() {
        result.notes.push(format!(
            "zip {} is not in the gazetteer, so only services that list this zip can match; add it to the gazetteer to match cities, counties and states",
            person.zip.trim()
        ));
    }
    match options.algorithm {
        Algorithm::Y2024 => rank_2024(directory, &query, &place, options, &mut result),
        Algorithm::Y2017 => rank_2017(directory, &query, &place, options, &mut result),
    }
    Ok(result)
}

/// The 2024 algorithm. Best Bets are eligible services that are a best bet on
/// the issue or on one of the person's populations; Top Results are up to
/// `top_results` of the *other* eligible services. The seed text would let a
/// population best bet also count as a Top Result; we decided a service is
/// never in both sets: Best Bets take it.
fn rank_2024(
    directory: &Directory,
    query: &Query,
    place: &Option<Place>,
    options: &RankOptions,
    result: &mut RankResult,
) {
    let mut best = Vec::new();
    let mut others = Vec::new();
    let mut bars = Vec::new();
    let mut centres = Vec::new();
    for service in &directory.services {
        let level = query.location(&service.area);
        let score = score_value(service.annual_volume, service.regular_hours);
        match service.kind {
            ServiceKind::Ordinary => {
                let failed = failed_rules(query, service, level, true);
                match level {
                    Some(level) if failed == 0 => {
                        let grounds = best_bet_grounds(query, service);
                        if grounds.is_empty() {
                            others.push((score, service, level, grounds));
                        } else {
                            best.push((score, service, level, grounds));
                        }
                    }
                    _ if options.list_excluded => result
                        .excluded
                        .push(excluded(service, describe(query, service, failed))),
                    _ => {}
                }
            }
            ServiceKind::BarReferral | ServiceKind::SelfHelpCentre => {
                let is_bar = service.kind == ServiceKind::BarReferral;
                // A self-help centre is the county's: it must list the county.
                let level = if is_bar {
                    level
                } else if contains(&service.area.counties, &query.county) {
                    Some(LocationLevel::County)
                } else {
                    None
                };
                match (service.open, level) {
                    (true, Some(level)) => {
                        if is_bar {
                            bars.push((score, service, level, Vec::new()));
                        } else {
                            centres.push((score, service, level, Vec::new()));
                        }
                    }
                    (open, _) if options.list_excluded => {
                        let mut failed = Vec::new();
                        if !open {
                            failed.push((Rule::Closed, "closed".to_string()));
                        }
                        if level.is_none() {
                            let reason = if is_bar {
                                format!("bar referral service does not serve zip {}", query.zip)
                            } else if query.county_label.is_empty() {
                                format!("no self-help centre is known for zip {}", query.zip)
                            } else {
                                format!(
                                    "self-help centre for another county than {}",
                                    query.county_label
                                )
                            };
                            failed.push((Rule::NotServingHere, reason));
                        }
                        result.excluded.push(excluded(service, failed));
                    }
                    _ => {}
                }
            }
        }
    }
    type Entry<'a> = (f64, &'a Service, LocationLevel, Vec<BestBet>);
    let sort = |list: &mut Vec<Entry>| {
        list.sort_by(|a, b| by_rank(&(a.0, a.1), &(b.0, b.1)));
    };
    sort(&mut best);
    sort(&mut others);
    sort(&mut bars);
    sort(&mut centres);

    for (_, service, level, grounds) in best {
        let mut reasons = eligibility_reasons(query, service, place, level);
        for ground in &grounds {
            reasons.push(match ground {
                BestBet::Issue(issue) => format!("best bet for the issue '{issue}'"),
                BestBet::Population(p) => format!("best bet for the population '{p}'"),
            });
        }
        let mut entry = ranked(service, ResultSet::BestBets, level, reasons);
        entry.best_bets = grounds;
        result.best_bets.push(entry);
    }
    for (position, (_, service, level, _)) in others.into_iter().enumerate() {
        if position < options.top_results {
            let reasons = eligibility_reasons(query, service, place, level);
            result
                .top_results
                .push(ranked(service, ResultSet::TopResults, level, reasons));
        } else if options.list_excluded {
            result.excluded.push(excluded(
                service,
                vec![(
                    Rule::BeyondTopLimit,
                    format!(
                        "eligible, but {} higher-ranked services fill the top {}",
                        options.top_results, options.top_results
                    ),
                )],
            ));
        }
    }
    for (_, service, level, _) in bars {
        let mut reasons = eligibility_reasons(query, service, place, level);
        reasons.insert(0, "bar referral service".to_string());
        result
            .bar_referrals
            .push(ranked(service, ResultSet::BarReferrals, level, reasons));
    }
    for (_, service, level, _) in centres {
        let reasons = vec![format!(
            "self-help centre for {} county",
            query.county_label
        )];
        result
            .self_help_centres
            .push(ranked(service, ResultSet::SelfHelpCentre, level, reasons));
    }
}

fn best_bet_grounds(query: &Query, service: &Service) -> Vec<BestBet> {
    let mut grounds = Vec::new();
    if let Some(issue) = service
        .best_bet_issues
        .iter()
        .find(|issue| same_term(issue, &query.issue))
    {
        grounds.push(BestBet::Issue(issue.trim().to_string()));
    }
    for population in &service.best_bet_populations {
        if query
            .populations
            .iter()
            .any(|mine| same_term(population, mine))
        {
            grounds.push(BestBet::Population(population.trim().to_string()));
        }
    }
    grounds
}

/// The 2017 algorithm: one referral per channel (in person, online, phone;
/// in person and phone only when over income), highest score first. An
/// organisation is returned once: when its best service already took a
/// channel, the next available service fills the other channel. Filters:
/// open, location, issue, population (or untagged), income limits when over
/// income; direct representation is not required (these are free or
/// low-cost referrals). Bar referrals and self-help centres take no part.
fn rank_2017(
    directory: &Directory,
    query: &Query,
    place: &Option<Place>,
    options: &RankOptions,
    result: &mut RankResult,
) {
    let wanted: &[Channel] = if query.over_income {
        &[Channel::InPerson, Channel::Phone]
    } else {
        &Channel::ALL
    };
    let mut candidates = Vec::new();
    for service in &directory.services {
        if service.kind != ServiceKind::Ordinary {
            if !options.list_excluded {
                continue;
            }
            result.excluded.push(excluded(
                service,
                vec![(
                    Rule::NotServingHere,
                    format!(
                        "{} services are not part of the 2017 referrals",
                        service.kind.label()
                    ),
                )],
            ));
            continue;
        }
        let level = query.location(&service.area);
        let failed = failed_rules(query, service, level, false);
        match level {
            Some(level) if failed == 0 => {
                candidates.push((
                    score_value(service.annual_volume, service.regular_hours),
                    service,
                    level,
                ));
            }
            _ if options.list_excluded => result
                .excluded
                .push(excluded(service, describe(query, service, failed))),
            _ => {}
        }
    }
    candidates.sort_by(|a, b| by_rank(&(a.0, a.1), &(b.0, b.1)));

    let mut taken: Vec<bool> = vec![false; candidates.len()];
    let mut organisations: BTreeSet<String> = BTreeSet::new();
    for &channel in wanted {
        let mut chosen = None;
        for (idx, (_, service, _)) in candidates.iter().enumerate() {
            if taken.get(idx).copied().unwrap_or(true)
                || !service.channels.contains(&channel)
                || organisations.contains(&norm(&service.organisation))
                || (channel == Channel::InPerson && !in_person_soon(query, service, options))
            {
                continue;
            }
            chosen = Some(idx);
            break;
        }
        let Some(idx) = chosen else {
            result
                .notes
                .push(format!("no eligible {} service was found", channel.label()));
            continue;
        };
        if let (Some(flag), Some((_, service, level))) = (taken.get_mut(idx), candidates.get(idx)) {
            *flag = true;
            organisations.insert(norm(&service.organisation));
            let mut reasons = eligibility_reasons(query, service, place, *level);
            reasons.insert(0, format!("the {} referral", channel.label()));
            if channel == Channel::InPerson && !service.regular_hours {
                if let Some(date) = service.next_date {
                    reasons.push(format!(
                        "no regular weekly hours; next session {date}, within {} days",
                        options.window_days
                    ));
                }
            }
            let mut entry = ranked(service, ResultSet::Channel(channel), *level, reasons);
            entry.channel = Some(channel);
            result.referrals.push(entry);
        }
    }
    if !options.list_excluded {
        return;
    }
    // Say why each eligible service that was not chosen was passed over.
    for (idx, (_, service, _)) in candidates.iter().enumerate() {
        if taken.get(idx).copied().unwrap_or(false) {
            continue;
        }
        let offered: Vec<Channel> = wanted
            .iter()
            .copied()
            .filter(|c| service.channels.contains(c))
            .collect();
        let mut failed = Vec::new();
        if offered.is_empty() {
            failed.push((
                Rule::NoChannelLeft,
                "offers none of the channels wanted".to_string(),
            ));
        } else if organisations.contains(&norm(&service.organisation))
            && !result.referrals.iter().any(|r| r.service_id == service.id)
        {
            failed.push((
                Rule::OrganisationAlreadyReturned,
                format!(
                    "{} is already returned for another channel",
                    service.organisation
                ),
            ));
        }
        if offered.contains(&Channel::InPerson) && !in_person_soon(query, service, options) {
            failed.push((
                Rule::NoDateSoon,
                format!(
                    "in person without regular weekly hours and no session within {} days",
                    options.window_days
                ),
            ));
        }
        if failed.is_empty() {
            failed.push((
                Rule::OutRanked,
                "higher-scored services filled its channels".to_string(),
            ));
        }
        result.excluded.push(excluded(service, failed));
    }
}

/// The 7-day rule: an in-person service qualifies with regular weekly hours,
/// or with a next date from today up to `window_days` days ahead.
fn in_person_soon(query: &Query, service: &Service, options: &RankOptions) -> bool {
    if service.regular_hours {
        return true;
    }
    match (query.today, service.next_date) {
        (Some(today), Some(next)) => (0..=options.window_days).contains(&today.days_until(next)),
        _ => false,
    }
}

impl fmt::Display for LocationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LocationLevel::Zip => "zip",
            LocationLevel::City => "city",
            LocationLevel::County => "county",
            LocationLevel::State => "state",
        })
    }
}
