//! The Directory screen's services: the list (search, add, remove) and the
//! editor of one service, whose lists are "a; b" text until saved.

use yew::prelude::*;

use super::{contains_term, slug, terms, DirectoryProps};
use crate::ranker::{Channel, Date, Directory, Service, ServiceKind};
use crate::ui::components::form;
use crate::ui::state::{use_app, Action, Notice};

const KINDS: [ServiceKind; 3] = [
    ServiceKind::Ordinary,
    ServiceKind::BarReferral,
    ServiceKind::SelfHelpCentre,
];

#[component]
pub(super) fn ServiceList(props: &DirectoryProps) -> Html {
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
