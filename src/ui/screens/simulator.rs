//! Simulator: a baseline scenario (the workspace's, or the demo's) and a
//! what-if side by side. Sliders and a table of services change the what-if;
//! "Run" simulates the baseline then the what-if in the worker and compares
//! waits, utilisation, throughput, re-routings and blocked days, with 95%
//! intervals. The what-if lives in the URL (`#simulator?s=...`) so a trainer
//! can share the link; it holds only rates, places and durations.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::jobs::{JobRequest, JobResult};
use crate::sim::{demo_scenario, Dist, Estimate, RunConfig, Scenario, SimReport};
use crate::ui::components::charts::{Lines, Series, STYLES};
use crate::ui::components::form;
use crate::ui::components::progress::JobProgress;
use crate::ui::jobs::{use_job, JobHandle};
use crate::ui::state::{use_app, Action, Notice};

/// A change to the what-if from a typed or slid value.
type Edit = Rc<dyn Fn(&mut Scenario, f64)>;

/// Which of the two chained runs is in the worker.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Idle,
    Baseline,
    WhatIf,
}

/// The `s=` value in the current URL fragment, if any.
fn fragment_param() -> Option<String> {
    let hash = gloo::utils::window().location().hash().ok()?;
    let (_, query) = hash.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("s="))
        .map(str::to_string)
}

/// People a scenario may hold (in place at the start, or in its groups'
/// pools of attributes) and still go in a link. A scenario built from an
/// event log holds thousands (the demo's: 17,000, a 3 MB link written at
/// every slider step, which made each step take over a second).
const MAX_LINK_PEOPLE: usize = 500;

/// Whether the what-if is kept in the URL (see [`MAX_LINK_PEOPLE`]).
fn shareable(scenario: &Scenario) -> bool {
    let pooled: usize = scenario.groups.iter().map(|g| g.attributes.len()).sum();
    scenario.initial.len() + pooled <= MAX_LINK_PEOPLE
}

/// Puts the what-if in the URL without adding a history entry.
fn share(scenario: &Scenario) {
    if !shareable(scenario) {
        return;
    }
    let url = format!("#simulator?s={}", scenario.to_url_fragment());
    if let Ok(history) = gloo::utils::window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Sets the mean stay of a distribution, keeping its shape.
fn set_mean(dist: &mut Dist, mean: f64) {
    let old = dist.mean();
    let ratio = if old > 0.0 { mean / old } else { 1.0 };
    match dist {
        Dist::Exp { mean: m } => *m = mean,
        Dist::Lognormal { mean: m, sd } | Dist::Gamma { mean: m, sd } => {
            *m = mean;
            *sd *= ratio;
        }
        Dist::Fixed { value } => *value = mean,
        Dist::Empirical { values } => values.iter_mut().for_each(|v| *v *= ratio),
    }
}

fn dist_kind(dist: &Dist) -> &'static str {
    match dist {
        Dist::Exp { .. } => "varies a lot (exponential)",
        Dist::Lognormal { .. } => "varies, long tail (lognormal)",
        Dist::Gamma { .. } => "varies, skewed (gamma)",
        Dist::Fixed { .. } => "always the same",
        Dist::Empirical { .. } => "drawn from observed stays",
    }
}

