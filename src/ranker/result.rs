//! What a ranking returns: the algorithm and its options, the referral
//! score, and each result or exclusion with its plain-English reasons.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::{Channel, Place};

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
pub(super) fn score_value(annual_volume: Option<u32>, regular_hours: bool) -> f64 {
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
