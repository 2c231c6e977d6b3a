//! The Flows screen's back-test: from a chosen date, the simulator starts
//! with the people in each state that day (and the time they had spent
//! there) and runs to the end of the data with replications, in the
//! worker; each month's simulated occupancy (mean and the range of the
//! middle 95% of replications) is set against what the log shows, per
//! state, with the mean absolute percentage error and words when the model
//! misses by more than the core's threshold.

use yew::prelude::*;

use crate::flows::{self, Backtest, BacktestOptions, DEFAULT_THRESHOLD};
use crate::jobs::flows::FlowsTask;
use crate::jobs::JobResult;
use crate::sim::MAX_REPLICATIONS;
use crate::ui::components::form;
use crate::ui::components::progress::JobProgress;
use crate::ui::jobs::use_job;
use crate::ui::screens::flows::{fmt_num, start_from_discovery, update_work};
use crate::ui::screens::flows_charts::BandChart;
use crate::ui::screens::flows_results::month_x;
use crate::ui::state::{use_app, Action, Notice};

/// Replications by default (the issue's).
const DEFAULT_REPLICATIONS: usize = 20;

/// The first of the month nearest the middle of the window.
fn default_from(window_start: &str, window_end: &str) -> String {
    match (flows::parse_day(window_start), flows::parse_day(window_end)) {
        (Some(a), Some(b)) if b > a => {
            let mid = flows::day_to_string(a + (b - a) / 2);
            let first = format!("{}-01", &mid[..7.min(mid.len())]);
            match flows::parse_day(&first) {
                Some(day) if day > a => first,
                _ => window_start.to_string(),
            }
        }
        _ => window_start.to_string(),
    }
}

#[component]
pub fn BacktestPanel() -> Html {
    let app = use_app();
    let work = app.workspace.flows.clone().unwrap_or_default();
    let (window_start, window_end) = work
        .discovery
        .as_ref()
        .map(|d| (d.window_start.clone(), d.window_end.clone()))
        .unwrap_or_default();
    let from = {
        let (a, b) = (window_start.clone(), window_end.clone());
        use_state(move || default_from(&a, &b))
    };
    let replications = use_state(|| DEFAULT_REPLICATIONS.to_string());
    let chart_state = use_state(|| 0_usize);

    let on_result = {
        let app = app.clone();
        Callback::from(move |r: Result<JobResult, String>| match r {
            Ok(JobResult::Flows(result)) => {
                if let crate::jobs::flows::FlowsResult::Backtested(b) = *result {
                    update_work(&app, move |work| work.backtest = Some(*b));
                }
            }
            Ok(_) => {}
            Err(message) => app.dispatch(Action::Notify(Notice::Error(message))),
        })
    };
    let job = use_job(on_result);

    let run = {
        let app = app.clone();
        let job = job.clone();
        let (from, replications) = (from.clone(), replications.clone());
        let (window_start, window_end) = (window_start.clone(), window_end.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(work) = app.workspace.flows.clone() else {
                return;
            };
            let checked = (|| -> Result<BacktestOptions, String> {
                let day = flows::parse_day(from.trim()).ok_or_else(|| {
                    format!("The back-test date \"{}\" is not a date: write it as YYYY-MM-DD, between {window_start} and {window_end}.", from.trim())
                })?;
                let (a, b) = (
                    flows::parse_day(&window_start),
                    flows::parse_day(&window_end),
                );
                if a.is_some_and(|a| day < a) || b.is_some_and(|b| day >= b) {
                    return Err(format!("The back-test date {} is outside the data: choose a date from {window_start} to the day before {window_end}.", from.trim()));
                }
                let reps = replications.trim().parse::<usize>().ok().filter(|r| (1..=MAX_REPLICATIONS).contains(r)).ok_or_else(|| {
                    format!("The replications \"{}\" are not usable: give a whole number from 1 to {MAX_REPLICATIONS} (20 is a good start).", replications.trim())
                })?;
                Ok(BacktestOptions {
                    from: day,
                    replications: reps,
                    seed: work.settings.discover.seed,
                    threshold: DEFAULT_THRESHOLD,
                })
            })();
            let options = match checked {
                Ok(options) => options,
                Err(message) => {
                    app.dispatch(Action::Notify(Notice::Error(message)));
                    return;
                }
            };
            start_from_discovery(
                &app,
                &job,
                |settings, discovery| FlowsTask::Backtest {
                    settings,
                    discovery,
                    options,
                },
                "Back-testing",
            );
        })
    };
    let text = |handle: &UseStateHandle<String>| {
        let h = handle.clone();
        Callback::from(move |e: InputEvent| {
            let e: Event = e.into();
            h.set(form::value(&e));
        })
    };
    let on_chart_state = {
        let chart_state = chart_state.clone();
        Callback::from(move |e: Event| {
            if let Ok(i) = form::value(&e).parse::<usize>() {
                chart_state.set(i);
            }
        })
    };

    html! {
        <div id="flows-backtest-section" role="region" aria-labelledby="flows-backtest-title">
            <h2 id="flows-backtest-title">{ "Back-test: does the model reproduce the history?" }</h2>
            <p>{ format!("From the chosen date, the simulator starts with the people who were in each state that day (with the time they had already spent there) and runs to the end of the data, {DEFAULT_REPLICATIONS} times by default. Each month's simulated occupancy is compared with what the log shows. Trust the what-ifs only if it follows the history: a miss of more than {:.0}% is called out.", DEFAULT_THRESHOLD * 100.0) }</p>
            <div class="field">
                <label for="flows-backtest-from">{ format!("Start the back-test on (between {window_start} and {window_end})") }</label>
                <input id="flows-backtest-from" type="date" min={window_start.clone()} max={window_end.clone()} value={(*from).clone()} oninput={text(&from)} />
            </div>
            <div class="field">
                <label for="flows-backtest-replications">{ "Replications (runs with different random draws)" }</label>
                <input id="flows-backtest-replications" type="number" min="1" max={MAX_REPLICATIONS.to_string()} step="1"
                    value={(*replications).clone()} oninput={text(&replications)} />
            </div>
            <div class="actions">
                <button id="flows-backtest-run" type="button" class="primary" onclick={run} disabled={job.is_running()}>{ "Run the back-test" }</button>
            </div>
            <JobProgress job={job.clone()} />
            if let Some(b) = work.backtest.clone() {
                { backtest_view(&b, *chart_state, on_chart_state) }
            }
        </div>
    }
}