fn num(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// "2.31 (1.90 to 2.75)".
fn est(e: &Estimate) -> String {
    format!("{} ({} to {})", num(e.mean), num(e.lo), num(e.hi))
}

/// A wait that counts people still queued at the end is a lower bound.
fn wait(e: &Estimate, s: &crate::sim::ServiceSummary) -> String {
    if s.still_waiting.mean > 0.0 {
        format!("at least {}", est(e))
    } else {
        est(e)
    }
}

fn pct(e: &Estimate) -> String {
    format!(
        "{:.0}% ({:.0}% to {:.0}%)",
        e.mean * 100.0,
        e.lo * 100.0,
        e.hi * 100.0
    )
}

#[component]
pub fn SimulatorScreen() -> Html {
    let app = use_app();
    let baseline = app.workspace.scenario.clone().unwrap_or_else(demo_scenario);
    let whatif = {
        let baseline = baseline.clone();
        use_state(move || baseline)
    };
    // The instant demo's run is ready for its scenario when no what-if
    // came with the link (baseline = what-if until the user changes one).
    let ready = app
        .demo_simulation
        .clone()
        .filter(|r| r.scenario == baseline.name && fragment_param().is_none());
    let base_report = {
        let ready = ready.clone();
        use_state(move || ready)
    };
    let whatif_report = use_state(move || ready);
    let chart_service = use_state(|| 0_usize);
    let phase = use_mut_ref(|| Phase::Idle);
    let pending = use_mut_ref(|| None::<Scenario>);
    let job_slot: Rc<RefCell<Option<JobHandle>>> = use_mut_ref(|| None);

    let on_result = {
        let app = app.clone();
        let base_report = base_report.clone();
        let whatif_report = whatif_report.clone();
        let phase = phase.clone();
        let pending = pending.clone();
        let job_slot = job_slot.clone();
        Callback::from(move |r: Result<JobResult, String>| {
            let current = *phase.borrow();
            match r {
                Ok(JobResult::Simulated(report)) => match current {
                    Phase::Baseline => {
                        base_report.set(Some(Rc::new(*report)));
                        let next = pending.borrow_mut().take();
                        let job = job_slot.borrow().clone();
                        if let (Some(scenario), Some(job)) = (next, job) {
                            *phase.borrow_mut() = Phase::WhatIf;
                            job.start(
                                JobRequest::Simulate {
                                    scenario: Box::new(scenario),
                                    config: RunConfig::default(),
                                },
                                "Simulating the what-if (run 2 of 2)",
                            );
                        } else {
                            *phase.borrow_mut() = Phase::Idle;
                        }
                    }
                    Phase::WhatIf => {
                        *phase.borrow_mut() = Phase::Idle;
                        whatif_report.set(Some(Rc::new(*report)));
                    }
                    Phase::Idle => {}
                },
                Ok(_) => {}
                Err(message) => {
                    *phase.borrow_mut() = Phase::Idle;
                    pending.borrow_mut().take();
                    app.dispatch(Action::Notify(Notice::Error(format!(
                        "The simulation did not finish. {message}"
                    ))));
                }
            }
        })
    };
    let job = use_job(on_result);
    *job_slot.borrow_mut() = Some(job.clone());

    // Restore the what-if from a shared link once, on opening the screen.
    {
        let whatif = whatif.clone();
        let app = app.clone();
        let baseline = baseline.clone();
        use_effect_with((), move |_| {
            if let Some(fragment) = fragment_param() {
                match Scenario::from_url_fragment(&fragment) {
                    Ok(scenario) => whatif.set(scenario),
                    Err(e) => {
                        whatif.set(baseline);
                        app.dispatch(Action::Notify(Notice::Error(format!(
                            "The what-if from the link was not loaded, so it starts as the baseline: {e}."
                        ))));
                    }
                }
            }
        });
    }

    // Every change goes through here: the new what-if is kept and shared.
    let change = {
        let whatif = whatif.clone();
        move |edit: Box<dyn FnOnce(&mut Scenario)>| {
            let mut next = (*whatif).clone();
            edit(&mut next);
            share(&next);
            whatif.set(next);
        }
    };
    let on_change = {
        let change = change.clone();
        move |edit: Edit| {
            let change = change.clone();
            Callback::from(move |event: Event| {
                if let Some(v) = form::number(&event) {
                    let edit = edit.clone();
                    change(Box::new(move |s: &mut Scenario| edit(s, v)));
                }
            })
        }
    };
    let on_input = {
        let on_change = on_change.clone();
        move |edit: Edit| {
            let cb = on_change(edit);
            Callback::from(move |event: InputEvent| cb.emit(event.into()))
        }
    };

    let run = {
        let app = app.clone();
        let whatif = whatif.clone();
        let baseline = baseline.clone();
        let job = job.clone();
        let phase = phase.clone();
        let pending = pending.clone();
        let base_report = base_report.clone();
        let whatif_report = whatif_report.clone();
        Callback::from(move |_| {
            if let Err(e) = baseline.check() {
                app.dispatch(Action::Notify(Notice::Error(format!(
                    "The baseline scenario cannot run: {e}."
                ))));
                return;
            }
            if let Err(e) = whatif.check() {
                app.dispatch(Action::Notify(Notice::Error(format!(
                    "The what-if scenario cannot run: {e}."
                ))));
                return;
            }
            share(&whatif);
            base_report.set(None);
            whatif_report.set(None);
            *pending.borrow_mut() = Some((*whatif).clone());
            *phase.borrow_mut() = Phase::Baseline;
            job.start(
                JobRequest::Simulate {
                    scenario: Box::new(baseline.clone()),
                    config: RunConfig::default(),
                },
                "Simulating the baseline (run 1 of 2)",
            );
        })
    };
    let reset = {
        let change = change.clone();
        let baseline = baseline.clone();
        Callback::from(move |_| {
            let baseline = baseline.clone();
            change(Box::new(move |s: &mut Scenario| *s = baseline));
        })
    };
    let model_accuracy = app
        .workspace
        .model
        .as_ref()
        .map(|m| m.report.metrics.balanced_accuracy)
        .filter(|a| a.is_finite());
    let use_model = {
        let change = change.clone();
        Callback::from(move |_| {
            if let Some(a) = model_accuracy {
                change(Box::new(move |s: &mut Scenario| {
                    s.triage.accuracy = (a * 100.0).round().clamp(50.0, 100.0) / 100.0
                }));
            }
        })
    };

    let w = (*whatif).clone();
    let running = job.is_running();

    // Demand sliders.
    let demand = {
        let mut rows = Vec::new();
        if let Some(total) = w.arrivals {
            let base = baseline.arrivals.unwrap_or(total).max(1.0);
            let max = (base * 3.0).max(total).ceil();
            let edit: Edit = Rc::new(|s: &mut Scenario, v| s.arrivals = Some(v.max(0.0)));
            rows.push(html! {
                <div class="slider">
                    <label for="sim-arrivals">{ "Arrivals per week (all groups)" }</label>
                    <input id="sim-arrivals" type="range" min="0" max={max.to_string()} step="0.5"
                        value={total.to_string()} oninput={on_input(edit.clone())} onchange={on_change(edit)} />
                    <output for="sim-arrivals">{ format!("{} people a week", num(total)) }</output>
                </div>
            });
        }
        for (gi, group) in w.groups.iter().enumerate() {
            let Some(rate) = group.rate else { continue };
            let base = baseline
                .groups
                .iter()
                .find(|g| g.name == group.name)
                .and_then(|g| g.rate)
                .unwrap_or(rate)
                .max(1.0);
            let max = (base * 3.0).max(rate).ceil();
            let id = format!("sim-rate-{gi}");
            let edit: Edit = Rc::new(move |s: &mut Scenario, v| {
                if let Some(g) = s.groups.get_mut(gi) {
                    g.rate = Some(v.max(0.0));
                }
            });
            rows.push(html! {
                <div class="slider">
                    <label for={id.clone()}>{ format!("{}: arrivals per week", group.name) }</label>
                    <input id={id.clone()} type="range" min="0" max={max.to_string()} step="0.1"
                        data-group={group.name.clone()}
                        value={rate.to_string()} oninput={on_input(edit.clone())} onchange={on_change(edit)} />
                    <output for={id}>{ format!("{} people a week", num(rate)) }</output>
                </div>
            });
        }
        rows
    };

    // Capacity and stay sliders per service.
    let service_sliders = w.services.iter().enumerate().map(|(si, service)| {
        let base = baseline.services.iter().find(|b| b.name == service.name);
        let base_places = base.map(|b| b.places).unwrap_or(service.places);
        let max_places = (base_places * 3).max(10).max(service.places);
        let base_stay = base.map(|b| b.stay.mean()).unwrap_or(service.stay.mean()).max(0.1);
        let stay = service.stay.mean();
        let max_stay = (base_stay * 3.0).max(stay).max(1.0).ceil();
        let places_id = format!("sim-places-{si}");
        let stay_id = format!("sim-stay-{si}");
        let edit_places: Edit = Rc::new(move |s: &mut Scenario, v| {
            if let Some(svc) = s.services.get_mut(si) {
                svc.places = v.round().clamp(1.0, 100_000.0) as u32;
            }
        });
        let edit_stay: Edit = Rc::new(move |s: &mut Scenario, v| {
            if let Some(svc) = s.services.get_mut(si) {
                set_mean(&mut svc.stay, v.max(0.01));
            }
        });
        html! {
            <fieldset class="sim-service">
                <legend>{ &service.name }</legend>
                <div class="slider">
                    <label for={places_id.clone()}>{ format!("{}: places", service.name) }</label>
                    <input id={places_id.clone()} type="range" min="1" max={max_places.to_string()} step="1"
                        data-service={service.name.clone()} data-field="places"
                        value={service.places.to_string()} oninput={on_input(edit_places.clone())} onchange={on_change(edit_places)} />
                    <output for={places_id}>{ format!("{} places (baseline {base_places})", service.places) }</output>
                </div>
                <div class="slider">
                    <label for={stay_id.clone()}>{ format!("{}: mean stay in weeks", service.name) }</label>
                    <input id={stay_id.clone()} type="range" min="0.1" max={max_stay.to_string()} step="0.1"
                        data-service={service.name.clone()} data-field="stay"
                        value={stay.to_string()} oninput={on_input(edit_stay.clone())} onchange={on_change(edit_stay)} />
                    <output for={stay_id}>{ format!("{} weeks (baseline {})", num(stay), num(base_stay)) }</output>
                </div>
            </fieldset>
        }
    });

    // The editable table of services (typed values).
    let covered = |name: &str| {
        w.move_model
            .as_ref()
            .is_some_and(|m| m.states.iter().any(|st| st.from == name))
    };
    let service_rows = w.services.iter().enumerate().map(|(si, service)| {
        let places_id = format!("sim-table-places-{si}");
        let stay_id = format!("sim-table-stay-{si}");
        let edit_places: Edit = Rc::new(move |s: &mut Scenario, v| {
            if let Some(svc) = s.services.get_mut(si) {
                svc.places = v.round().clamp(0.0, 100_000.0) as u32;
            }
        });
        let edit_stay: Edit = Rc::new(move |s: &mut Scenario, v| {
            if let Some(svc) = s.services.get_mut(si) {
                set_mean(&mut svc.stay, v.max(0.0));
            }
        });
        html! {
            <tr>
                <th scope="row">{ &service.name }</th>
                <td><label class="visually-hidden" for={places_id.clone()}>{ format!("{}: places", service.name) }</label>
                    <input id={places_id} type="number" min="0" step="1" class="num" value={service.places.to_string()} onchange={on_change(edit_places)} /></td>
                <td><label class="visually-hidden" for={stay_id.clone()}>{ format!("{}: mean stay in weeks", service.name) }</label>
                    <input id={stay_id} type="number" min="0" step="0.1" class="num" value={num(service.stay.mean())} onchange={on_change(edit_stay)} /></td>
                <td>{ dist_kind(&service.stay) }</td>
                <td>{ if covered(&service.name) { "drawn from the learned model of moves".to_string() } else if service.next.is_empty() { "leave".to_string() } else {
                    service.next.iter().map(|m| format!("{} {:.0}%", m.to, m.p * 100.0)).collect::<Vec<_>>().join(", ") } }</td>
            </tr>
        }
    });

    let accuracy_edit: Edit =
        Rc::new(|s: &mut Scenario, v| s.triage.accuracy = (v / 100.0).clamp(0.5, 1.0));
    let delay_edit: Edit = Rc::new(|s: &mut Scenario, v| s.triage.delay = v.max(0.0));
    let accuracy_pct = (w.triage.accuracy * 100.0).round();
    let max_delay = (baseline.triage.delay * 3.0)
        .max(26.0)
        .max(w.triage.delay)
        .ceil();

    let on_chart_service = {
        let chart_service = chart_service.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                if let Ok(i) = select.value().parse::<usize>() {
                    chart_service.set(i);
                }
            }
        })
    };

    let results = match ((*base_report).clone(), (*whatif_report).clone()) {
        (Some(b), Some(wr)) => results_view(&b, &wr, *chart_service, on_chart_service),
        _ => html! {},
    };

    html! {
        <section aria-labelledby="simulator-title">
            <h1 id="simulator-title">{ "Simulator" }</h1>
            <p>{ "Try a change to the system before making it: compare the " }<strong>{ "baseline" }</strong>
                { " (the scenario as it is) with a " }<strong>{ "what-if" }</strong>
                { " (your changes). Each run repeats the simulation 20 times with different random arrivals, so every figure comes with a 95% interval: the range the true value very likely lies in." }</p>
            <p class="hint">{ format!("Baseline: {} ({} weeks, the first {} weeks are a warm-up that is not counted). {}",
                baseline.name, num(baseline.weeks), num(baseline.warmup),
                if shareable(&w) {
                    "The what-if is kept in this page's address, so you can share the link; it holds only rates, places and durations, never anything about a person."
                } else {
                    "This scenario holds the people in each service at the start (built from an event log), so the what-if is not put in the page's address: a link would be megabytes long and would carry their details. It stays in this page while it is open."
                }) }</p>

            <div class="sim-controls">
                <h2 id="sim-demand-title">{ "Demand" }</h2>
                { for demand }

                <h2 id="sim-triage-title">{ "Triage" }</h2>
                <div class="slider">
                    <label for="sim-accuracy">{ "Triage accuracy: share of people sent to their right pathway first time" }</label>
                    <input id="sim-accuracy" type="range" min="50" max="100" step="1" value={accuracy_pct.to_string()}
                        oninput={on_input(accuracy_edit.clone())} onchange={on_change(accuracy_edit)} />
                    <output for="sim-accuracy">{ format!("{accuracy_pct:.0}% (baseline {:.0}%)", baseline.triage.accuracy * 100.0) }</output>
                </div>
                <div class="actions">
                    <button id="use-model-accuracy" type="button" disabled={model_accuracy.is_none()}
                        aria-describedby="use-model-accuracy-hint" onclick={use_model}>{ "Use the model's accuracy" }</button>
                    <span id="use-model-accuracy-hint" class="hint">{ match model_accuracy {
                        Some(a) => format!("Sets triage accuracy to the trained model's balanced accuracy, {:.0}%.", a * 100.0),
                        None => "There is no trained model yet; train one on the Model screen to use its accuracy here.".to_string(),
                    } }</span>
                </div>
                <div class="slider">
                    <label for="sim-delay">{ "Re-routing delay: weeks until someone sent to the wrong pathway is found and moved" }</label>
                    <input id="sim-delay" type="range" min="0" max={max_delay.to_string()} step="0.5" value={w.triage.delay.to_string()}
                        oninput={on_input(delay_edit.clone())} onchange={on_change(delay_edit)} />
                    <output for="sim-delay">{ format!("{} weeks (baseline {})", num(w.triage.delay), num(baseline.triage.delay)) }</output>
                </div>

                <h2 id="sim-capacity-title">{ "Capacity and length of stay" }</h2>
                { for service_sliders }
            </div>

            <div class="table-wrap" tabindex="0" role="region" aria-label="Services table (scrolls sideways on a narrow screen)">
                <table id="sim-services">
                    <caption>{ "What-if services: type exact values here" }</caption>
                    <thead><tr><th scope="col">{ "Service" }</th><th scope="col">{ "Places" }</th><th scope="col">{ "Mean stay (weeks)" }</th>
                        <th scope="col">{ "How stays vary" }</th><th scope="col">{ "Where people go next" }</th></tr></thead>
                    <tbody>{ for service_rows }</tbody>
                </table>
            </div>

            <div class="actions">
                <button id="sim-run" type="button" class="primary" onclick={run} disabled={running}>{ "Run baseline and what-if" }</button>
                <button id="sim-reset" type="button" onclick={reset} disabled={running}>{ "Reset the what-if to the baseline" }</button>
            </div>
            <JobProgress job={job.clone()} />
            { results }
        </section>
    }
}

