//! Directory: the services people can be referred to. Find services for a
//! person (the ranker, in words), search, edit, add and remove services,
//! import (CSV/XLSX or several HSDS CSV files) and export, and the mapping
//! from triage pathways to directory issue terms. Every change goes into the
//! workspace, so it is saved in this browser. Text from files is shown as
//! text.

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::jobs::{JobRequest, JobResult};
use crate::ranker::{
    directory_to_csv, import_gazetteer_csv, rank, Algorithm, Channel, Date, Directory, PathwayTerm,
    PathwayTerms, Person, Problem, RankOptions, RankedService, ResultSet, Rule, Service,
    ServiceKind,
};
use crate::ui::components::form;
use crate::ui::components::progress::JobProgress;
use crate::ui::files;
use crate::ui::jobs::use_job;
use crate::ui::state::{use_app, Action, Notice};

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

const KINDS: [ServiceKind; 3] = [
    ServiceKind::Ordinary,
    ServiceKind::BarReferral,
    ServiceKind::SelfHelpCentre,
];

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

// ---------------------------------------------------------------- list, edit, add, remove

#[component]
fn ServiceList(props: &DirectoryProps) -> Html {
    let app = use_app();
    let directory = &props.directory;
    let search = use_state(String::new);
    let editing = use_state(|| None::<String>);
    let removing = use_state(|| None::<String>);

    let on_search = {
        let search = search.clone();
        Callback::from(move |e: InputEvent| search.set(form::value(&e)))
    };
    let add = {
        let app = app.clone();
        let editing = editing.clone();
        let taken: Vec<String> = directory.services.iter().map(|s| s.id.clone()).collect();
        Callback::from(move |_| {
            let mut n = taken.len() + 1;
            while taken.contains(&format!("new-{n}")) {
                n += 1;
            }
            let id = format!("new-{n}");
            let service = Service::new(&id, "New service");
            app.dispatch(Action::Update(Box::new(move |ws| {
                ws.directory
                    .get_or_insert_with(Directory::default)
                    .services
                    .push(service);
            })));
            editing.set(Some(id));
        })
    };

    let needle = search.trim().to_lowercase();
    let shown: Vec<&Service> = directory
        .services
        .iter()
        .filter(|s| {
            needle.is_empty()
                || s.name.to_lowercase().contains(&needle)
                || s.organisation.to_lowercase().contains(&needle)
                || s.issues.iter().any(|i| i.to_lowercase().contains(&needle))
        })
        .collect();

    let rows = shown.iter().map(|s| {
        let edit = {
            let editing = editing.clone();
            let id = s.id.clone();
            Callback::from(move |_| editing.set(Some(id.clone())))
        };
        let ask_remove = {
            let removing = removing.clone();
            let id = s.id.clone();
            Callback::from(move |_| removing.set(Some(id.clone())))
        };
        let confirming = removing.as_deref() == Some(s.id.as_str());
        let confirm = {
            let (app, removing, editing) = (app.clone(), removing.clone(), editing.clone());
            let id = s.id.clone();
            let name = s.name.clone();
            Callback::from(move |_| {
                let id = id.clone();
                app.dispatch(Action::Update(Box::new(move |ws| {
                    if let Some(d) = ws.directory.as_mut() {
                        d.services.retain(|s| s.id != id);
                    }
                })));
                app.dispatch(Action::Notify(Notice::Info(format!("Removed the service {name}."))));
                if editing.as_deref() == removing.as_deref() {
                    editing.set(None);
                }
                removing.set(None);
            })
        };
        let keep = {
            let removing = removing.clone();
            Callback::from(move |_| removing.set(None))
        };
        html! {
            <tr data-service-id={s.id.clone()}>
                <th scope="row">{ &s.name }</th>
                <td>{ &s.organisation }</td>
                <td>{ s.kind.label() }</td>
                <td>{ s.issues.join("; ") }</td>
                <td>{ if s.open { "open" } else { "closed" } }</td>
                <td>
                    if confirming {
                        <span role="alert">{ format!("Remove {}? ", s.name) }</span>
                        <button type="button" class="danger" onclick={confirm}>{ "Yes, remove" }</button>
                        <button type="button" onclick={keep}>{ "Keep it" }</button>
                    } else {
                        <button type="button" onclick={edit} aria-label={format!("Edit {}", s.name)}>{ "Edit" }</button>
                        <button type="button" onclick={ask_remove} aria-label={format!("Remove {}", s.name)}>{ "Remove" }</button>
                    }
                </td>
            </tr>
        }
    });

    let editor = editing
        .as_ref()
        .and_then(|id| directory.service(id))
        .map(|service| {
            let close = {
                let editing = editing.clone();
                Callback::from(move |_| editing.set(None))
            };
            html! {
                <ServiceEditor key={service.id.clone()} service={service.clone()} on_close={close} />
            }
        });

    html! {
        <div role="region" aria-labelledby="services-title">
            <h2 id="services-title">{ "Services" }</h2>
            <div class="field-row">
                <div class="field">
                    <label for="directory-search">{ "Search by name, organisation or issue" }</label>
                    <input id="directory-search" type="search" value={(*search).clone()} oninput={on_search} />
                </div>
                <button type="button" id="add-service" onclick={add}>{ "Add a service" }</button>
            </div>
            <p>{ format!("Showing {} of {} services.", shown.len(), directory.services.len()) }</p>
            { for editor }
            <div class="table-wrap" tabindex="0" role="region" aria-label="Services table (scrolls sideways on a narrow screen)">
                <table id="services-table">
                    <thead><tr>
                        <th scope="col">{ "Service" }</th><th scope="col">{ "Organisation" }</th><th scope="col">{ "Kind" }</th>
                        <th scope="col">{ "Issues" }</th><th scope="col">{ "Open" }</th><th scope="col">{ "Actions" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </div>
    }
}

/// The editable form of a service: lists as "a; b" text until saved.
#[derive(Clone, PartialEq)]
struct Draft {
    name: String,
    organisation: String,
    kind: ServiceKind,
    issues: String,
    populations: String,
    zips: String,
    cities: String,
    counties: String,
    states: String,
    channels: Vec<Channel>,
    serves_over_income: bool,
    open: bool,
    direct_representation: bool,
    annual_volume: String,
    regular_hours: bool,
    next_date: String,
    best_bet_issues: Vec<String>,
    best_bet_populations: Vec<String>,
}

impl Draft {
    fn of(s: &Service) -> Draft {
        Draft {
            name: s.name.clone(),
            organisation: s.organisation.clone(),
            kind: s.kind,
            issues: s.issues.join("; "),
            populations: s.populations.join("; "),
            zips: s.area.zips.join("; "),
            cities: s.area.cities.join("; "),
            counties: s.area.counties.join("; "),
            states: s.area.states.join("; "),
            channels: s.channels.clone(),
            serves_over_income: s.serves_over_income,
            open: s.open,
            direct_representation: s.direct_representation,
            annual_volume: s.annual_volume.map(|v| v.to_string()).unwrap_or_default(),
            regular_hours: s.regular_hours,
            next_date: s.next_date.map(|d| d.to_string()).unwrap_or_default(),
            best_bet_issues: s.best_bet_issues.clone(),
            best_bet_populations: s.best_bet_populations.clone(),
        }
    }

    /// The service, or what is wrong with the form.
    fn apply(&self, base: &Service) -> Result<Service, String> {
        if self.name.trim().is_empty() {
            return Err("Give the service a name.".to_string());
        }
        let annual_volume = match self.annual_volume.trim() {
            "" => None,
            v => Some(v.replace(',', "").parse::<u32>().map_err(|_| {
                format!("Annual volume '{v}' is not a whole number of people (leave it empty if unknown).")
            })?),
        };
        let next_date = match self.next_date.trim() {
            "" => None,
            v => Some(Date::parse(v).ok_or_else(|| {
                format!(
                    "Next date '{v}' is not a date; write it as year-month-day, e.g. 2026-12-04."
                )
            })?),
        };
        let issues = terms(&self.issues);
        let populations = terms(&self.populations);
        let mut service = base.clone();
        service.name = self.name.trim().to_string();
        service.organisation = self.organisation.trim().to_string();
        service.kind = self.kind;
        service.best_bet_issues = self
            .best_bet_issues
            .iter()
            .filter(|t| contains_term(&issues, t))
            .cloned()
            .collect();
        service.best_bet_populations = self
            .best_bet_populations
            .iter()
            .filter(|t| contains_term(&populations, t))
            .cloned()
            .collect();
        service.issues = issues;
        service.populations = populations;
        service.area.zips = terms(&self.zips);
        service.area.cities = terms(&self.cities);
        service.area.counties = terms(&self.counties);
        service.area.states = terms(&self.states);
        service.channels = Channel::ALL
            .into_iter()
            .filter(|c| self.channels.contains(c))
            .collect();
        service.serves_over_income = self.serves_over_income;
        service.open = self.open;
        service.direct_representation = self.direct_representation;
        service.annual_volume = annual_volume;
        service.regular_hours = self.regular_hours;
        service.next_date = next_date;
        Ok(service)
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    service: Service,
    on_close: Callback<()>,
}

fn text_field(
    id: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    on: Callback<String>,
) -> Html {
    let hint_id = format!("{id}-hint");
    html! {
        <div class="field">
            <label for={id.to_string()}>{ label }</label>
            <input id={id.to_string()} type="text" value={value.to_string()}
                aria-describedby={hint.map(|_| hint_id.clone())}
                oninput={Callback::from(move |e: InputEvent| on.emit(form::value(&e)))} />
            if let Some(h) = hint { <p class="hint" id={hint_id.clone()}>{ h }</p> }
        </div>
    }
}

fn check_field(id: &str, label: &str, checked: bool, on: Callback<bool>) -> Html {
    html! {
        <div class="checkbox">
            <input id={id.to_string()} type="checkbox" checked={checked}
                onchange={Callback::from(move |e: Event| on.emit(form::checked(&e)))} />
            <label for={id.to_string()}>{ label }</label>
        </div>
    }
}

#[component]
fn ServiceEditor(props: &EditorProps) -> Html {
    let app = use_app();
    let draft = use_state(|| Draft::of(&props.service));
    let error = use_state(|| None::<String>);

    let text = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut next = (*draft).clone();
            f(&mut next, v);
            draft.set(next);
        })
    };
    let flag = |f: fn(&mut Draft, bool)| {
        let draft = draft.clone();
        Callback::from(move |v: bool| {
            let mut next = (*draft).clone();
            f(&mut next, v);
            draft.set(next);
        })
    };
    let on_kind = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let chosen = form::value(&e);
            if let Some(kind) = KINDS.into_iter().find(|k| k.label() == chosen) {
                let mut next = (*draft).clone();
                next.kind = kind;
                draft.set(next);
            }
        })
    };
    let save = {
        let (app, draft, error, on_close) = (
            app.clone(),
            draft.clone(),
            error.clone(),
            props.on_close.clone(),
        );
        let base = props.service.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match draft.apply(&base) {
                Err(message) => error.set(Some(message)),
                Ok(service) => {
                    error.set(None);
                    let name = service.name.clone();
                    app.dispatch(Action::Update(Box::new(move |ws| {
                        if let Some(d) = ws.directory.as_mut() {
                            if let Some(slot) = d.services.iter_mut().find(|s| s.id == service.id) {
                                *slot = service;
                            }
                        }
                    })));
                    app.dispatch(Action::Notify(Notice::Info(format!(
                        "Saved the service {name}."
                    ))));
                    on_close.emit(());
                }
            }
        })
    };
    let cancel = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(()))
    };

    let d = &*draft;
    let draft_issues = terms(&d.issues);
    let draft_pops = terms(&d.populations);
    let channel_boxes = Channel::ALL.into_iter().map(|c| {
        let draft = draft.clone();
        let on = Callback::from(move |v: bool| {
            let mut next = (*draft).clone();
            next.channels.retain(|x| *x != c);
            if v {
                next.channels.push(c);
            }
            draft.set(next);
        });
        check_field(
            &format!("edit-channel-{}", slug(c.label())),
            c.label(),
            d.channels.contains(&c),
            on,
        )
    });
    let best_bet_boxes = |list: &[String], chosen: &[String], prefix: &str, issue: bool| -> Html {
        html! {
            <>{ for list.iter().map(|term| {
                let draft = draft.clone();
                let term_c = term.clone();
                let on = Callback::from(move |v: bool| {
                    let mut next = (*draft).clone();
                    let field = if issue { &mut next.best_bet_issues } else { &mut next.best_bet_populations };
                    field.retain(|t| !t.trim().eq_ignore_ascii_case(term_c.trim()));
                    if v {
                        field.push(term_c.clone());
                    }
                    draft.set(next);
                });
                let label = if issue { format!("Best bet for the issue {term}") } else { format!("Best bet for {term}") };
                check_field(&format!("{prefix}-{}", slug(term)), &label, contains_term(chosen, term), on)
            }) }</>
        }
    };

    html! {
        <form id="service-editor" class="service-editor" onsubmit={save} aria-labelledby="editor-title">
            <h3 id="editor-title">{ format!("Edit service: {}", props.service.name) }</h3>
            <div class="field-row">
                { text_field("edit-name", "Name", None, &d.name, text(|d, v| d.name = v)) }
                { text_field("edit-organisation", "Organisation", None, &d.organisation, text(|d, v| d.organisation = v)) }
                <div class="field">
                    <label for="edit-kind">{ "Kind" }</label>
                    <select id="edit-kind" onchange={on_kind}>
                        { for KINDS.into_iter().map(|k| html! { <option value={k.label()} selected={k == d.kind}>{ k.label() }</option> }) }
                    </select>
                </div>
            </div>
            { text_field("edit-issues", "Issues it deals with", Some("Separate terms with semicolons, e.g. Housing; Eviction."), &d.issues, text(|d, v| d.issues = v)) }
            { text_field("edit-populations", "Populations it serves only", Some("Leave empty if it serves everyone. Separate with semicolons."), &d.populations, text(|d, v| d.populations = v)) }
            <fieldset>
                <legend>{ "Where it serves (any level matches; separate with semicolons)" }</legend>
                <div class="field-row">
                    { text_field("edit-zips", "Zip codes", None, &d.zips, text(|d, v| d.zips = v)) }
                    { text_field("edit-cities", "Cities", None, &d.cities, text(|d, v| d.cities = v)) }
                    { text_field("edit-counties", "Counties", None, &d.counties, text(|d, v| d.counties = v)) }
                    { text_field("edit-states", "States", None, &d.states, text(|d, v| d.states = v)) }
                </div>
            </fieldset>
            <fieldset>
                <legend>{ "Ways to contact it" }</legend>
                { for channel_boxes }
            </fieldset>
            <fieldset>
                <legend>{ "Rules" }</legend>
                { check_field("edit-open", "Open (taking referrals)", d.open, flag(|d, v| d.open = v)) }
                { check_field("edit-direct", "Gives direct representation (acts for the person, not only advice)", d.direct_representation, flag(|d, v| d.direct_representation = v)) }
                { check_field("edit-over-income", "Serves people over the income limit", d.serves_over_income, flag(|d, v| d.serves_over_income = v)) }
            </fieldset>
            <fieldset>
                <legend>{ "Referral score (how it is ordered among equals)" }</legend>
                <div class="field-row">
                    { text_field("edit-volume", "Annual volume (people helped a year)", Some("A whole number; empty if unknown."), &d.annual_volume, text(|d, v| d.annual_volume = v)) }
                    <div class="field">
                        <label for="edit-next-date">{ "Next date (irregular in-person services)" }</label>
                        <input id="edit-next-date" type="date" value={d.next_date.clone()}
                            oninput={{ let on = text(|d, v| d.next_date = v); Callback::from(move |e: InputEvent| on.emit(form::value(&e))) }} />
                    </div>
                </div>
                { check_field("edit-regular", "Regular weekly hours", d.regular_hours, flag(|d, v| d.regular_hours = v)) }
            </fieldset>
            <fieldset>
                <legend>{ "Best bets (listed first when it matches)" }</legend>
                if draft_issues.is_empty() && draft_pops.is_empty() {
                    <p>{ "Add issues or populations above to choose best bets." }</p>
                }
                { best_bet_boxes(&draft_issues, &d.best_bet_issues, "bb-issue", true) }
                { best_bet_boxes(&draft_pops, &d.best_bet_populations, "bb-pop", false) }
            </fieldset>
            if let Some(message) = (*error).clone() {
                <p class="notice error" role="alert">{ message }</p>
            }
            <div class="actions">
                <button type="submit" id="save-service">{ "Save service" }</button>
                <button type="button" onclick={cancel}>{ "Cancel" }</button>
            </div>
        </form>
    }
}