fn backtest_view(b: &Backtest, chart_state: usize, on_chart_state: Callback<Event>) -> Html {
    let class = if b.trusted {
        "banner ok"
    } else {
        "banner warn"
    };
    let x: Vec<f64> = b.months.iter().map(|m| month_x(m)).collect();
    let chart = b.states.get(chart_state).or(b.states.first()).map(|s| {
        let description = format!(
            "Observed: on average {} people a month; simulated: {}. The observed value is inside the simulated 95% range in {} of {} months; the error is {:.1}%.",
            fmt_num(s.observed_mean),
            fmt_num(s.simulated_mean),
            s.months_inside,
            s.observed.len(),
            s.error * 100.0
        );
        html! {
            <BandChart title={format!("{}: observed and simulated occupancy, month by month, from {}", s.name, b.from)}
                description={description} x={x.clone()} first={b.months.first().cloned().unwrap_or_default()}
                last={b.months.last().cloned().unwrap_or_default()} observed={s.observed.clone()} simulated={s.simulated.clone()}
                lo={s.simulated_lo.clone()} hi={s.simulated_hi.clone()} />
        }
    });
    html! {
        <div id="flows-backtest">
            <p id="flows-backtest-words" class={class} role="status">
                <span class={if b.trusted { "tag ok" } else { "tag warn" }}>{ if b.trusted { "Follows the history" } else { "Misses the history" } }</span>
                { format!(" {}.", b.words) }
            </p>
            <p id="flows-backtest-mape">{ format!("Mean absolute percentage error, weighted by occupancy: {:.1}% (threshold {:.0}%), over {} months from {} to {}, {} replications.",
                b.mean_abs_pct_error * 100.0, b.threshold * 100.0, b.months.len(), b.from, b.to, b.replications) }</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Back-test table (scrolls sideways on a narrow screen)">
                <table id="flows-backtest-table">
                    <caption>{ "Per state: average monthly occupancy observed and simulated, the error and how often the observed month fell inside the simulated 95% range" }</caption>
                    <thead><tr><th scope="col">{ "State" }</th><th scope="col" class="num">{ "Observed (people)" }</th><th scope="col" class="num">{ "Simulated (people)" }</th>
                        <th scope="col" class="num">{ "Mean absolute percentage error" }</th><th scope="col" class="num">{ "Months inside the simulated 95% range" }</th></tr></thead>
                    <tbody>{ for b.states.iter().map(|s| html! {
                        <tr><th scope="row">{ &s.name }</th><td class="num">{ fmt_num(s.observed_mean) }</td><td class="num">{ fmt_num(s.simulated_mean) }</td>
                            <td class="num">{ format!("{:.1}%", s.error * 100.0) }</td><td class="num">{ format!("{} of {}", s.months_inside, s.observed.len()) }</td></tr>
                    }) }</tbody>
                </table>
            </div>
            <div class="field">
                <label for="flows-backtest-state">{ "State to chart" }</label>
                <select id="flows-backtest-state" onchange={on_chart_state}>
                    { for b.states.iter().enumerate().map(|(i, s)| html! {
                        <option value={i.to_string()} selected={i == chart_state}>{ &s.name }</option>
                    }) }
                </select>
            </div>
            { for chart }
        </div>
    }
}