fn results_view(
    b: &SimReport,
    w: &SimReport,
    chart_service: usize,
    on_chart_service: Callback<Event>,
) -> Html {
    let pair = |name: &str| {
        (
            b.services.iter().find(|s| s.name == name),
            w.services.iter().find(|s| s.name == name),
        )
    };
    let dash = "–".to_string();
    let rows = w.services.iter().map(|ws| {
        let (bs, _) = pair(&ws.name);
        let cell = |f: &dyn Fn(&crate::sim::ServiceSummary) -> String| bs.map(f).unwrap_or_else(|| dash.clone());
        html! {
            <tr>
                <th scope="row">{ &ws.name }</th>
                <td class="num">{ cell(&|s| wait(&s.mean_wait, s)) }</td><td class="num">{ wait(&ws.mean_wait, ws) }</td>
                <td class="num">{ cell(&|s| wait(&s.p90_wait, s)) }</td><td class="num">{ wait(&ws.p90_wait, ws) }</td>
                <td class="num">{ cell(&|s| est(&s.queue_at_end)) }</td><td class="num">{ est(&ws.queue_at_end) }</td>
                <td class="num">{ cell(&|s| pct(&s.utilisation)) }</td><td class="num">{ pct(&ws.utilisation) }</td>
                <td class="num">{ cell(&|s| est(&s.throughput_per_week)) }</td><td class="num">{ est(&ws.throughput_per_week) }</td>
                <td class="num">{ cell(&|s| est(&s.blocked_days_per_year)) }</td><td class="num">{ est(&ws.blocked_days_per_year) }</td>
            </tr>
        }
    });
    let summary_row = |label: &str, f: &dyn Fn(&SimReport) -> &Estimate| {
        html! { <tr><th scope="row">{ label }</th><td class="num">{ est(f(b)) }</td><td class="num">{ est(f(w)) }</td></tr> }
    };
    // The interval chart: mean wait per service, baseline and what-if.
    let mut bars = Vec::new();
    for ws in &w.services {
        if let Some(bs) = b.services.iter().find(|s| s.name == ws.name) {
            bars.push((format!("{} (baseline)", ws.name), bs.mean_wait, false));
        }
        bars.push((format!("{} (what-if)", ws.name), ws.mean_wait, true));
    }
    let series = w
        .series
        .services
        .get(chart_service)
        .or(w.series.services.first());
    let bin = w.series.bin_weeks;
    let lines = series.map(|s| {
        let points = |v: &[f64]| v.iter().enumerate().map(|(i, y)| (i as f64 * bin, *y)).collect::<Vec<_>>();
        let (c0, d0) = STYLES[0];
        let (c1, d1) = STYLES[1];
        let peak = |v: &[f64]| v.iter().copied().fold(0.0_f64, f64::max);
        html! {
            <Lines title={format!("{}: queue and occupancy over time (what-if)", s.name)} x_label="Week" y_label="People"
                shade_until={Some(w.series.warmup_bins as f64 * bin)}
                description={format!("The queue (solid line) peaks at {} people waiting; occupancy (dashed line) peaks at {} people in {}'s places. The shaded start is the warm-up, not counted.",
                    num(peak(&s.queue)), num(peak(&s.occupancy)), s.name)}
                series={vec![
                    Series { name: "Waiting (queue)".into(), points: points(&s.queue), dash: d0, colour: c0 },
                    Series { name: "In a place".into(), points: points(&s.occupancy), dash: d1, colour: c1 },
                ]} />
        }
    });
    // Queues that grow without limit, said first and in words.
    let unstable: Vec<String> = [(w, "What-if"), (b, "Baseline")]
        .into_iter()
        .flat_map(|(r, which)| {
            r.services
                .iter()
                .filter_map(move |s| s.unstable.as_ref().map(|u| format!("{which}: {u}.")))
        })
        .collect();
    let unstable = if unstable.is_empty() {
        html! {}
    } else {
        html! {
            <div id="sim-unstable">
                { for unstable.iter().map(|u| html! { <p class="banner warn"><span class="tag warn">{ "Unstable" }</span>{ u }</p> }) }
                <p class="hint">{ "An unstable queue has no typical wait: it gets longer the longer the run, so its waits are only how long people had waited when the run ended." }</p>
            </div>
        }
    };
    let bottlenecks = |r: &SimReport, id: &str, which: &str| {
        if r.bottlenecks.is_empty() {
            html! { <p id={format!("{id}-none")}>{ format!("No bottleneck in the {which}: no service is nearly always full.") }</p> }
        } else {
            html! { <ul id={id.to_string()}>{ for r.bottlenecks.iter().map(|bn| html! { <li>{ &bn.sentence }</li> }) }</ul> }
        }
    };
    html! {
        <div id="sim-results" aria-labelledby="sim-results-title" role="region">
            <h2 id="sim-results-title">{ "Results: baseline and what-if" }</h2>
            <p class="hint">{ format!("Waits are in weeks. Each figure is the mean of {} runs with its 95% interval in brackets. People still queued when a run ends count with the time they had waited so far, so where anyone was, the wait is \"at least\" the figure shown.", w.replications) }</p>
            { unstable }
            <h3 id="sim-bottlenecks-title">{ "Bottlenecks" }</h3>
            <h4>{ "What-if" }</h4>
            { bottlenecks(w, "bottlenecks-whatif", "what-if") }
            <h4>{ "Baseline" }</h4>
            { bottlenecks(b, "bottlenecks-baseline", "baseline") }
            <div class="table-wrap" tabindex="0" role="region" aria-label="Results per service (scrolls sideways on a narrow screen)">
                <table id="sim-results-table">
                    <caption>{ "Per service: baseline then what-if, mean with 95% interval" }</caption>
                    <thead>
                        <tr><th scope="col" rowspan="2">{ "Service" }</th>
                            <th scope="colgroup" colspan="2">{ "Mean wait (weeks)" }</th>
                            <th scope="colgroup" colspan="2">{ "90th percentile wait (weeks): 9 in 10 wait less" }</th>
                            <th scope="colgroup" colspan="2">{ "Still queued when the run ends (people)" }</th>
                            <th scope="colgroup" colspan="2">{ "Utilisation: share of places taken" }</th>
                            <th scope="colgroup" colspan="2">{ "Throughput (people leaving per week)" }</th>
                            <th scope="colgroup" colspan="2">{ "Blocked days a year (people ready to move on but waiting here)" }</th></tr>
                        <tr>{ for (0..6).map(|_| html! { <><th scope="col">{ "Baseline" }</th><th scope="col">{ "What-if" }</th></> }) }</tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Whole-system results (scrolls sideways on a narrow screen)">
                <table id="sim-summary-table">
                    <caption>{ "Whole system" }</caption>
                    <thead><tr><th scope="col">{ "Measure" }</th><th scope="col">{ "Baseline" }</th><th scope="col">{ "What-if" }</th></tr></thead>
                    <tbody>
                        { summary_row("Arrivals per week", &|r| &r.summary.arrivals_per_week) }
                        { summary_row("People leaving per week", &|r| &r.summary.exits_per_week) }
                        { summary_row("Re-routings a year (people moved after triage sent them to the wrong pathway)", &|r| &r.summary.reroutes_per_year) }
                        { summary_row("Weeks lost to re-routing a year", &|r| &r.summary.reroute_weeks_per_year) }
                        { summary_row("Blocked days a year, all services", &|r| &r.summary.blocked_days_per_year) }
                    </tbody>
                </table>
            </div>
            <IntervalBars title="Mean wait per service in weeks, baseline and what-if, with 95% intervals" bars={bars} />
            <h3 id="sim-series-title">{ "Over time (what-if)" }</h3>
            <div class="field">
                <label for="sim-series-service">{ "Service to show" }</label>
                <select id="sim-series-service" onchange={on_chart_service}>
                    { for w.series.services.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={i == chart_service}>{ &s.name }</option>
                    }) }
                </select>
            </div>
            { for lines }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct IntervalBarsProps {
    title: AttrValue,
    /// Label, estimate, and whether it is the what-if (drawn hatched).
    bars: Vec<(String, Estimate, bool)>,
}

