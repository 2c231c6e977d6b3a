//! Triage: one referral. A form generated from the model's features (or a
//! row of the data), the suggestion with its confidence, alternative and
//! 90% set, reasons in words and as a chart, what would change it, and the
//! professional's decision, which is recorded at once. Nothing is routed
//! without that click.

use yew::prelude::*;

use crate::decisions::{self, DecisionRecord, OVERRIDE_REASONS};
use crate::model::encode::Encoding;
use crate::model::explain::{Counterfactual, Explanation, Measure};
use crate::model::train::{Mode, Suggestion, TrainedModel};
use crate::ui::components::charts::{Bar, Bars};
use crate::ui::components::form::{self, pct};
use crate::ui::state::{use_app, Action, Notice};

type Inputs = Vec<(String, Option<String>)>;

/// Checks the form's values against the model's features: messages for
/// unreadable or out-of-range numbers. Missing values are allowed (imputed
/// and flagged), but not all of them.
fn check_inputs(model: &TrainedModel, inputs: &Inputs) -> Vec<String> {
    let mut problems = Vec::new();
    for feature in &model.encoder.features {
        let value = inputs
            .iter()
            .find(|(n, _)| *n == feature.name)
            .and_then(|(_, v)| v.clone());
        if let (
            Encoding::Number {
                min,
                max,
                date: false,
                ..
            },
            Some(text),
        ) = (&feature.encoding, value)
        {
            match text.trim().parse::<f64>() {
                Err(_) => problems.push(format!("{}: '{text}' is not a number; type a number such as {min}.", feature.name)),
                Ok(x) if x < min - (max - min) || x > max + (max - min) => problems.push(format!(
                    "{}: {x} is far outside what the model has seen ({min} to {max}); check the value.", feature.name
                )),
                Ok(_) => {}
            }
        }
    }
    if inputs.iter().all(|(_, v)| v.is_none()) {
        problems.push("Fill in at least one field: the form is empty.".into());
    }
    problems
}

/// The suggestion, reasons and counterfactual for checked inputs, or the
/// messages to show.
fn outcome_for(
    model: &TrainedModel,
    inputs: &Inputs,
    referral: Option<String>,
) -> Result<Outcome, Vec<String>> {
    let found = check_inputs(model, inputs);
    if !found.is_empty() {
        return Err(found);
    }
    let suggestion = model.suggest(inputs).map_err(|err| vec![err.to_string()])?;
    let explanation = model.explain(inputs, &suggestion.top).ok();
    let counterfactual = suggestion
        .alternative
        .as_ref()
        .and_then(|alt| model.counterfactual(inputs, alt));
    Ok(Outcome {
        inputs: inputs.clone(),
        referral,
        suggestion,
        explanation,
        counterfactual,
    })
}

#[derive(Clone, PartialEq)]
struct Outcome {
    inputs: Inputs,
    referral: Option<String>,
    suggestion: Suggestion,
    explanation: Option<Explanation>,
    counterfactual: Option<Counterfactual>,
}

#[component]
pub fn TriageScreen() -> Html {
    let app = use_app();
    let Some(model) = app.workspace.model.clone() else {
        return html! {
            <section aria-labelledby="triage-title">
                <h1 id="triage-title">{ "Triage" }</h1>
                <div class="banner warn" role="status">{ "There is no trained model yet, so Signpost cannot suggest a pathway. " }
                    <a href="#model">{ "Train one on the Model screen" }</a>{ " from your past referrals (or load the demo first)." }</div>
            </section>
        };
    };
    html! { <Triage model={model} /> }
}

#[derive(Properties, PartialEq)]
struct TriageProps {
    model: TrainedModel,
}

