//! Decisions: the log of reviewed suggestions, override rates per pathway
//! and reason, outcomes of followed and overridden suggestions (once
//! recorded), and a CSV export.

use yew::prelude::*;

use crate::decisions::{summarise, to_csv};
use crate::oversight::retrain::{judge_overrides, OVERRIDE_CAVEAT};
use crate::ui::components::drift::DriftPanel;
use crate::ui::components::form;
use crate::ui::components::form::pct;
use crate::ui::files;
use crate::ui::state::{use_app, Action, Notice};

#[component]
pub fn DecisionsScreen() -> Html {
    let app = use_app();
    let all = app.workspace.decisions.clone();
    // The model version to show ("" = every version).
    let version = use_state(String::new);
    let mut keys: Vec<String> = all.iter().map(|r| r.model_version.clone()).collect();
    keys.sort();
    keys.dedup();
    let log: Vec<_> = all
        .iter()
        .filter(|r| version.is_empty() || r.model_version == *version)
        .cloned()
        .collect();
    let summary = summarise(&log);
    let judged = judge_overrides(&log);
    let number_of = |key: &str| {
        app.workspace
            .versions
            .iter()
            .find(|v| v.key == key)
            .map_or(key.to_string(), |v| format!("Version {} ({key})", v.number))
    };
    let on_version = {
        let version = version.clone();
        Callback::from(move |event: Event| version.set(form::value(&event)))
    };
    let export = {
        let app = app.clone();
        let log = log.clone();
        Callback::from(move |_| {
            if let Err(message) =
                files::download("signpost-decisions.csv", "text/csv", &to_csv(&log))
            {
                app.dispatch(Action::Notify(Notice::Error(message)));
            }
        })
    };
    let set_outcome = |id: u64, value: Option<bool>| {
        let app = app.clone();
        Callback::from(move |_| {
            app.dispatch(Action::Update(Box::new(move |ws| {
                if let Some(record) = ws.decisions.iter_mut().find(|r| r.id == id) {
                    record.outcome_success = value;
                }
            })))
        })
    };
    let outcome_text = |o: Option<(f64, usize)>| {
        o.map_or("no outcomes yet".to_string(), |(r, n)| {
            format!("{} of {n} with a known outcome", pct(r))
        })
    };
    html! {
        <section aria-labelledby="decisions-title">
            <h1 id="decisions-title">{ "Decisions" }</h1>
            if keys.len() > 1 {
                <div class="field">
                    <label for="decision-version">{ "Model version" }</label>
                    <select id="decision-version" onchange={on_version}>
                        <option value="" selected={version.is_empty()}>{ "Every version" }</option>
                        { for keys.iter().map(|k| html! { <option value={k.clone()} selected={*version == *k}>{ number_of(k) }</option> }) }
                    </select>
                </div>
            }
            if log.is_empty() {
                <p>{ "No decisions yet. Each suggestion reviewed on the " }<a href="#triage">{ "Triage screen" }</a>{ " is recorded here." }</p>
            } else {
                <p id="decision-summary">{ format!("{} decisions; {} overrode the suggestion ({}).", summary.n_decisions, summary.n_overridden,
                    pct(summary.n_overridden as f64 / summary.n_decisions.max(1) as f64)) }</p>
                <p>{ format!("Followed suggestions succeeded: {}. Overridden ones: {}.", outcome_text(summary.followed_success), outcome_text(summary.overridden_success)) }</p>
                <table>
                    <caption>{ "Overrides per suggested pathway" }</caption>
                    <thead><tr><th scope="col">{ "Suggested pathway" }</th><th scope="col" class="num">{ "Suggested" }</th><th scope="col" class="num">{ "Overridden" }</th><th scope="col" class="num">{ "Rate" }</th></tr></thead>
                    <tbody>{ for summary.per_pathway.iter().map(|p| html! {
                        <tr><th scope="row">{ &p.pathway }</th><td class="num">{ p.n_suggested }</td><td class="num">{ p.n_overridden }</td><td class="num">{ pct(p.rate) }</td></tr>
                    }) }</tbody>
                </table>
                if !summary.reasons.is_empty() {
                    <table>
                        <caption>{ "Reasons for overrides" }</caption>
                        <thead><tr><th scope="col">{ "Reason" }</th><th scope="col" class="num">{ "Times" }</th></tr></thead>
                        <tbody>{ for summary.reasons.iter().map(|(r, n)| html! { <tr><th scope="row">{ r }</th><td class="num">{ n }</td></tr> }) }</tbody>
                    </table>
                }
                if log.iter().any(|r| r.outcome_success.is_some()) {
                    <section aria-labelledby="overrides-judged">
                        <h2 id="overrides-judged">{ "Were the overrides right?" }</h2>
                        <ul>{ for judged.iter().map(|j| html! { <li>{ &j.sentence }</li> }) }</ul>
                        <p class="hint">{ OVERRIDE_CAVEAT }</p>
                    </section>
                }
                <DriftPanel />
                <div class="actions"><button type="button" onclick={export}>{ "Export the log (CSV)" }</button></div>
                <div class="table-wrap" tabindex="0">
                    <table id="decision-log">
                        <caption>{ "The log, newest first" }</caption>
                        <thead><tr><th scope="col">{ "#" }</th><th scope="col">{ "When" }</th><th scope="col">{ "Referral" }</th><th scope="col">{ "Suggested" }</th>
                            <th scope="col">{ "Decided" }</th><th scope="col">{ "Reason" }</th><th scope="col">{ "Outcome" }</th></tr></thead>
                        <tbody>{ for log.iter().rev().map(|r| html! {
                            <tr>
                                <td class="num">{ r.id }</td><td>{ r.time.chars().take(16).collect::<String>().replace('T', " ") }</td>
                                <td>{ r.referral.clone().unwrap_or_default() }</td>
                                <td>{ if r.score.is_some() { format!("{} ({})", r.suggested, r.score_words()) } else { r.suggested.clone() } }</td>
                                <td>{ if r.followed() { format!("{} (followed)", r.decided) } else { format!("{} (override)", r.decided) } }</td>
                                <td>{ [r.reason.clone(), r.reason_text.clone()].into_iter().flatten().collect::<Vec<_>>().join(": ") }</td>
                                <td>
                                    { match r.outcome_success { Some(true) => "Worked. Change: ", Some(false) => "Did not work. Change: ", None => "Record: " } }
                                    <button type="button" class="link" onclick={set_outcome(r.id, Some(true))} aria-label={format!("Decision {}: it worked", r.id)}>{ "worked" }</button>
                                    { " / " }
                                    <button type="button" class="link" onclick={set_outcome(r.id, Some(false))} aria-label={format!("Decision {}: it did not work", r.id)}>{ "did not work" }</button>
                                </td>
                            </tr>
                        }) }</tbody>
                    </table>
                </div>
            }
        </section>
    }
}
