//! The Flows screen's results in tables and words: the quality report, the
//! states (honest and naive mean stays side by side, with why they differ),
//! arrivals, occupancy with editable places, moves for everyone and per
//! segment, the move model and the segments. The process map and the charts
//! are in `flows_charts.rs`.

use yew::prelude::*;

use crate::flows::{Discovery, LogQuality, MoveCount, StateSummary, EXIT};
use crate::ui::components::charts::{Lines, Series, STYLES};
use crate::ui::components::form::{self, pct};
use crate::ui::screens::flows::{fmt_count, fmt_num, update_work};
use crate::ui::screens::flows_charts::ProcessMap;
use crate::ui::state::use_app;

#[derive(Properties, PartialEq)]
pub struct ResultsProps {
    pub quality: LogQuality,
    pub discovery: Discovery,
    /// Places as edited (state, places).
    pub places: Vec<(String, u32)>,
}

/// The heading of each quality issue, by its code.
fn issue_title(kind: &str) -> &'static str {
    match kind {
        "end_before_start" => "End before start",
        "overlap" => "Overlapping stays of one person",
        "near_duplicate_state" => "State names written in more than one way",
        "gap" => "People with a gap between stays",
        "no_person" => "Rows without a person",
        "no_state" => "Rows without a state",
        "no_start" => "Rows without a start date",
        "future_date" => "Dates in the future",
        "before_window" => "Stays that ended before the start of the data",
        "attribute_changes" => "Person columns that change between rows",
        "open_then_more" => "Open stays followed by more stays",
        _ => "Other problem",
    }
}

fn name_or_exit(name: &str) -> String {
    if name == EXIT {
        "Leaves (exit)".into()
    } else {
        name.to_string()
    }
}

/// Why the honest mean differs from the naive one, where it does.
fn stay_sentence(s: &StateSummary) -> Option<String> {
    let (honest, naive) = (s.mean_stay_weeks?, s.naive_mean_stay_weeks);
    let open = format!(
        "{} of its {} stays ({}) were still open when the data ends",
        fmt_count(s.censored),
        fmt_count(s.stays),
        pct(s.censored as f64 / s.stays.max(1) as f64)
    );
    match naive {
        None => Some(format!(
            "{}: no stay has ended, so there is no naive mean; {open}, and the {} weeks come from the fitted distribution only.",
            s.name,
            fmt_num(honest)
        )),
        Some(naive) if naive > 0.0 && honest > naive * 1.05 => Some(format!(
            "{}: the honest mean stay is {} weeks, {:.1} times the naive {} weeks. {open}; the naive mean counts only stays that ended, which are the shorter ones, so it runs low.",
            s.name,
            fmt_num(honest),
            honest / naive,
            fmt_num(naive)
        )),
        Some(naive) if naive > 0.0 && honest < naive * 0.95 => Some(format!(
            "{}: the honest mean stay is {} weeks, below the naive {} weeks. {} of its stays were under way when the data begin (carried in), and stays under way on any one day are the longer ones; the honest mean allows for that, the naive mean does not.",
            s.name,
            fmt_num(honest),
            fmt_num(naive),
            fmt_count(s.carried_in)
        )),
        _ => None,
    }
}