#[component]
fn Triage(props: &TriageProps) -> Html {
    let app = use_app();
    let model = &props.model;
    // A referral sent from Batch opens filled in, with its suggestion shown.
    let review = use_state(|| app.review.clone());
    let inputs = {
        let model = model.clone();
        let review = (*review).clone();
        use_state(move || match review {
            Some(review) => review.inputs.clone(),
            None => model
                .encoder
                .features
                .iter()
                .map(|f| (f.name.clone(), None))
                .collect::<Inputs>(),
        })
    };
    let referral = use_state(|| review.as_ref().and_then(|r| r.referral.clone()));
    let problems = use_state(Vec::<String>::new);
    let outcome = {
        let (model, inputs, referral) = (model.clone(), (*inputs).clone(), (*referral).clone());
        let reviewing = review.is_some();
        use_state(move || {
            reviewing
                .then(|| outcome_for(&model, &inputs, referral).ok())
                .flatten()
        })
    };
    {
        let app = app.clone();
        let reviewing = review.is_some();
        use_effect_with((), move |_| {
            if reviewing {
                app.dispatch(Action::ReviewTaken);
            }
        });
    }
    let row_text = use_state(String::new);

    let set_value = {
        let inputs = inputs.clone();
        let outcome = outcome.clone();
        Callback::from(move |(name, value): (String, String)| {
            let mut next = (*inputs).clone();
            let value = (!value.trim().is_empty()).then_some(value);
            match next.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = value,
                None => next.push((name, value)),
            }
            inputs.set(next);
            outcome.set(None);
        })
    };

    let fill_from_row = {
        let app = app.clone();
        let inputs = inputs.clone();
        let referral = referral.clone();
        let problems = problems.clone();
        let outcome = outcome.clone();
        let row_text = row_text.clone();
        let model = model.clone();
        Callback::from(move |_| {
            let Some(data) = app.workspace.data.as_ref() else {
                return;
            };
            // Rows are numbered as a spreadsheet numbers them (header = row 1).
            match row_text.trim().parse::<usize>() {
                Ok(row) if row >= 2 && row - 2 < data.n_rows => {
                    let row_idx = row - 2;
                    let value = |name: &str| {
                        data.column(name)
                            .and_then(|c| c.cells.get(row_idx).cloned().flatten())
                    };
                    inputs.set(
                        model
                            .encoder
                            .features
                            .iter()
                            .map(|f| (f.name.clone(), value(&f.name)))
                            .collect(),
                    );
                    let id = data
                        .columns
                        .iter()
                        .find(|c| c.role == crate::import::Role::Id)
                        .and_then(|c| c.cells.get(row_idx).cloned().flatten());
                    referral.set(id.or(Some(format!("row {row}"))));
                    problems.set(Vec::new());
                    outcome.set(None);
                }
                _ => problems.set(vec![format!(
                    "Type a row number between 2 and {} (row 1 is the header).",
                    data.n_rows + 1
                )]),
            }
        })
    };

    let suggest = {
        let model = model.clone();
        let inputs = inputs.clone();
        let problems = problems.clone();
        let outcome = outcome.clone();
        let referral = referral.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            match outcome_for(&model, &inputs, (*referral).clone()) {
                Ok(found) => {
                    problems.set(Vec::new());
                    outcome.set(Some(found));
                }
                Err(found) => {
                    problems.set(found);
                    outcome.set(None);
                }
            }
        })
    };

    let fields = model.encoder.features.iter().map(|feature| {
        let id = format!("in-{}", feature.name);
        let current = inputs.iter().find(|(n, _)| *n == feature.name).and_then(|(_, v)| v.clone()).unwrap_or_default();
        let name = feature.name.clone();
        let set_value = set_value.clone();
        let on_change = Callback::from(move |event: Event| set_value.emit((name.clone(), form::value(&event))));
        let label = feature.name.replace('_', " ");
        let control = match &feature.encoding {
            Encoding::Number { date: true, .. } => {
                html! { <input id={id.clone()} type="date" value={current} onchange={on_change} /> }
            }
            Encoding::Number { min, max, .. } => html! {
                <input id={id.clone()} type="number" step="any" value={current} onchange={on_change}
                    aria-describedby={format!("{id}-hint")} />
            }
            .with_hint(format!("seen: {min} to {max}"), format!("{id}-hint")),
            Encoding::Binary { one, zero, .. } => {
                let levels: Vec<String> = [Some(one.clone()), zero.clone()].into_iter().flatten().collect();
                html! {
                    <select id={id.clone()} onchange={on_change}>
                        <option value="" selected={current.is_empty()}>{ "not known" }</option>
                        { for levels.iter().map(|l| html! { <option value={l.clone()} selected={current.eq_ignore_ascii_case(l)}>{ l }</option> }) }
                    </select>
                }
            }
            Encoding::OneHot { levels } => html! {
                <select id={id.clone()} onchange={on_change}>
                    <option value="" selected={current.is_empty()}>{ "not known" }</option>
                    { for levels.iter().map(|l| html! { <option value={l.clone()} selected={current == *l}>{ l }</option> }) }
                </select>
            },
        };
        html! { <div class="field"><label for={id}>{ label }</label>{ control }</div> }
    });

    let has_data = app.workspace.data.is_some();
    let on_row_text = {
        let row_text = row_text.clone();
        Callback::from(move |event: InputEvent| row_text.set(form::value(&event)))
    };

    html! {
        <section aria-labelledby="triage-title">
            <h1 id="triage-title">{ "Triage" }</h1>
            if model.report.weak {
                <div class="banner weak" role="status"><strong>{ "Weak model: " }</strong>
                    { model.report.verdict.clone() }</div>
            }
            <p class="hint no-print">{ "Enter what you know about the person. Signpost suggests a pathway; you decide." }</p>
            if has_data {
                <div class="field-row no-print">
                    <div class="field">
                        <label for="from-row">{ "Fill from a row of the data" }</label>
                        <input id="from-row" type="number" min="2" value={(*row_text).clone()} oninput={on_row_text} />
                    </div>
                    <button type="button" onclick={fill_from_row}>{ "Fill" }</button>
                </div>
            }
            <form onsubmit={suggest} aria-label="Referral" class="no-print">
                <div class="form-grid">{ for fields }</div>
                <div class="actions"><button type="submit" class="primary">{ "Suggest a pathway" }</button></div>
            </form>
            if !problems.is_empty() {
                <div class="notice error" role="alert"><ul>{ for problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul></div>
            }
            if let Some(result) = (*outcome).clone() {
                <SuggestionView model={model.clone()} outcome={result} />
            }
        </section>
    }
}

