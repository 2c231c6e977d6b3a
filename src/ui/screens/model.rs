//! Model: choose how to learn and from which features, train in the worker,
//! and read the validation report: the verdict first, then the figures and
//! charts, the model card, and model export / import.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::import::{is_protected_name, Dataset, Role};
use crate::jobs::{JobRequest, JobResult};
use crate::model::forest::ClassWeight;
use crate::model::train::{Mode, TrainConfig, TrainedModel};
use crate::ui::components::charts::{Bar, Bars, HeatMap, Lines, Series, STYLES};
use crate::ui::components::drift::DriftPanel;
use crate::ui::components::fairness::Fairness;
use crate::ui::components::form;
use crate::ui::components::progress::JobProgress;
use crate::ui::components::versions::{keep_in_use, Versions};
use crate::ui::files;
use crate::ui::jobs::use_job;
use crate::ui::state::{use_app, Action, Notice};

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso.chars().take(10).collect()
}

/// Columns that may be features: the feature and protected ones.
fn candidate_features(data: &Dataset) -> Vec<(String, bool)> {
    data.columns
        .iter()
        .filter(|c| matches!(c.role, Role::Feature | Role::Protected))
        .map(|c| {
            (
                c.name.clone(),
                c.role == Role::Protected || is_protected_name(&c.name),
            )
        })
        .collect()
}

