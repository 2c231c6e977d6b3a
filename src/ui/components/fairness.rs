//! The fairness audit of a model, as the Model screen shows it: the flags
//! in words first, then per audited column (and pair) the model's figures
//! per group and what history did for the same groups.

use yew::prelude::*;

use crate::model::train::Estimate;
use crate::oversight::audit::{ColumnAudit, FairnessAudit};
use crate::ui::components::form::pct;

fn with_interval(e: Option<&Estimate>) -> String {
    e.map_or("–".into(), |e| {
        format!("{} ({}–{})", pct(e.value), pct(e.lower), pct(e.upper))
    })
}

#[derive(Properties, PartialEq)]
pub struct FairnessProps {
    pub audit: FairnessAudit,
}

#[component]
pub fn Fairness(props: &FairnessProps) -> Html {
    let audit = &props.audit;
    let flags: Vec<String> = audit.sentences();
    html! {
        <section aria-labelledby="fairness-title" id="fairness">
            <h3 id="fairness-title">{ "Fairness audit" }</h3>
            <p>{ audit.summary() }</p>
            if flags.is_empty() {
                <p class="banner good" id="fairness-flags"><span class="tag ok">{ "No gap flagged" }</span>
                    { "No gap between groups is both material and unlikely to be chance. Small groups are shown below but not judged." }</p>
            } else {
                <div class="banner warn" id="fairness-flags" role="region" aria-label="Fairness flags">
                    <p><span class="tag warn">{ "Gaps flagged" }</span>{ format!("{} gap{} between groups:", flags.len(), if flags.len() == 1 { "" } else { "s" }) }</p>
                    <ul>{ for flags.iter().map(|f| html! { <li>{ f }</li> }) }</ul>
                </div>
            }
            <p class="hint">{ &audit.method }</p>
            { for audit.columns.iter().map(|c| column(c, &audit.pathways, audit.has_outcomes)) }
        </section>
    }
}

fn column(c: &ColumnAudit, pathways: &[String], has_outcomes: bool) -> Html {
    if let Some(note) = &c.note {
        return html! { <p class="banner warn"><span class="tag warn">{ "Not audited" }</span>{ note }</p> };
    }
    let judged = |j: bool| if j { "" } else { " (too small to judge)" };
    html! {
        <details class="audit-column">
            <summary>{ format!("{}: {} groups, {} flagged gap{}", c.column, c.groups.len(), c.flags.len(), if c.flags.len() == 1 { "" } else { "s" }) }</summary>
            <div class="table-wrap" tabindex="0">
            <table>
                <caption>{ format!("{}: how often each pathway is suggested (selection rate, 95% interval)", c.column) }</caption>
                <thead><tr><th scope="col">{ "Group" }</th><th scope="col" class="num">{ "Referrals" }</th>
                    { for pathways.iter().map(|p| html! { <th scope="col" class="num">{ p }</th> }) }</tr></thead>
                <tbody>{ for c.groups.iter().map(|g| html! {
                    <tr><th scope="row">{ format!("{}{}", g.group, judged(g.judged)) }</th><td class="num">{ g.n }</td>
                        { for pathways.iter().map(|p| html! { <td class="num">{ with_interval(g.selection_rate.get(p)) }</td> }) }</tr>
                }) }</tbody>
            </table>
            </div>
            <div class="table-wrap" tabindex="0">
            <table>
                <caption>{ format!("{}: how often the suggestion is the pathway that worked (recall per pathway, balanced accuracy), calibration and expected success", c.column) }</caption>
                <thead><tr><th scope="col">{ "Group" }</th>
                    { for pathways.iter().map(|p| html! { <th scope="col" class="num">{ format!("Recall: {p}") }</th> }) }
                    <th scope="col" class="num">{ "Balanced accuracy" }</th>
                    <th scope="col" class="num">{ "Stated confidence" }</th><th scope="col" class="num">{ "Right" }</th>
                    if has_outcomes { <th scope="col" class="num">{ "Expected success if followed" }</th> }
                </tr></thead>
                <tbody>{ for c.groups.iter().map(|g| html! {
                    <tr><th scope="row">{ &g.group }</th>
                        { for pathways.iter().map(|p| html! { <td class="num">{ format!("{} of {}", with_interval(g.recall.get(p)), g.worked.get(p).copied().unwrap_or(0)) }</td> }) }
                        <td class="num">{ with_interval(g.balanced_accuracy.as_ref()) }</td>
                        <td class="num">{ g.calibration.as_ref().map_or("–".into(), |c| pct(c.stated)) }</td>
                        <td class="num">{ with_interval(g.calibration.as_ref().map(|c| &c.right)) }</td>
                        if has_outcomes { <td class="num">{ with_interval(g.expected_success.as_ref()) }</td> }
                    </tr>
                }) }</tbody>
            </table>
            </div>
            <div class="table-wrap" tabindex="0">
            <table>
                <caption>{ format!("{}: history, who was allocated what (share of referrals) and how often it worked", c.column) }</caption>
                <thead><tr><th scope="col">{ "Group" }</th>
                    { for pathways.iter().map(|p| html! { <th scope="col" class="num">{ format!("Allocated: {p}") }</th> }) }
                    { for pathways.iter().map(|p| html! { <th scope="col" class="num">{ format!("Worked: {p}") }</th> }) }
                </tr></thead>
                <tbody>{ for c.history.iter().map(|h| html! {
                    <tr><th scope="row">{ &h.group }</th>
                        { for pathways.iter().map(|p| html! { <td class="num">{ with_interval(h.allocation_rate.get(p)) }</td> }) }
                        { for pathways.iter().map(|p| html! { <td class="num">{ with_interval(h.success_rate.get(p)) }</td> }) }
                    </tr>
                }) }</tbody>
            </table>
            </div>
        </details>
    }
}