trait WithHint {
    fn with_hint(self, hint: String, id: String) -> Html;
}

impl WithHint for Html {
    fn with_hint(self, hint: String, id: String) -> Html {
        html! { <>{ self }<small id={id} class="hint">{ hint }</small></> }
    }
}

#[derive(Properties, PartialEq)]
struct SuggestionProps {
    model: TrainedModel,
    outcome: Outcome,
}

#[component]
fn SuggestionView(props: &SuggestionProps) -> Html {
    let app = use_app();
    let model = &props.model;
    let o = &props.outcome;
    let s = &o.suggestion;
    // One quantity for the suggestion, the alternative, every bar and the
    // set: confidence (successful allocations) or the chance of success if
    // referred (pathway fit).
    let fit = s.measure == Measure::Success;
    let shown = |score: Option<f64>| score.map_or_else(|| "little evidence".to_string(), pct);
    let headline = if fit {
        format!(
            "Suggested: {} (chance of success if referred: {})",
            s.top,
            shown(s.top_score())
        )
    } else {
        format!("Suggested: {} ({} confidence)", s.top, shown(s.top_score()))
    };
    let decided = use_state(|| s.top.clone());
    let reason = use_state(String::new);
    let reason_text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let recorded = use_state(|| None::<u64>);

    let score_bars: Vec<Bar> = s
        .scores
        .iter()
        .map(|(p, c)| {
            let similar = s
                .chances
                .iter()
                .find(|x| &x.pathway == p)
                .map_or(0.0, |x| x.similar_referrals);
            let text = match c {
                Some(c) => pct(*c),
                None => {
                    format!("little evidence ({similar:.0} similar referrals): no chance shown")
                }
            };
            Bar {
                label: p.clone(),
                value: c.unwrap_or(0.0),
                text: if s.prediction_set.contains(p) {
                    format!("{text} (in the 90% set)")
                } else {
                    text
                },
            }
        })
        .collect();
    let bars_title = if fit {
        "Chance of success if referred to each pathway (people like this, from past outcomes)"
            .to_string()
    } else {
        "Confidence for every pathway (calibrated probability that it is the one that works)"
            .to_string()
    };
    let reason_bars: Vec<Bar> = o
        .explanation
        .as_ref()
        .map(|e| {
            e.reasons
                .iter()
                .map(|r| Bar {
                    label: format!(
                        "{} = {}",
                        r.feature.replace('_', " "),
                        r.value.clone().unwrap_or_else(|| "missing".into())
                    ),
                    value: r.points,
                    text: format!("{:+.1} points", r.points),
                })
                .collect()
        })
        .unwrap_or_default();

    let record = {
        let app = app.clone();
        let (decided, reason, reason_text, error, recorded) = (
            decided.clone(),
            reason.clone(),
            reason_text.clone(),
            error.clone(),
            recorded.clone(),
        );
        let o = o.clone();
        let model_version = crate::oversight::versions::version_key(model);
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let s = &o.suggestion;
            let (score, measure) = DecisionRecord::stated(s);
            let time: String = js_sys::Date::new_0().to_iso_string().into();
            let followed = *decided == s.top;
            let mut rec = DecisionRecord {
                id: app.workspace.decisions.len() as u64 + 1,
                time,
                referral: o.referral.clone(),
                inputs: o.inputs.clone(),
                suggested: s.top.clone(),
                score,
                measure,
                alternative: s.alternative.clone(),
                prediction_set: s.prediction_set.clone(),
                model_version: model_version.clone(),
                decided: (*decided).clone(),
                reason: (!followed && !reason.is_empty()).then(|| (*reason).clone()),
                reason_text: (!followed && !reason_text.trim().is_empty())
                    .then(|| (*reason_text).clone()),
                outcome_success: None,
            };
            if let Err(err) = decisions::check(&rec) {
                error.set(Some(err.to_string()));
                return;
            }
            error.set(None);
            rec.id = app.workspace.decisions.len() as u64 + 1;
            let id = rec.id;
            app.dispatch(Action::Update(Box::new(move |ws| ws.decisions.push(rec))));
            app.dispatch(Action::Notify(Notice::Info(format!(
                "Decision #{id} recorded in the decision log."
            ))));
            recorded.set(Some(id));
        })
    };
    let on_decided = {
        let decided = decided.clone();
        Callback::from(move |event: Event| decided.set(form::value(&event)))
    };
    let on_reason = {
        let reason = reason.clone();
        Callback::from(move |event: Event| reason.set(form::value(&event)))
    };
    let on_reason_text = {
        let reason_text = reason_text.clone();
        Callback::from(move |event: InputEvent| reason_text.set(form::value(&event)))
    };
    let print = Callback::from(|_| {
        let _ = gloo::utils::window().print();
    });
    let overriding = *decided != s.top;

    html! {
        <section aria-labelledby="suggestion-title" class="suggestion">
            <h2 id="suggestion-title">{ headline }</h2>
            if let Some(id) = &o.referral { <p>{ format!("Referral: {id}") }</p> }
            if let Some(alt) = &s.alternative {
                <p id="alternative">{ if fit {
                    format!("Alternative: {alt} (chance of success if referred: {})", shown(s.alternative_score()))
                } else {
                    format!("Alternative: {alt} ({} confidence)", shown(s.alternative_score()))
                } }</p>
            }
            <p id="prediction-set">{ match (fit, s.prediction_set.len() == 1) {
                (false, true) => format!("90% prediction set: {} alone.", s.prediction_set[0]),
                (false, false) => format!("90% prediction set: one of {}.", s.prediction_set.join(", ")),
                (true, true) => format!("90% set: {} alone (no other pathway's chance of success is close enough; sets like this held the pathway that worked for 90% of past successful referrals).", s.prediction_set[0]),
                (true, false) => format!("90% set: {} (their chances of success are close to the top one's; sets like this held the pathway that worked for 90% of past successful referrals).", s.prediction_set.join(", ")),
            } }</p>
            <ul class="flags">
                if s.low_confidence && !fit { <li><span class="tag warn">{ "Low confidence" }</span>{ "The model is not sure: more than one pathway is plausible. Weigh the alternatives." }</li> }
                if s.low_confidence && fit { <li><span class="tag warn">{ "Close call" }</span>{ "More than one pathway has a chance of success close to the top one. Weigh the alternatives." }</li> }
                if s.unlike_training { <li><span class="tag warn">{ "Unlike the training data" }</span>{
                    format!("Values the model has not seen: {}.", s.flags.unseen.iter().chain(&s.flags.out_of_range).map(|(f, v)| format!("{f} = {v}")).collect::<Vec<_>>().join(", ")) }</li> }
                if !s.flags.imputed.is_empty() { <li><span class="tag warn">{ "Filled in" }</span>{ format!("Not known, so filled with a typical value: {}.", s.flags.imputed.join(", ")) }</li> }
                if s.weak_model { <li><span class="tag bad">{ "Weak model" }</span>{ "This model is below the quality bar." }</li> }
            </ul>
            <Bars title={bars_title} bars={score_bars} />
            if let Some(e) = &o.explanation {
                <h3>{ "Why" }</h3>
                <ol id="reasons">
                    { for e.reasons.iter().take(3).map(|r| html! { <li>{ &r.words }</li> }) }
                </ol>
                <Bars title={match e.measure {
                        Measure::Allocation => format!("Contribution of every feature to {} (points of probability; hatched bars point away)", e.pathway),
                        Measure::Success => format!("Contribution of every feature to the chance of success with {} (points; hatched bars lower it)", e.pathway),
                    }}
                    bars={reason_bars} signed={true} />
                <p class="hint">{ match e.measure {
                    Measure::Allocation => format!("Reasons are exact Shapley contributions to the forest's probability for {} ({}%), from a base of {}% for a typical referral.",
                        e.pathway, (e.probability * 100.0).round(), (e.base * 100.0).round()),
                    Measure::Success => format!("Reasons are exact Shapley contributions to the chance of success with {} ({}%), from a base of {}% for the average referral that took it.",
                        e.pathway, (e.probability * 100.0).round(), (e.base * 100.0).round()),
                } }
                    if s.mode == Mode::Fit && e.measure == Measure::Allocation { { " This model has too many features to explain the chance of success exactly, so the reasons explain which pathway similar referrals were given." } }</p>
            }
            <h3>{ "What would change it" }</h3>
            <p id="counterfactual">{ match &o.counterfactual {
                Some(cf) => format!("{}.", cf.words),
                None => "No change to one or two features that can change would make the alternative lead.".to_string(),
            } }</p>
            <crate::ui::components::services::ServicesForPathway pathway={s.top.clone()} />
            <form class="decision no-print" onsubmit={record} aria-labelledby="decision-title">
                <h3 id="decision-title">{ "Your decision" }</h3>
                <div class="field">
                    <label for="decided">{ "Pathway decided" }</label>
                    <select id="decided" onchange={on_decided}>
                        { for model.pathways.iter().map(|p| html! {
                            <option value={p.clone()} selected={*decided == *p}>{ if *p == s.top { format!("{p} (suggested)") } else { p.clone() } }</option>
                        }) }
                    </select>
                </div>
                if overriding {
                    <div class="field">
                        <label for="override-reason">{ "Reason for choosing another pathway (required)" }</label>
                        <select id="override-reason" onchange={on_reason}>
                            <option value="" selected={reason.is_empty()}>{ "choose a reason" }</option>
                            { for OVERRIDE_REASONS.iter().map(|r| html! { <option value={*r} selected={*reason == *r}>{ *r }</option> }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="override-text">{ "In your words" }</label>
                        <textarea id="override-text" rows="2" oninput={on_reason_text} value={(*reason_text).clone()} />
                    </div>
                }
                if let Some(message) = (*error).clone() { <p class="notice error" role="alert">{ message }</p> }
                <div class="actions">
                    <button type="submit" class="primary">{ if overriding { "Record decision (override)" } else { "Accept and record decision" } }</button>
                    <button type="button" onclick={print}>{ "Print suggestion sheet" }</button>
                </div>
                if let Some(id) = *recorded { <p role="status">{ format!("Recorded as decision #{id}.") }</p> }
            </form>
            <p class="print-only">{ "Suggestion made by Signpost (decision support). The final pathway is decided by the professional named in the case file." }</p>
        </section>
    }
}
