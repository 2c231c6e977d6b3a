//! Model versions on the Model screen: the reminder to retrain, "Retrain
//! with N new outcomes", the list of versions with the one in use marked,
//! switching, and two versions compared side by side.

use yew::prelude::*;

use crate::import::Dataset;
use crate::jobs::{JobRequest, JobResult};
use crate::oversight::retrain::{new_outcomes, reminder, with_outcomes};
use crate::oversight::versions::{add_version, compare, Figures};
use crate::ui::components::form::{self, pct};
use crate::ui::components::progress::JobProgress;
use crate::ui::jobs::use_job;
use crate::ui::state::{use_app, Action, Notice};

fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso.chars().take(10).collect()
}

fn figure_cells(f: &Figures) -> Html {
    html! { <>
        <td class="num">{ f.n }</td>
        <td class="num">{ f.accuracy.as_ref().map_or("–".into(), |e| format!("{} ({}–{})", pct(e.value), pct(e.lower), pct(e.upper))) }</td>
        <td class="num">{ f.balanced_accuracy.map_or("–".into(), pct) }</td>
        <td class="num">{ f.stated_confidence.map_or("–".into(), pct) }</td>
    </> }
}

#[component]
pub fn Versions() -> Html {
    let app = use_app();
    let ws = app.workspace.clone();
    // The two versions compared (older, newer by choice).
    let pair = use_state(|| None::<(u32, u32)>);
    let pending = use_mut_ref(|| None::<(Dataset, Vec<u64>)>);

    let on_result = {
        let app = app.clone();
        let pending = pending.clone();
        let pair = pair.clone();
        Callback::from(move |result: Result<JobResult, String>| match result {
            Ok(JobResult::Trained(model)) => {
                let Some((data, learned)) = pending.borrow_mut().take() else {
                    return;
                };
                let n = learned.len();
                let in_use = app.workspace.version_in_use;
                let next = app
                    .workspace
                    .versions
                    .iter()
                    .map(|v| v.number)
                    .max()
                    .unwrap_or(0)
                    + 1;
                app.dispatch(Action::Update(Box::new(move |ws| {
                    ws.decisions_in_history.extend(&learned);
                    add_version(
                        &mut ws.versions,
                        *model,
                        &data,
                        format!(
                            "retrained with {n} new outcome{}",
                            if n == 1 { "" } else { "s" }
                        ),
                        learned,
                    );
                    ws.data = Some(data);
                })));
                if let Some(in_use) = in_use {
                    pair.set(Some((in_use, next)));
                }
                app.dispatch(Action::Notify(Notice::Info(format!(
                    "Version {next} is trained with {n} new outcome{}. Compare it with the version in use below before switching.",
                    if n == 1 { "" } else { "s" }
                ))));
            }
            Ok(_) => {}
            Err(message) => {
                pending.borrow_mut().take();
                app.dispatch(Action::Notify(Notice::Error(message)));
            }
        })
    };
    let job = use_job(on_result);

    let Some(model) = ws.model.clone() else {
        return html! {};
    };
    let fresh: Vec<u64> = new_outcomes(&ws.decisions, &ws.decisions_in_history)
        .iter()
        .map(|d| d.id)
        .collect();
    let remind = reminder(&model.card.date, &today(), fresh.len());

    let retrain = {
        let ws = ws.clone();
        let app = app.clone();
        let job = job.clone();
        let pending = pending.clone();
        let model = model.clone();
        Callback::from(move |_| {
            let Some(data) = &ws.data else { return };
            let records = new_outcomes(&ws.decisions, &ws.decisions_in_history);
            let ids: Vec<u64> = records.iter().map(|d| d.id).collect();
            match with_outcomes(data, &records) {
                Ok(extended) => {
                    let mut config = model.config.clone();
                    config.date = today();
                    *pending.borrow_mut() = Some((extended.clone(), ids));
                    job.start(
                        JobRequest::Train {
                            dataset: Box::new(extended),
                            config: Box::new(config),
                        },
                        "Retraining with the new outcomes",
                    );
                }
                Err(err) => app.dispatch(Action::Notify(Notice::Error(format!(
                    "Cannot retrain: {err}"
                )))),
            }
        })
    };

    let switch_to = |number: u32| {
        let app = app.clone();
        Callback::from(move |_| {
            app.dispatch(Action::Update(Box::new(move |ws| {
                if let Some(v) = ws.versions.iter().find(|v| v.number == number) {
                    ws.model = Some(v.model.clone());
                    ws.version_in_use = Some(number);
                }
            })));
            app.dispatch(Action::Notify(Notice::Info(format!(
                "Version {number} is now in use."
            ))));
        })
    };

    let numbers: Vec<u32> = ws.versions.iter().map(|v| v.number).collect();
    let (left, right) = (*pair).unwrap_or_else(|| {
        let last = numbers.last().copied().unwrap_or(0);
        let other = ws
            .version_in_use
            .filter(|&n| n != last)
            .or_else(|| numbers.iter().rev().nth(1).copied())
            .unwrap_or(last);
        (other, last)
    });
    let choose = |first: bool| {
        let pair = pair.clone();
        Callback::from(move |event: Event| {
            if let Ok(n) = form::value(&event).parse::<u32>() {
                pair.set(Some(if first { (n, right) } else { (left, n) }));
            }
        })
    };
    let find = |n: u32| ws.versions.iter().find(|v| v.number == n);
    let comparison = match (find(left), find(right), &ws.data) {
        (Some(a), Some(b), Some(data)) if a.number != b.number => {
            Some(compare(a, b, data, &ws.decisions))
        }
        _ => None,
    };

    html! {
        <section aria-labelledby="versions-title" id="versions">
            <h2 id="versions-title">{ "Model versions" }</h2>
            if let Some(text) = remind {
                <p class="banner warn" id="retrain-reminder"><span class="tag warn">{ "Reminder" }</span>{ text }</p>
            }
            <div class="actions">
                <button type="button" id="retrain" onclick={retrain} disabled={fresh.is_empty() || job.is_running() || ws.data.is_none()}>
                    { format!("Retrain with {} new outcome{}", fresh.len(), if fresh.len() == 1 { "" } else { "s" }) }</button>
                <span class="hint">{ " Decisions whose outcome was recorded become history: the referral, the pathway decided (followed or overridden) and the outcome." }</span>
            </div>
            <JobProgress job={job.clone()} />
            if ws.versions.is_empty() {
                <p>{ "No versions kept yet: each training from now on is kept here." }</p>
            } else {
                <table id="version-list">
                    <caption>{ "Every trained version; the one in use gives the suggestions" }</caption>
                    <thead><tr><th scope="col">{ "Version" }</th><th scope="col">{ "Trained" }</th><th scope="col">{ "How" }</th><th scope="col" class="num">{ "Rows" }</th>
                        <th scope="col" class="num">{ "Balanced accuracy" }</th><th scope="col" class="num">{ "Fairness flags" }</th><th scope="col">{ "Status" }</th></tr></thead>
                    <tbody>{ for ws.versions.iter().rev().map(|v| {
                        let in_use = ws.version_in_use == Some(v.number);
                        let flags = v.model.report.fairness.as_ref().map_or("not audited".to_string(), |a| a.columns.iter().map(|c| c.flags.len()).sum::<usize>().to_string());
                        html! { <tr>
                            <th scope="row">{ format!("Version {}", v.number) }</th><td>{ &v.date }</td><td>{ &v.origin }</td><td class="num">{ v.n_rows }</td>
                            <td class="num">{ pct(v.model.report.metrics.balanced_accuracy) }</td><td class="num">{ flags }</td>
                            <td>if in_use { <strong>{ "In use" }</strong> } else {
                                <button type="button" onclick={switch_to(v.number)}>{ format!("Use version {}", v.number) }</button> }</td>
                        </tr> }
                    }) }</tbody>
                </table>
            }
            if numbers.len() >= 2 {
                <h3>{ "Compare two versions" }</h3>
                <div class="field-row">
                    <div class="field"><label for="compare-a">{ "Version" }</label>
                        <select id="compare-a" onchange={choose(true)}>{ for numbers.iter().map(|&n| html! { <option value={n.to_string()} selected={n == left}>{ format!("Version {n}") }</option> }) }</select></div>
                    <div class="field"><label for="compare-b">{ "against version" }</label>
                        <select id="compare-b" onchange={choose(false)}>{ for numbers.iter().map(|&n| html! { <option value={n.to_string()} selected={n == right}>{ format!("Version {n}") }</option> }) }</select></div>
                </div>
                if let Some(c) = comparison {
                    <p id="comparison-summary">{ c.sentence() }</p>
                    <table id="comparison">
                        <caption>{ format!("Version {} against version {} on the same referrals (figures over referrals whose pathway worked)", c.older, c.newer) }</caption>
                        <thead><tr><th scope="col">{ "Referrals" }</th><th scope="col">{ "Version" }</th><th scope="col" class="num">{ "Scored" }</th><th scope="col" class="num">{ "Suggestion worked (95% interval)" }</th>
                            <th scope="col" class="num">{ "Balanced accuracy" }</th><th scope="col" class="num">{ "Mean stated confidence" }</th></tr></thead>
                        <tbody>
                            <tr><th scope="row">{ format!("{} rows both held out", c.held_out_rows) }</th><td>{ c.older }</td>{ figure_cells(&c.held_out[0]) }</tr>
                            <tr><th scope="row">{ format!("{} rows both held out", c.held_out_rows) }</th><td>{ c.newer }</td>{ figure_cells(&c.held_out[1]) }</tr>
                            <tr><th scope="row">{ format!("{} decisions since version {}", c.decisions, c.older) }</th><td>{ c.older }</td>{ figure_cells(&c.on_decisions[0]) }</tr>
                            <tr><th scope="row">{ format!("{} decisions since version {}", c.decisions, c.older) }</th><td>{ c.newer }</td>{ figure_cells(&c.on_decisions[1]) }</tr>
                        </tbody>
                    </table>
                    <table>
                        <caption>{ "Recall per pathway on the rows both held out" }</caption>
                        <thead><tr><th scope="col">{ "Pathway" }</th><th scope="col" class="num">{ format!("Version {}", c.older) }</th><th scope="col" class="num">{ format!("Version {}", c.newer) }</th></tr></thead>
                        <tbody>{ for c.held_out[0].recall.iter().map(|(p, r, m)| {
                            let other = c.held_out[1].recall.iter().find(|x| &x.0 == p).and_then(|x| x.1);
                            html! { <tr><th scope="row">{ format!("{p} ({m} referrals)") }</th><td class="num">{ r.map_or("–".into(), pct) }</td><td class="num">{ other.map_or("–".into(), pct) }</td></tr> }
                        }) }</tbody>
                    </table>
                    { for c.notes.iter().map(|n| html! { <p class="hint">{ n }</p> }) }
                }
            }
        </section>
    }
}

/// Keeps a freshly trained (or imported) model as a new version in use.
pub fn keep_in_use(
    ws: &mut crate::workspace::Workspace,
    model: crate::model::train::TrainedModel,
    origin: String,
) {
    let data = ws.data.clone().unwrap_or_else(|| Dataset {
        source: String::new(),
        n_rows: 0,
        columns: Vec::new(),
        success_rule: None,
    });
    ws.model = Some(model.clone());
    let number = add_version(&mut ws.versions, model, &data, origin, Vec::new());
    ws.version_in_use = Some(number);
}