#[component]
pub fn ModelScreen() -> Html {
    let app = use_app();
    let Some(data) = app.workspace.data.clone() else {
        return html! {
            <section aria-labelledby="model-title">
                <h1 id="model-title">{ "Model" }</h1>
                <p>{ "There is no referral data to learn from. " }<a href="#start">{ "Load the demo or import a file" }</a>{ "." }</p>
            </section>
        };
    };
    html! {
        <section aria-labelledby="model-title">
            <h1 id="model-title">{ "Model" }</h1>
            <Trainer data={data} />
            if let Some(model) = app.workspace.model.clone() {
                <Report model={model} />
                <Versions />
                <DriftPanel />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TrainerProps {
    data: Dataset,
}

#[component]
fn Trainer(props: &TrainerProps) -> Html {
    let app = use_app();
    let candidates = candidate_features(&props.data);
    let mode = use_state(|| Mode::Auto);
    let trees = use_state(|| 100usize);
    let depth = use_state(|| 10usize);
    let balanced = use_state(|| true);
    let chosen = {
        let candidates = candidates.clone();
        use_state(move || {
            candidates
                .iter()
                .filter(|(_, protected)| !protected)
                .map(|(n, _)| n.clone())
                .collect::<Vec<_>>()
        })
    };
    let pending_protected = use_state(|| None::<String>);

    let on_result = {
        let app = app.clone();
        Callback::from(move |result: Result<JobResult, String>| match result {
            Ok(JobResult::Trained(model)) => {
                let verdict = model.report.verdict.clone();
                app.dispatch(Action::Update(Box::new(move |ws| {
                    let origin = format!(
                        "trained on {}",
                        ws.origin.clone().unwrap_or_else(|| "the data".into())
                    );
                    keep_in_use(ws, *model, origin);
                })));
                app.dispatch(Action::Notify(Notice::Info(format!(
                    "The model is trained. {verdict}"
                ))));
            }
            Ok(_) => {}
            Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
        })
    };
    let job = use_job(on_result);

    let train = {
        let job = job.clone();
        let data = props.data.clone();
        let (mode, trees, depth, balanced, chosen) = (
            mode.clone(),
            trees.clone(),
            depth.clone(),
            balanced.clone(),
            chosen.clone(),
        );
        let app = app.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if chosen.is_empty() {
                app.dispatch(Action::Notify(Notice::Error(
                    "Choose at least one feature to learn from.".into(),
                )));
                return;
            }
            let mut config = TrainConfig {
                mode: *mode,
                features: Some((*chosen).clone()),
                date: today(),
                // Every protected column is audited, used as a feature or not.
                audit_columns: data
                    .columns
                    .iter()
                    .filter(|c| c.role == Role::Protected)
                    .map(|c| c.name.clone())
                    .collect(),
                ..TrainConfig::default()
            };
            config.forest.n_trees = *trees;
            config.forest.max_depth = *depth;
            config.forest.class_weight = if *balanced {
                ClassWeight::Balanced
            } else {
                ClassWeight::None
            };
            // Protected columns the user confirmed become features for this model.
            let mut dataset = data.clone();
            for column in dataset.columns.iter_mut() {
                if column.role == Role::Protected && chosen.contains(&column.name) {
                    column.role = Role::Feature;
                }
            }
            job.start(
                JobRequest::Train {
                    dataset: Box::new(dataset),
                    config: Box::new(config),
                },
                "Training and validating the model",
            );
        })
    };

    let feature_boxes = candidates.iter().map(|(name, protected)| {
        let is_on = chosen.contains(name);
        let id = format!("feature-{name}");
        let onchange = {
            let chosen = chosen.clone();
            let pending = pending_protected.clone();
            let name = name.clone();
            let protected = *protected;
            Callback::from(move |event: Event| {
                let mut next = (*chosen).clone();
                if form::checked(&event) {
                    if protected {
                        // Needs an explicit confirmation first.
                        pending.set(Some(name.clone()));
                        if let Some(input) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.set_checked(false);
                        }
                        return;
                    }
                    next.push(name.clone());
                } else {
                    next.retain(|n| n != &name);
                }
                chosen.set(next);
            })
        };
        html! {
            <li>
                <input type="checkbox" id={id.clone()} checked={is_on} onchange={onchange} />
                <label for={id}>{ name }{ if *protected { " (protected characteristic)" } else { "" } }</label>
            </li>
        }
    });

    let confirm = (*pending_protected).clone().map(|name| {
        let yes = {
            let chosen = chosen.clone();
            let pending = pending_protected.clone();
            let name = name.clone();
            Callback::from(move |_| {
                let mut next = (*chosen).clone();
                next.push(name.clone());
                chosen.set(next);
                pending.set(None);
            })
        };
        let no = {
            let pending = pending_protected.clone();
            Callback::from(move |_| pending.set(None))
        };
        html! {
            <div class="confirm" role="alertdialog" aria-labelledby="confirm-protected">
                <p id="confirm-protected"><strong>{ format!("Use \"{name}\" as a feature?") }</strong>{ " It is a protected characteristic. \
                    The model could then suggest different pathways for people who differ only in it, which can be unlawful discrimination. \
                    Use it only with a documented reason, and check the fairness audit." }</p>
                <button type="button" class="danger" onclick={yes}>{ "Use it anyway" }</button>
                <button type="button" onclick={no}>{ "Keep it out" }</button>
            </div>
        }
    });

    let on_mode = {
        let mode = mode.clone();
        Callback::from(move |event: Event| {
            mode.set(match form::value(&event).as_str() {
                "allocations" => Mode::Allocations,
                "fit" => Mode::Fit,
                _ => Mode::Auto,
            })
        })
    };
    let on_trees = {
        let trees = trees.clone();
        Callback::from(move |event: Event| {
            if let Ok(n) = form::value(&event).parse::<usize>() {
                trees.set(n.clamp(1, 500));
            }
        })
    };
    let on_depth = {
        let depth = depth.clone();
        Callback::from(move |event: Event| {
            if let Ok(n) = form::value(&event).parse::<usize>() {
                depth.set(n.clamp(1, 30));
            }
        })
    };
    let on_balanced = {
        let balanced = balanced.clone();
        Callback::from(move |event: Event| balanced.set(form::checked(&event)))
    };

    html! {
        <form onsubmit={train} aria-label="Train the model">
            <h2>{ "How to learn" }</h2>
            <div class="field-row">
                <div class="field">
                    <label for="train-mode">{ "Way of learning" }</label>
                    if props.data.success_rule.is_some() {
                        <select id="train-mode" onchange={on_mode}>
                            <option value="auto" selected={*mode == Mode::Auto}>{ "Auto: the better of the two, measured" }</option>
                            <option value="allocations" selected={*mode == Mode::Allocations}>{ "Successful allocations: learn from referrals that worked" }</option>
                            <option value="fit" selected={*mode == Mode::Fit}>{ "Pathway fit: chance of success per pathway, from all referrals" }</option>
                        </select>
                    } else {
                        <select id="train-mode" onchange={on_mode} aria-describedby="train-mode-hint">
                            <option value="allocations" selected={true}>{ "Successful allocations (the seed method)" }</option>
                        </select>
                        <small id="train-mode-hint" class="hint">{ "This data has no outcome column, so there is no success to measure: only the seed method applies. Mark an outcome column on the Data screen to compare the two ways." }</small>
                    }
                </div>
                <div class="field">
                    <label for="train-trees">{ "Trees" }</label>
                    <input id="train-trees" type="number" min="1" max="500" value={trees.to_string()} onchange={on_trees} />
                </div>
                <div class="field">
                    <label for="train-depth">{ "Maximum depth" }</label>
                    <input id="train-depth" type="number" min="1" max="30" value={depth.to_string()} onchange={on_depth} />
                </div>
                <div class="field">
                    <span>
                        <input id="train-balanced" type="checkbox" checked={*balanced} onchange={on_balanced} />
                        <label for="train-balanced">{ " Balance rare pathways" }</label>
                    </span>
                </div>
            </div>
            <fieldset>
                <legend>{ "Features to learn from" }</legend>
                <p class="hint">{ "Protected characteristics are left out unless you confirm; they are used to audit the model." }</p>
                <ul class="checklist">{ for feature_boxes }</ul>
            </fieldset>
            { for confirm }
            <div class="actions">
                <button type="submit" class="primary" disabled={job.is_running()}>{ "Train model" }</button>
            </div>
            <JobProgress job={job.clone()} />
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct ReportProps {
    model: TrainedModel,
}

#[component]
fn Report(props: &ReportProps) -> Html {
    let app = use_app();
    let model = &props.model;
    let report = &model.report;
    let m = &report.metrics;
    let verdict_class = if report.weak {
        "banner weak"
    } else {
        "banner good"
    };
    let verdict_tag = if report.weak {
        "Weak model"
    } else {
        "Good enough to support decisions"
    };

    let export = {
        let model = model.clone();
        let app = app.clone();
        Callback::from(move |_| {
            let written = model.to_json().map_err(|err| err.to_string());
            if let Err(message) = written
                .and_then(|text| files::download("signpost-model.json", "application/json", &text))
            {
                app.dispatch(Action::Notify(Notice::Error(message)));
            }
        })
    };
    let on_import = {
        let app = app.clone();
        files::on_choose(move |read| {
            let result = read.and_then(|(name, bytes)| {
                TrainedModel::from_json(&String::from_utf8_lossy(&bytes))
                    .map_err(|err| format!("{name}: {err}"))
            });
            match result {
                Ok(model) => {
                    app.dispatch(Action::Update(Box::new(move |ws| {
                        keep_in_use(ws, model, "imported from a file".into())
                    })));
                    app.dispatch(Action::Notify(Notice::Info("Imported the model.".into())));
                }
                Err(message) => app.dispatch(Action::Notify(Notice::Error(format!(
                    "The model was not imported; the current one is unchanged. {message}"
                )))),
            }
        })
    };

    let per_pathway = m.per_pathway.iter().map(|p| html! {
        <tr><th scope="row">{ &p.pathway }</th><td class="num">{ pct(p.precision) }</td><td class="num">{ pct(p.recall) }</td>
            <td class="num">{ pct(p.f1) }</td><td class="num">{ p.support }</td></tr>
    });
    let importance: Vec<Bar> = report
        .importance
        .iter()
        .map(|i| Bar {
            label: i.feature.clone(),
            value: i.importance,
            text: format!("{:+.1} points", i.importance * 100.0),
        })
        .collect();
    let curve = |bins: &[crate::model::metrics::ReliabilityBin]| {
        bins.iter()
            .filter(|b| b.count > 0)
            .map(|b| (b.predicted, b.observed))
            .collect::<Vec<_>>()
    };
    let reliability = vec![
        Series {
            name: "before calibration".into(),
            points: curve(&report.reliability_before),
            colour: STYLES[1].0,
            dash: STYLES[1].1,
        },
        Series {
            name: "after calibration".into(),
            points: curve(&report.reliability_after),
            colour: STYLES[0].0,
            dash: STYLES[0].1,
        },
    ];
    let modes = report.modes.iter().map(|mr| html! {
        <tr>
            <th scope="row">{ match mr.mode { Mode::Allocations => "Successful allocations", Mode::Fit => "Pathway fit", Mode::Auto => "Auto" } }</th>
            <td class="num">{ mr.policy_value.as_ref().map_or_else(|| "–".to_string(), |v| format!("{} ({}–{})", pct(v.value), pct(v.lower), pct(v.upper))) }</td>
            <td class="num">{ pct(mr.cv.balanced_accuracy) }</td>
            <td class="num">{ mr.consistency.map(pct).unwrap_or_else(|| "–".into()) }</td>
            <td class="num">{ mr.truth_top1.map(pct).unwrap_or_else(|| "–".into()) }</td>
        </tr>
    });
    let counts = report.class_counts.iter().map(|(p, n)| {
        let s = report.success_counts.iter().find(|(q, _)| q == p).map_or(0, |(_, s)| *s);
        html! { <tr><th scope="row">{ p }</th><td class="num">{ n }</td><td class="num">{ s }</td></tr> }
    });

    html! {
        <section aria-labelledby="report-title">
            <h2 id="report-title">{ "Validation report" }</h2>
            <div class={verdict_class} role="status" id="verdict">
                <strong>{ verdict_tag }{ ": " }</strong>{ &report.verdict }
            </div>
            { for report.warnings.iter().map(|w| html! { <p class="banner warn"><span class="tag warn">{ "Warning" }</span>{ w }</p> }) }
            <p>{ format!("Figures on referrals the model did not see ({}-fold cross-validation and {} held-out referrals): accuracy {}, balanced accuracy {} (the quality bar is {}), macro F1 {}, log loss {:.3}, Brier score {:.3} (after calibration {:.3}).",
                model.config.folds, report.n_holdout, pct(m.accuracy), pct(m.balanced_accuracy), pct(report.quality_bar), pct(m.macro_f1), m.log_loss, report.brier_before, report.brier_after) }</p>
            <h3>{ "Which way of learning" }</h3>
            <p id="mode-choice">{ &report.choice }</p>
            if let (Some(observed), Some(d)) = (&report.observed_success, &report.modes_difference) {
                <table>
                    <caption>{ format!("Expected success rate if suggestions were followed (95% interval); today's observed rate is {}. Pathway fit minus successful allocations, paired on the same referrals: {:+.1} points ({:+.1} to {:+.1}). Same top pick across models: the share of held-out referrals on which two models trained on different parts of the data put the same pathway first.", pct(observed.value), d.value * 100.0, d.lower * 100.0, d.upper * 100.0) }</caption>
                    <thead><tr><th scope="col">{ "Way of learning" }</th><th scope="col" class="num">{ "Expected success" }</th><th scope="col" class="num">{ "Balanced accuracy" }</th><th scope="col" class="num">{ "Same top pick across models" }</th><th scope="col" class="num">{ "Top pick is the true best" }</th></tr></thead>
                    <tbody>{ for modes }</tbody>
                </table>
            }
            <HeatMap title="Confusion matrix (cross-validated): rows are the pathway that worked, columns the suggestion"
                row_title="actual" col_title="suggested" labels={report.pathways.clone()} counts={m.confusion.clone()} />
            <table>
                <caption>{ "Per pathway" }</caption>
                <thead><tr><th scope="col">{ "Pathway" }</th><th scope="col" class="num">{ "Precision" }</th><th scope="col" class="num">{ "Recall" }</th><th scope="col" class="num">{ "F1" }</th><th scope="col" class="num">{ "Referrals" }</th></tr></thead>
                <tbody>{ for per_pathway }</tbody>
            </table>
            <Bars title="What the model relies on: drop in held-out accuracy when a feature is shuffled" bars={importance} />
            <Lines title="Reliability: predicted confidence against how often it was right" x_label="predicted probability" y_label="observed share"
                series={reliability} diagonal={true}
                description={format!("A perfectly calibrated model follows the dotted diagonal. Brier score {:.3} before calibration and {:.3} after ({}).", report.brier_before, report.brier_after, report.calibration)} />
            <table>
                <caption>{ "Referrals per pathway in the data" }</caption>
                <thead><tr><th scope="col">{ "Pathway" }</th><th scope="col" class="num">{ "Referrals" }</th><th scope="col" class="num">{ "Successful" }</th></tr></thead>
                <tbody>{ for counts }</tbody>
            </table>
            <h3>{ "Model card" }</h3>
            <dl class="card">
                <dt>{ "Trained" }</dt><dd>{ &model.card.date }</dd>
                <dt>{ "Fingerprint" }</dt><dd id="model-fingerprint">{ format!("{:016x}", model.forest.fingerprint()) }</dd>
                <dt>{ "Data" }</dt><dd>{ &model.card.data_summary }</dd>
                <dt>{ "Features" }</dt><dd>{ model.card.features.join(", ") }</dd>
                <dt>{ "Figures" }</dt><dd>{ &model.card.figures }</dd>
                <dt>{ "Intended use" }</dt><dd>{ &model.card.intended_use }</dd>
                <dt>{ "Limits" }</dt><dd><ul>{ for model.card.limits.iter().map(|l| html! { <li>{ l }</li> }) }</ul></dd>
                if !model.card.fairness.is_empty() {
                    <dt>{ "Fairness" }</dt><dd><ul>{ for model.card.fairness.iter().map(|l| html! { <li>{ l }</li> }) }</ul></dd>
                }
            </dl>
            if let Some(audit) = report.fairness.clone() {
                <Fairness audit={audit} />
            }
            <div class="actions">
                <button type="button" onclick={export}>{ "Export model" }</button>
                <label class="button" for="import-model">{ "Import model" }</label>
                <input id="import-model" class="visually-hidden" type="file" accept=".json,application/json" onchange={on_import} />
            </div>
        </section>
    }
}
