//! Directory: the services people can be referred to. Find services for a
//! person (the ranker, in words), search, edit, add and remove services,
//! import (CSV/XLSX or several HSDS CSV files) and export, and the mapping
//! from triage pathways to directory issue terms. Every change goes into the
//! workspace, so it is saved in this browser. Text from files is shown as
//! text. The service list and editor are in `directory/services.rs`, the
//! import and export in `directory/import.rs`.

use yew::prelude::*;

use crate::ranker::{
    rank, Algorithm, Channel, Date, Directory, PathwayTerm, PathwayTerms, Person, RankOptions,
    RankedService, ResultSet, Rule,
};
use crate::ui::components::form;
use crate::ui::state::{use_app, Action};

mod import;
mod services;

use import::ImportExport;
use services::ServiceList;

// ---------------------------------------------------------------- helpers

/// Today's date in the browser's time zone.
pub fn today() -> Option<Date> {
    let now = js_sys::Date::new_0();
    let year = now.get_full_year() as i32;
    let month = now.get_month() + 1;
    let day = now.get_date();
    Date::new(year, month, day)
}

/// The name of a result set, in words.
pub fn set_label(set: ResultSet) -> String {
    match set {
        ResultSet::BestBets => "Best Bet".to_string(),
        ResultSet::TopResults => "Top Result".to_string(),
        ResultSet::BarReferrals => "bar referral (a lawyer referral service)".to_string(),
        ResultSet::SelfHelpCentre => "court self-help centre".to_string(),
        ResultSet::Channel(channel) => format!("referral {}", channel_words(channel)),
    }
}

fn channel_words(channel: Channel) -> &'static str {
    match channel {
        Channel::InPerson => "in person",
        Channel::Online => "online",
        Channel::Phone => "by phone",
    }
}

fn rule_words(rule: Rule) -> &'static str {
    match rule {
        Rule::Closed => "closed",
        Rule::OutsideArea => "does not serve the person's area",
        Rule::IssueNotServed => "does not deal with this issue",
        Rule::PopulationNotServed => "only serves populations the person is not in",
        Rule::NoDirectRepresentation => "gives no direct representation",
        Rule::IncomeLimit => "only serves people under the income limit",
        Rule::BeyondTopLimit => "eligible, but beyond the Top Results limit",
        Rule::NotServingHere => "does not serve the person's location or county",
        Rule::NoChannelLeft => "offers none of the channels still to fill",
        Rule::OrganisationAlreadyReturned => {
            "its organisation was already listed for another channel"
        }
        Rule::NoDateSoon => "in person with irregular hours and no session soon",
        Rule::OutRanked => "a higher-scored service took its channel",
    }
}