/// Horizontal bars for means with a line and end ticks for the 95% interval.
/// What-if bars are hatched and labelled, so the two differ by more than colour.
#[component]
fn IntervalBars(props: &IntervalBarsProps) -> Html {
    let (label_w, plot_w, text_w, row_h) = (260.0, 300.0, 200.0, 22.0);
    let height = row_h * props.bars.len() as f64 + 8.0;
    let max = props
        .bars
        .iter()
        .map(|(_, e, _)| e.hi.max(e.mean))
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let sx = |v: f64| label_w + (v.max(0.0) / max).min(1.0) * plot_w;
    let summary = props
        .bars
        .iter()
        .map(|(l, e, _)| format!("{l}: {}", est(e)))
        .collect::<Vec<_>>()
        .join("; ");
    let total_w = label_w + plot_w + text_w;
    html! {
        <figure>
            <svg role="img" aria-label={format!("{}. {summary}", props.title)} width={total_w.to_string()} height={height.to_string()}
                viewBox={format!("0 0 {total_w} {height}")}>
                <defs>
                    <pattern id="sim-hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
                        <rect width="6" height="6" fill="#b3541e" />
                        <line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2" />
                    </pattern>
                </defs>
                { for props.bars.iter().enumerate().map(|(i, (label, e, whatif))| {
                    let y = i as f64 * row_h + 4.0;
                    let mid = y + (row_h - 8.0) / 2.0;
                    let fill = if *whatif { "url(#sim-hatch)" } else { "#1d4f91" };
                    html! {
                        <g>
                            <text x={(label_w - 6.0).to_string()} y={(y + 13.0).to_string()} text-anchor="end" font-size="12">{ label }</text>
                            <rect x={label_w.to_string()} y={y.to_string()} width={(sx(e.mean) - label_w).max(1.0).to_string()} height={(row_h - 8.0).to_string()} fill={fill} />
                            <line x1={sx(e.lo).to_string()} x2={sx(e.hi).to_string()} y1={mid.to_string()} y2={mid.to_string()} stroke="#1b1f24" stroke-width="2" />
                            <line x1={sx(e.lo).to_string()} x2={sx(e.lo).to_string()} y1={(mid - 5.0).to_string()} y2={(mid + 5.0).to_string()} stroke="#1b1f24" stroke-width="2" />
                            <line x1={sx(e.hi).to_string()} x2={sx(e.hi).to_string()} y1={(mid - 5.0).to_string()} y2={(mid + 5.0).to_string()} stroke="#1b1f24" stroke-width="2" />
                            <text x={(label_w + plot_w + 6.0).to_string()} y={(y + 13.0).to_string()} font-size="12">{ est(e) }</text>
                        </g>
                    }
                }) }
            </svg>
            <figcaption>{ format!("{} Solid bars: baseline; hatched bars: what-if; the black line with end marks is the 95% interval.", props.title) }</figcaption>
        </figure>
    }
}