// ---------------------------------------------------------------- import, export

#[component]
fn ImportExport() -> Html {
    let app = use_app();
    let problems = use_state(Vec::<Problem>::new);

    // The files are read in the worker (`JobRequest::Directory`): the
    // workbook readers are not in the page's WebAssembly.
    let names = use_mut_ref(Vec::<String>::new);
    let on_result = {
        let (app, problems, names) = (app.clone(), problems.clone(), names.clone());
        Callback::from(move |result: Result<JobResult, String>| match result {
            Ok(JobResult::Directory {
                directory,
                problems: found,
            }) => {
                let mut directory = *directory;
                let n = directory.services.len();
                let count = found.len();
                app.dispatch(Action::Update(Box::new(move |ws| {
                    // A file without a gazetteer keeps the current one.
                    if directory.gazetteer.places.is_empty() {
                        if let Some(old) = ws.directory.as_ref() {
                            directory.gazetteer = old.gazetteer.clone();
                        }
                    }
                    ws.directory = Some(directory);
                })));
                app.dispatch(Action::Notify(Notice::Info(format!(
                    "Imported {n} services from {}{}.",
                    names.borrow().join(", "),
                    if count == 0 {
                        String::new()
                    } else {
                        format!("; {count} problem(s) are listed below")
                    }
                ))));
                problems.set(found);
            }
            Ok(_) => {}
            Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
        })
    };
    let job = use_job(on_result);
    let on_import = {
        let (app, job) = (app.clone(), job.clone());
        Callback::from(move |e: Event| {
            let picked = files::from_input(&e);
            if picked.is_empty() {
                return;
            }
            let (app, job, names) = (app.clone(), job.clone(), names.clone());
            spawn_local(async move {
                let mut tables = Vec::new();
                for file in picked {
                    match files::read(file).await {
                        Ok(pair) => tables.push(pair),
                        Err(message) => {
                            app.dispatch(Action::Notify(Notice::Error(message)));
                            return;
                        }
                    }
                }
                *names.borrow_mut() = tables.iter().map(|(n, _)| n.clone()).collect();
                job.start(
                    JobRequest::Directory { files: tables },
                    "Reading the directory",
                );
            });
        })
    };
    let on_gazetteer = {
        let (app, problems) = (app.clone(), problems.clone());
        files::on_choose(move |read| match read {
            Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
            Ok((name, bytes)) => match import_gazetteer_csv(&name, &bytes) {
                Err(err) => app.dispatch(Action::Notify(Notice::Error(format!(
                    "The gazetteer was not imported: {err}"
                )))),
                Ok((gazetteer, found)) => {
                    let n = gazetteer.places.len();
                    app.dispatch(Action::Update(Box::new(move |ws| {
                        ws.directory
                            .get_or_insert_with(Directory::default)
                            .gazetteer = gazetteer;
                    })));
                    app.dispatch(Action::Notify(Notice::Info(format!(
                        "Imported {n} places from {name}."
                    ))));
                    problems.set(found);
                }
            },
        })
    };
    let export = {
        let app = app.clone();
        Callback::from(move |_| {
            if let Some(directory) = app.workspace.directory.as_ref() {
                if let Err(message) = files::download(
                    "signpost-directory.csv",
                    "text/csv",
                    &directory_to_csv(directory),
                ) {
                    app.dispatch(Action::Notify(Notice::Error(message)));
                }
            }
        })
    };

    let problem_list = (!problems.is_empty()).then(|| {
        html! {
            <div class="banner warn" role="region" aria-labelledby="directory-problems-title" id="directory-problems">
                <h3 id="directory-problems-title">{ format!("{} problem(s) found while reading; the rest was imported", problems.len()) }</h3>
                <ul class="findings">
                    { for problems.iter().take(100).map(|p| html! { <li>{ problem_words(p) }</li> }) }
                </ul>
                if problems.len() > 100 { <p>{ format!("…and {} more.", problems.len() - 100) }</p> }
            </div>
        }
    });

    html! {
        <div role="region" aria-labelledby="import-title" class="no-print">
            <h2 id="import-title">{ "Import and export" }</h2>
            <p class="hint">{ "A directory is a CSV or Excel file with one service a row in the documented layout, or several HSDS CSV files \
                (the Human Services Data Specification: organizations, services, locations…) chosen together. \
                Importing replaces the current services." }</p>
            <div class="field-row">
                <div class="field">
                    <label for="import-directory">{ "Import a directory (CSV, XLSX, or several HSDS CSV files)" }</label>
                    <input id="import-directory" type="file" multiple={true} accept=".csv,.xlsx,.xls,text/csv" onchange={on_import} />
                </div>
                <div class="field">
                    <label for="import-gazetteer">{ "Import a gazetteer (CSV: zip, city, county, state)" }</label>
                    <input id="import-gazetteer" type="file" accept=".csv,text/csv" onchange={on_gazetteer} />
                </div>
                if app.workspace.directory.is_some() {
                    <button type="button" id="export-directory" onclick={export}>{ "Export directory (CSV)" }</button>
                }
            </div>
            <JobProgress job={job.clone()} />
            { for problem_list }
        </div>
    }
}

fn problem_words(p: &Problem) -> String {
    let mut at = vec![p.source.clone()];
    if let Some(row) = p.row {
        at.push(format!("row {row}"));
    }
    if let Some(column) = &p.column {
        at.push(format!("column {column}"));
    }
    let value = p
        .value
        .as_ref()
        .map(|v| format!(" (value '{v}')"))
        .unwrap_or_default();
    format!("{}: {}{value}", at.join(", "), p.message)
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