/// A term as an id fragment: lower case letters and digits, dashes between.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Splits "a; b, c" into terms.
fn terms(text: &str) -> Vec<String> {
    text.split([';', ',', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn contains_term(list: &[String], term: &str) -> bool {
    list.iter()
        .any(|t| t.trim().eq_ignore_ascii_case(term.trim()))
}

// ---------------------------------------------------------------- screen

#[component]
pub fn DirectoryScreen() -> Html {
    let app = use_app();
    let start_empty = {
        let app = app.clone();
        Callback::from(move |_| {
            app.dispatch(Action::Update(Box::new(|ws| {
                ws.directory = Some(Directory::default());
            })))
        })
    };
    let body = match &app.workspace.directory {
        None => html! {
            <>
                <p id="directory-empty">{ "There is no service directory yet. Import one below, load the demo from the " }
                    <a href="#start">{ "Start screen" }</a>{ ", or start an empty directory and add services by hand." }</p>
                <button type="button" onclick={start_empty}>{ "Start an empty directory" }</button>
            </>
        },
        Some(directory) => html! {
            <>
                <p>{ format!("{} services; {} places in the gazetteer (the list of zip codes with their city, county and state).",
                    directory.services.len(), directory.gazetteer.places.len()) }</p>
                <FindServices directory={directory.clone()} />
                <ServiceList directory={directory.clone()} />
                <PathwayEditor directory={directory.clone()} />
            </>
        },
    };
    html! {
        <section aria-labelledby="directory-title">
            <h1 id="directory-title">{ "Directory" }</h1>
            <p class="hint">{ "The services people can be referred to, where they work, what they deal with and who they serve. \
                Changes are saved in this browser as you make them." }</p>
            { body }
            <ImportExport />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DirectoryProps {
    directory: Directory,
}

// ---------------------------------------------------------------- find services

#[derive(Clone, PartialEq)]
struct Query {
    person: Person,
    options: RankOptions,
}

#[component]
fn FindServices(props: &DirectoryProps) -> Html {
    let directory = &props.directory;
    let issues = directory.issues();
    let populations = directory.populations();
    let zip = use_state(String::new);
    let chosen_pops = use_state(Vec::<String>::new);
    let over_income = use_state(|| false);
    let issue = use_state({
        let first = issues.first().cloned().unwrap_or_default();
        move || first
    });
    let date = use_state(|| today().map(|d| d.to_string()).unwrap_or_default());
    let algorithm = use_state(|| Algorithm::Y2024);
    let show_excluded = use_state(|| false);
    let query = use_state(|| None::<Query>);
    let error = use_state(|| None::<String>);

    let on_zip = {
        let zip = zip.clone();
        Callback::from(move |e: InputEvent| zip.set(form::value(&e)))
    };
    let on_income = {
        let over_income = over_income.clone();
        Callback::from(move |e: Event| over_income.set(form::value(&e) == "yes"))
    };
    let on_issue = {
        let issue = issue.clone();
        Callback::from(move |e: Event| issue.set(form::value(&e)))
    };
    let on_date = {
        let date = date.clone();
        Callback::from(move |e: InputEvent| date.set(form::value(&e)))
    };
    let on_algorithm = {
        let algorithm = algorithm.clone();
        Callback::from(move |e: Event| {
            algorithm.set(Algorithm::parse(&form::value(&e)).unwrap_or_default())
        })
    };
    let on_excluded = {
        let show_excluded = show_excluded.clone();
        Callback::from(move |e: Event| show_excluded.set(form::checked(&e)))
    };
    let on_submit = {
        let (zip, chosen_pops, over_income, issue, date, algorithm, query, error) = (
            zip.clone(),
            chosen_pops.clone(),
            over_income.clone(),
            issue.clone(),
            date.clone(),
            algorithm.clone(),
            query.clone(),
            error.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let today = if date.trim().is_empty() {
                None
            } else {
                match Date::parse(date.trim()) {
                    Some(d) => Some(d),
                    None => {
                        error.set(Some(format!(
                            "'{}' is not a date; write it as year-month-day, e.g. 2026-12-01.",
                            date.trim()
                        )));
                        return;
                    }
                }
            };
            error.set(None);
            query.set(Some(Query {
                person: Person {
                    zip: zip.trim().to_string(),
                    populations: (*chosen_pops).clone(),
                    over_income: *over_income,
                    issue: (*issue).clone(),
                    today,
                },
                options: RankOptions {
                    algorithm: *algorithm,
                    ..RankOptions::default()
                },
            }));
        })
    };

    let pop_boxes = populations.iter().map(|pop| {
        let id = format!("find-pop-{}", slug(pop));
        let on = {
            let chosen_pops = chosen_pops.clone();
            let pop = pop.clone();
            Callback::from(move |e: Event| {
                let mut next: Vec<String> = (*chosen_pops).iter().filter(|p| **p != pop).cloned().collect();
                if form::checked(&e) {
                    next.push(pop.clone());
                }
                chosen_pops.set(next);
            })
        };
        html! {
            <div class="checkbox">
                <input type="checkbox" id={id.clone()} checked={chosen_pops.contains(pop)} onchange={on} />
                <label for={id}>{ pop }</label>
            </div>
        }
    });

    // Ranked on every render, so an edit to a service shows at once.
    let results = query.as_ref().map(|q| match rank(directory, &q.person, &q.options) {
        Err(err) => html! { <p class="notice error" id="find-error">{ err.to_string() }</p> },
        Ok(result) => {
            let sets: Vec<(&str, &str, &Vec<RankedService>)> = match result.algorithm {
                Algorithm::Y2024 => vec![
                    ("results-best-bets", "Best Bets", &result.best_bets),
                    ("results-top-results", "Top Results", &result.top_results),
                    ("results-bar-referrals", "Bar referrals (lawyer referral services)", &result.bar_referrals),
                    ("results-self-help", "Self-help centre (the court's help desk)", &result.self_help_centres),
                ],
                Algorithm::Y2017 => vec![("results-referrals", "Referrals (one per way of contact)", &result.referrals)],
            };
            let place = match &result.place {
                Some(p) => format!("Zip {} is in {}, {} County, {}.", q.person.zip, p.city, p.county, p.state),
                None => format!("Zip {} is not in the gazetteer, so only services listing that zip, or the whole state, can match.", q.person.zip),
            };
            html! {
                <div id="find-results" aria-live="polite">
                    <p>{ place }</p>
                    { for result.notes.iter().map(|n| html! { <p class="hint">{ n }</p> }) }
                    { for sets.into_iter().map(|(id, title, list)| html! {
                        <div id={id} class="result-set">
                            <h3>{ format!("{title} ({})", list.len()) }</h3>
                            if list.is_empty() {
                                <p>{ "None." }</p>
                            } else {
                                <ol>{ for list.iter().map(ranked_item) }</ol>
                            }
                        </div>
                    }) }
                    if *show_excluded {
                        <div id="results-excluded" class="result-set">
                            <h3>{ format!("Left out ({})", result.excluded.len()) }</h3>
                            <ul>{ for result.excluded.iter().map(|x| html! {
                                <li data-service-id={x.service_id.clone()}>
                                    <strong>{ &x.name }</strong>
                                    { format!(": {}", x.rules.iter().map(|r| rule_words(*r)).collect::<Vec<_>>().join("; ")) }
                                    if !x.reasons.is_empty() {
                                        <ul>{ for x.reasons.iter().map(|r| html! { <li>{ r }</li> }) }</ul>
                                    }
                                </li>
                            }) }</ul>
                        </div>
                    }
                </div>
            }
        }
    });

    html! {
        <div role="region" aria-labelledby="find-title">
            <h2 id="find-title">{ "Find services for a person" }</h2>
            <form class="find-form" onsubmit={on_submit} aria-labelledby="find-title">
                <div class="field-row">
                    <div class="field">
                        <label for="find-zip">{ "Zip code" }</label>
                        <input id="find-zip" type="text" inputmode="numeric" autocomplete="off" value={(*zip).clone()} oninput={on_zip} />
                    </div>
                    <div class="field">
                        <label for="find-issue">{ "Issue (the legal problem or need)" }</label>
                        <select id="find-issue" onchange={on_issue}>
                            { for issues.iter().map(|i| html! { <option value={i.clone()} selected={*i == *issue}>{ i }</option> }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="find-income">{ "Over the income limit?" }</label>
                        <select id="find-income" onchange={on_income}>
                            <option value="no" selected={!*over_income}>{ "No" }</option>
                            <option value="yes" selected={*over_income}>{ "Yes" }</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="find-date">{ "Today's date (for irregular sessions)" }</label>
                        <input id="find-date" type="date" value={(*date).clone()} oninput={on_date} />
                    </div>
                    <div class="field">
                        <label for="find-algorithm">{ "Ranking" }</label>
                        <select id="find-algorithm" onchange={on_algorithm}>
                            <option value="2024" selected={*algorithm == Algorithm::Y2024}>{ "2024: Best Bets, Top Results, bar referral, self-help centre" }</option>
                            <option value="2017" selected={*algorithm == Algorithm::Y2017}>{ "2017: one referral per way of contact" }</option>
                        </select>
                    </div>
                </div>
                if !populations.is_empty() {
                    <fieldset>
                        <legend>{ "Populations the person belongs to (some services serve only these)" }</legend>
                        { for pop_boxes }
                    </fieldset>
                }
                <div class="checkbox">
                    <input id="find-show-excluded" type="checkbox" checked={*show_excluded} onchange={on_excluded} />
                    <label for="find-show-excluded">{ "Also show the services left out, and the rule that left each out" }</label>
                </div>
                <button type="submit" id="find-services">{ "Find services" }</button>
            </form>
            if let Some(message) = (*error).clone() {
                <p class="notice error" role="alert">{ message }</p>
            }
            { for results }
        </div>
    }
}

fn ranked_item(r: &RankedService) -> Html {
    html! {
        <li data-service-id={r.service_id.clone()}>
            <strong>{ &r.name }</strong>{ format!(" — {}", r.organisation) }
            <p class="score">{ format!("Referral score: {}", r.score.formula) }</p>
            <ul class="reasons">{ for r.reasons.iter().map(|reason| html! { <li>{ reason }</li> }) }</ul>
        </li>
    }
}

// ---------------------------------------------------------------- pathway terms

#[component]
fn PathwayEditor(props: &DirectoryProps) -> Html {
    let app = use_app();
    let mapping = app.workspace.pathway_terms.clone().unwrap_or(PathwayTerms {
        pathways: Vec::new(),
    });
    let mut pathways: Vec<String> = mapping.pathways.iter().map(|p| p.pathway.clone()).collect();
    if let Some(model) = app.workspace.model.as_ref() {
        for p in &model.pathways {
            if !pathways.contains(p) {
                pathways.push(p.clone());
            }
        }
    }
    let new_name = use_state(String::new);
    let known = props.directory.issues();

    let set_terms = |pathway: String, list: Vec<String>, app: &crate::ui::state::AppContext| {
        app.dispatch(Action::Update(Box::new(move |ws| {
            let mapping = ws.pathway_terms.get_or_insert_with(|| PathwayTerms {
                pathways: Vec::new(),
            });
            match mapping.pathways.iter_mut().find(|p| p.pathway == pathway) {
                Some(slot) => slot.terms = list,
                None => mapping.pathways.push(PathwayTerm {
                    pathway,
                    terms: list,
                }),
            }
        })));
    };

    let rows = pathways.iter().enumerate().map(|(idx, pathway)| {
        let current = mapping.terms_for(pathway).map(|t| t.join("; ")).unwrap_or_default();
        let unknown: Vec<String> = terms(&current).into_iter().filter(|t| !contains_term(&known, t)).collect();
        let id = format!("pathway-terms-{idx}");
        let on = {
            let app = app.clone();
            let pathway = pathway.clone();
            Callback::from(move |e: Event| set_terms(pathway.clone(), terms(&form::value(&e)), &app))
        };
        html! {
            <div class="field">
                <label for={id.clone()}>{ format!("Issues that deliver {pathway}") }</label>
                <input id={id} type="text" value={current} onchange={on} />
                if !unknown.is_empty() {
                    <p class="warning"><span class="tag warn">{ "Note" }</span>
                        { format!(" No service in the directory deals with: {}.", unknown.join("; ")) }</p>
                }
            </div>
        }
    });
    let on_new_name = {
        let new_name = new_name.clone();
        Callback::from(move |e: InputEvent| new_name.set(form::value(&e)))
    };
    let add = {
        let (app, new_name) = (app.clone(), new_name.clone());
        let existing = pathways.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = new_name.trim().to_string();
            if name.is_empty() || existing.contains(&name) {
                return;
            }
            set_terms(name, Vec::new(), &app);
            new_name.set(String::new());
        })
    };

    html! {
        <div role="region" aria-labelledby="pathways-title">
            <h2 id="pathways-title">{ "Pathways and directory issues" }</h2>
            <p class="hint">{ "Which directory issue terms deliver each triage pathway, so the Triage screen can list services for a suggestion. \
                Separate terms with semicolons. " }{ format!("Issues in the directory: {}.", known.join("; ")) }</p>
            { for rows }
            <form class="field-row" onsubmit={add} aria-label="Add a pathway">
                <div class="field">
                    <label for="new-pathway">{ "New pathway name" }</label>
                    <input id="new-pathway" type="text" value={(*new_name).clone()} oninput={on_new_name} />
                </div>
                <button type="submit">{ "Add pathway" }</button>
            </form>
        </div>
    }
}