fn quality_view(q: &LogQuality) -> Html {
    html! {
        <div id="flows-quality" role="region" aria-labelledby="flows-quality-title">
            <h2 id="flows-quality-title">{ "Quality of the log" }</h2>
            <p id="flows-quality-summary">{ format!("{} rows read; {} stays used, of {} people in {} states.",
                fmt_count(q.rows_read), fmt_count(q.stays_used), fmt_count(q.people), q.states) }</p>
            if q.issues.is_empty() {
                <p id="flows-quality-none">{ "No problems found: no end before a start, no overlapping stays, no state written two ways, no gaps, no rows without a person and no future dates." }</p>
            } else {
                <ul class="findings" id="flows-quality-issues">
                    { for q.issues.iter().map(|issue| html! {
                        <li data-kind={issue.kind.clone()}>
                            <strong>{ format!("{} ({}): ", issue_title(&issue.kind), fmt_count(issue.count)) }</strong>
                            { &issue.message }
                            if !issue.rows.is_empty() {
                                { format!(" Rows, as a spreadsheet numbers them: {}{}.",
                                    issue.rows.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", "),
                                    if issue.count > issue.rows.len() { ", …" } else { "" }) }
                            }
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}

fn states_view(
    d: &Discovery,
    places: &[(String, u32)],
    on_places: &Callback<(String, u32)>,
) -> Html {
    let mut sentences: Vec<String> = d.states.iter().filter_map(stay_sentence).collect();
    let close: Vec<&str> = d
        .states
        .iter()
        .filter(|s| stay_sentence(s).is_none() && s.mean_stay_weeks.is_some())
        .map(|s| s.name.as_str())
        .collect();
    if !close.is_empty() {
        sentences.push(format!(
            "{}: the honest and naive means are within 5% of each other. Either few stays were still open at the end, or the long stays still open (which the naive mean leaves out) are balanced by long stays begun before the data and ended within it (which the naive mean counts in full).",
            close.join(", ")
        ));
    }
    let rows = d.states.iter().enumerate().map(|(i, s)| {
        let current = places.iter().find(|(n, _)| *n == s.name).map_or(s.places, |p| p.1);
        let id = format!("flows-places-{i}");
        let onchange = {
            let on_places = on_places.clone();
            let name = s.name.clone();
            Callback::from(move |e: Event| {
                if let Some(v) = form::number(&e) {
                    on_places.emit((name.clone(), v.round().clamp(1.0, 1_000_000.0) as u32));
                }
            })
        };
        html! {
            <tr>
                <th scope="row">{ &s.name }</th>
                <td class="num">{ fmt_count(s.stays) }</td>
                <td class="num">{ format!("{} ({})", fmt_count(s.censored), pct(s.censored as f64 / s.stays.max(1) as f64)) }</td>
                <td class="num">{ fmt_count(s.carried_in) }</td>
                <td class="num">{ s.mean_stay_weeks.map_or("not known".into(), fmt_num) }</td>
                <td class="num">{ s.naive_mean_stay_weeks.map_or("no stay ended".into(), fmt_num) }</td>
                <td>{ &s.fit.words }</td>
                <td class="num">{ fmt_num(s.mean_occupancy) }</td>
                <td class="num">{ fmt_count(s.places as usize) }</td>
                <td>
                    <label class="visually-hidden" for={id.clone()}>{ format!("Places for {} in the simulator", s.name) }</label>
                    <input id={id} type="number" min="1" step="1" class="num" data-state={s.name.clone()}
                        value={current.to_string()} onchange={onchange} />
                </td>
            </tr>
        }
    });
    html! {
        <>
            <h2 id="flows-states-title">{ "States and stays" }</h2>
            <p class="hint">{ "The honest mean stay accounts for stays still open when the data ends (censored) and for stays begun before it (carried in): it comes from the distribution fitted to every stay, ended or not. The naive mean averages only the stays that ended. Times are in weeks." }</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="States table (scrolls sideways on a narrow screen)">
                <table id="flows-states">
                    <caption>{ "Each state: stays, honest and naive mean stay, fitted distribution, occupancy and places" }</caption>
                    <thead><tr>
                        <th scope="col">{ "State" }</th>
                        <th scope="col" class="num">{ "Stays" }</th>
                        <th scope="col" class="num">{ "Still there at the end (censored)" }</th>
                        <th scope="col" class="num">{ "Carried in (begun before the data)" }</th>
                        <th scope="col" class="num">{ "Honest mean stay, weeks (censoring-aware)" }</th>
                        <th scope="col" class="num">{ "Naive mean of ended stays, weeks" }</th>
                        <th scope="col">{ "Fitted distribution and how well it fits" }</th>
                        <th scope="col" class="num">{ "Average people there" }</th>
                        <th scope="col" class="num">{ "Most people on one day" }</th>
                        <th scope="col">{ "Places for the simulator" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            <p class="hint">{ "Places start at the most people seen on one day; change them here before the back-test or \"Use in the simulator\"." }</p>
            if !sentences.is_empty() {
                <ul id="flows-stay-words">{ for sentences.iter().map(|s| html! { <li>{ s }</li> }) }</ul>
            }
        </>
    }
}

/// "2019-03" as a year with a fraction, for the x axis.
pub fn month_x(month: &str) -> f64 {
    let mut parts = month.split('-');
    let year = parts
        .next()
        .and_then(|y| y.parse::<f64>().ok())
        .unwrap_or(0.0);
    let m = parts
        .next()
        .and_then(|m| m.parse::<f64>().ok())
        .unwrap_or(1.0);
    year + (m - 1.0) / 12.0
}

fn trend_words(per_year: f64, per_week: f64) -> String {
    if per_week <= 0.0 || (per_year.abs() / per_week) < 0.02 {
        "about flat".into()
    } else if per_year > 0.0 {
        format!("rising by {} a week each year", fmt_num(per_year))
    } else {
        format!("falling by {} a week each year", fmt_num(-per_year))
    }
}

fn arrivals_view(d: &Discovery) -> Html {
    let months = &d.series.months;
    let series: Vec<Series> = d
        .series
        .states
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (colour, dash) = STYLES[i % STYLES.len()];
            Series {
                name: s.name.clone(),
                points: months
                    .iter()
                    .zip(&s.occupancy)
                    .map(|(m, v)| (month_x(m), *v))
                    .collect(),
                dash,
                colour,
            }
        })
        .collect();
    let description = d
        .states
        .iter()
        .map(|s| {
            format!(
                "{}: on average {} people, at most {}",
                s.name,
                fmt_num(s.mean_occupancy),
                s.places
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <>
            <h2 id="flows-arrivals-title">{ "Arrivals" }</h2>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Arrivals table (scrolls sideways on a narrow screen)">
                <table id="flows-arrivals">
                    <caption>{ "Where people enter the system: arrivals per week over the whole window, and the trend of a straight line through the monthly rates" }</caption>
                    <thead><tr><th scope="col">{ "State" }</th><th scope="col" class="num">{ "Arrivals per week" }</th><th scope="col">{ "Trend" }</th></tr></thead>
                    <tbody>{ for d.arrivals.iter().map(|a| html! {
                        <tr><th scope="row">{ &a.state }</th><td class="num">{ fmt_num(a.per_week) }</td><td>{ trend_words(a.trend_per_year, a.per_week) }</td></tr>
                    }) }</tbody>
                </table>
            </div>
            <h2 id="flows-occupancy-title">{ "Occupancy over time" }</h2>
            <Lines title="People in each state, month by month (mean per day), as observed" x_label="Year" y_label="People"
                description={description} series={series} />
        </>
    }
}

/// A table of moves: every move out of a state, shares of its ended stays.
pub fn moves_table(id: &str, caption: &str, moves: &[MoveCount]) -> Html {
    let mut froms: Vec<&str> = Vec::new();
    for m in moves {
        if !froms.contains(&m.from.as_str()) {
            froms.push(&m.from);
        }
    }
    let rows = froms.into_iter().map(|from| {
        let out: Vec<&MoveCount> = moves.iter().filter(|m| m.from == from).collect();
        let total: usize = out.iter().map(|m| m.count).sum();
        html! {
            <>
                { for out.iter().map(|m| html! {
                    <tr><th scope="row">{ &m.from }</th><td>{ name_or_exit(&m.to) }</td>
                        <td class="num">{ fmt_count(m.count) }</td><td class="num">{ format!("{:.1}%", m.share * 100.0) }</td></tr>
                }) }
                <tr class="subtotal"><th scope="row">{ format!("{from}: all ended stays") }</th><td>{ "" }</td>
                    <td class="num">{ fmt_count(total) }</td><td class="num">{ "100%" }</td></tr>
            </>
        }
    });
    html! {
        <div class="table-wrap" tabindex="0" role="region" aria-label={format!("{caption} (scrolls sideways on a narrow screen)")}>
            <table id={id.to_string()}>
                <caption>{ caption }</caption>
                <thead><tr><th scope="col">{ "From" }</th><th scope="col">{ "To" }</th><th scope="col" class="num">{ "Moves" }</th>
                    <th scope="col" class="num">{ "Share of the ended stays in the state it leaves" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

fn move_model_view(d: &Discovery) -> Html {
    let Some(m) = &d.move_model else {
        return html! {
            <p id="flows-move-model-none">{ "No move model: tick person columns and \"Learn the move model\" above, then discover again, to learn who moves where from their characteristics." }</p>
        };
    };
    let loss = &m.held_out_log_loss;
    let verdict = if loss.model < loss.table {
        format!(
            "The model predicts the next move of people it did not learn from better than the plain table of shares ({} against {}; lower is better), so the simulator draws moves from it where it won.",
            format_args!("{:.3}", loss.model),
            format_args!("{:.3}", loss.table)
        )
    } else {
        format!(
            "The model does not beat the plain table of shares on people it did not learn from ({:.3} against {:.3}; lower is better), so the simulator keeps the table where the model did not win.",
            loss.model, loss.table
        )
    };
    html! {
        <div id="flows-move-model" role="region" aria-labelledby="flows-move-model-title">
            <h2 id="flows-move-model-title">{ "Move model: who moves where" }</h2>
            <p>{ format!("Learned from {} (a multinomial logistic model per state, on the person columns and the weeks already spent there), checked on {} people held out from learning.",
                m.attributes.join(", "), fmt_count(m.held_out_people)) }</p>
            <table id="flows-log-loss">
                <caption>{ "Held-out log loss: how surprised each is by the moves held-out people really made (lower is better)" }</caption>
                <thead><tr><th scope="col">{ "Method" }</th><th scope="col" class="num">{ "Held-out log loss" }</th></tr></thead>
                <tbody>
                    <tr><th scope="row">{ "Table of shares (everyone in a state moves alike)" }</th><td class="num">{ format!("{:.3}", loss.table) }</td></tr>
                    <tr><th scope="row">{ "Move model (by person and time spent)" }</th><td class="num">{ format!("{:.3}", loss.model) }</td></tr>
                </tbody>
            </table>
            <p id="flows-move-model-verdict">{ verdict }</p>
            if !m.drivers.is_empty() {
                <h3>{ "What the moves depend on" }</h3>
                <ul id="flows-drivers">{ for m.drivers.iter().map(|dr| html! { <li>{ &dr.words }</li> }) }</ul>
            }
            <details>
                <summary>{ "Per state: held-out log loss and which the simulator uses" }</summary>
                <table>
                    <caption>{ "Per state" }</caption>
                    <thead><tr><th scope="col">{ "From" }</th><th scope="col" class="num">{ "Held-out ended stays" }</th><th scope="col" class="num">{ "Table" }</th><th scope="col" class="num">{ "Model" }</th><th scope="col">{ "Simulator uses" }</th></tr></thead>
                    <tbody>{ for m.states.iter().map(|s| html! {
                        <tr><th scope="row">{ &s.from }</th><td class="num">{ s.held_out }</td>
                            <td class="num">{ s.table_log_loss.map_or("–".into(), |v| format!("{v:.3}")) }</td>
                            <td class="num">{ s.model_log_loss.map_or("–".into(), |v| format!("{v:.3}")) }</td>
                            <td>{ if s.uses_model { "the model" } else { "the table of shares" } }</td></tr>
                    }) }</tbody>
                </table>
            </details>
        </div>
    }
}

fn segments_view(d: &Discovery) -> Html {
    if d.segment_flows.is_empty() {
        return match &d.segments_note {
            Some(note) => {
                html! { <p id="flows-segments-none">{ format!("No segments: {note}.") }</p> }
            }
            None => html! {},
        };
    }
    html! {
        <div id="flows-segments" role="region" aria-labelledby="flows-segments-title">
            <h2 id="flows-segments-title">{ "Segments: people grouped by how they used the services" }</h2>
            if let Some(seg) = &d.segments {
                <p class="hint">{ format!("k-means on each person's share of time in each state, stays and hospital stays a year, moves and time to the first move; {} groups chosen by silhouette ({:.2}).", seg.k, seg.silhouette) }</p>
            }
            { for d.segment_flows.iter().enumerate().map(|(i, s)| html! {
                <details>
                    <summary>{ format!("{}: {} people, {} of arrivals", s.name, fmt_count(s.people), pct(s.arrival_share)) }</summary>
                    if !s.words.is_empty() { <p>{ format!("In plain words: {}.", s.words.join("; ")) }</p> }
                    { moves_table(&format!("flows-segment-moves-{i}"), &format!("Moves of {}", s.name), &s.moves) }
                </details>
            }) }
        </div>
    }
}

/// Every result of a discovery.
#[component]
pub fn Results(props: &ResultsProps) -> Html {
    let app = use_app();
    let d = &props.discovery;
    let on_places = {
        let app = app.clone();
        Callback::from(move |(name, places): (String, u32)| {
            update_work(&app, move |work| {
                work.places.retain(|(n, _)| *n != name);
                work.places.push((name, places));
            })
        })
    };
    html! {
        <div id="flows-results">
            <p id="flows-window">{ format!("The data run from {} to {} ({} years), with a tolerance of {} day(s) between one stay and the next for a move.",
                d.window_start, d.window_end, format_args!("{:.1}", d.window_weeks / (365.25 / 7.0)), d.tolerance_days) }</p>
            { quality_view(&props.quality) }
            { states_view(d, &props.places, &on_places) }
            { arrivals_view(d) }
            <h2 id="flows-map-title">{ "Process map" }</h2>
            <ProcessMap discovery={d.clone()} />
            { moves_table("flows-moves", "Moves, everyone: counts and shares of the ended stays in each state (each state's shares add up to 100%)", &d.moves) }
            { move_model_view(d) }
            { segments_view(d) }
        </div>
    }
}
