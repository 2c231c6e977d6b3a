//! The 2024 and 2017 ranking algorithms over a directory for one person,
//! the rules that exclude a service (each with its reason), and the mapping
//! from triage pathways to directory terms.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::result::*;
use super::*;

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
