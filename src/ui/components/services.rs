//! The services that deliver a triage pathway near the person, for the
//! Triage screen: a zip, an over-income box and the ranked services (via
//! `rank_pathway`) with their reasons in words.

use yew::prelude::*;

use crate::ranker::{rank_pathway, Person, RankOptions, RankedService};
use crate::ui::components::form;
use crate::ui::screens::directory::{set_label, today};
use crate::ui::state::use_app;

#[derive(Properties, PartialEq)]
pub struct ServicesForPathwayProps {
    pub pathway: String,
}

#[component]
pub fn ServicesForPathway(props: &ServicesForPathwayProps) -> Html {
    let app = use_app();
    let zip = use_state(String::new);
    let over_income = use_state(|| false);
    let ws = &app.workspace;

    let on_zip = {
        let zip = zip.clone();
        Callback::from(move |event: InputEvent| zip.set(form::value(&event)))
    };
    let on_income = {
        let over_income = over_income.clone();
        Callback::from(move |event: Event| over_income.set(form::checked(&event)))
    };

    let body = match (&ws.directory, &ws.pathway_terms) {
        (None, _) => html! {
            <p id="pathway-services-none">{ "There is no service directory yet, so no services can be listed. " }
                <a href="#directory">{ "Import one on the Directory screen" }</a>{ "." }</p>
        },
        (Some(_), None) => html! {
            <p id="pathway-services-none">{ "No pathway is linked to directory issues yet. " }
                <a href="#directory">{ "Say which issues deliver each pathway on the Directory screen" }</a>{ "." }</p>
        },
        (Some(_), Some(_)) if zip.trim().is_empty() => html! {
            <p id="pathway-services-none">{ "Enter the person's zip code to see services near them." }</p>
        },
        (Some(directory), Some(terms)) => {
            let person = Person {
                zip: zip.trim().to_string(),
                populations: Vec::new(),
                over_income: *over_income,
                issue: String::new(),
                today: today(),
            };
            let options = RankOptions {
                list_excluded: false,
                ..RankOptions::default()
            };
            match rank_pathway(directory, terms, &props.pathway, &person, &options) {
                Err(err) => html! { <p id="pathway-services-none">{ err.to_string() }</p> },
                Ok(results) => html! {
                    <div id="pathway-services">
                        { for results.iter().map(|(term, result)| {
                            let returned: Vec<&RankedService> = result.returned().collect();
                            html! {
                                <>
                                    <h4>{ format!("For the issue '{term}'") }</h4>
                                    { for result.notes.iter().map(|n| html! { <p class="hint">{ n }</p> }) }
                                    if returned.is_empty() {
                                        <p>{ "No service for this issue serves this zip code." }</p>
                                    } else {
                                        <ol class="service-results">
                                            { for returned.iter().map(|r| html! {
                                                <li data-service-id={r.service_id.clone()}>
                                                    <strong>{ &r.name }</strong>{ format!(" ({}) — {}", r.organisation, set_label(r.set)) }
                                                    <ul>{ for r.reasons.iter().map(|reason| html! { <li>{ reason }</li> }) }</ul>
                                                </li>
                                            }) }
                                        </ol>
                                    }
                                </>
                            }
                        }) }
                    </div>
                },
            }
        }
    };

    html! {
        <div class="pathway-services" role="region" aria-labelledby="pathway-services-title">
            <h3 id="pathway-services-title">{ format!("Services for {} near the person", props.pathway) }</h3>
            <div class="field-row">
                <div class="field">
                    <label for="pathway-zip">{ "Person's zip code" }</label>
                    <input id="pathway-zip" type="text" inputmode="numeric" autocomplete="off" value={(*zip).clone()} oninput={on_zip} />
                </div>
                <div class="field checkbox">
                    <input id="pathway-over-income" type="checkbox" checked={*over_income} onchange={on_income} />
                    <label for="pathway-over-income">{ "Over the income limit (some services only help people on low incomes)" }</label>
                </div>
            </div>
            { body }
        </div>
    }
}
