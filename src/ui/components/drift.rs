//! Drift of the referrals seen since the model in use was trained (the
//! decisions recorded with it) against its training data, in words, with
//! the PSI of every feature.

use yew::prelude::*;

use crate::oversight::drift::{drift, seen_with, Shift};
use crate::oversight::versions::version_key;
use crate::ui::components::form::pct;
use crate::ui::state::use_app;

#[component]
pub fn DriftPanel() -> Html {
    let app = use_app();
    let ws = &app.workspace;
    let Some(model) = &ws.model else {
        return html! {};
    };
    let Some(profile) = &model.report.training_profile else {
        return html! { <p class="hint">{ "This model keeps no profile of its training data (it was saved by an older Signpost): retrain it to watch for drift." }</p> };
    };
    let seen = seen_with(&ws.decisions, &version_key(model));
    let report = drift(profile, &seen);
    let shifted: Vec<_> = report
        .features
        .iter()
        .filter(|f| matches!(f.shift, Shift::Moderate | Shift::Large))
        .collect();
    let label = |s: Shift| match s {
        Shift::Stable => "stable",
        Shift::Moderate => "shifted",
        Shift::Large => "shifted a lot",
        Shift::Unjudged => "too few to judge",
    };
    html! {
        <section aria-labelledby="drift-title" class="drift">
            <h3 id="drift-title">{ "Drift: are new referrals like the training data?" }</h3>
            <p id="drift-summary">{ &report.summary }</p>
            if !shifted.is_empty() {
                <ul class="banner warn">{ for shifted.iter().map(|f| html! { <li>{ &f.sentence }</li> }) }</ul>
            }
            if report.n_new > 0 {
                <details>
                    <summary>{ "Population stability index per feature" }</summary>
                    <table>
                        <caption>{ format!("PSI of the {} referrals seen since training against the {} training referrals (under 0.1 stable, 0.1 to 0.25 shifted, 0.25 or more shifted a lot)", report.n_new, report.n_training) }</caption>
                        <thead><tr><th scope="col">{ "Feature" }</th><th scope="col" class="num">{ "PSI" }</th><th scope="col">{ "Verdict" }</th><th scope="col">{ "Largest change" }</th></tr></thead>
                        <tbody>{ for report.features.iter().map(|f| {
                            let biggest = f.bins.iter().max_by(|a, b| (a.new - a.training).abs().total_cmp(&(b.new - b.training).abs()));
                            html! { <tr><th scope="row">{ &f.feature }</th><td class="num">{ format!("{:.2}", f.psi) }</td><td>{ label(f.shift) }</td>
                                <td>{ biggest.map_or(String::new(), |b| format!("{} {} now, {} in training", pct(b.new), b.bin.words(), pct(b.training))) }</td></tr> }
                        }) }</tbody>
                    </table>
                </details>
            }
        </section>
    }
}
