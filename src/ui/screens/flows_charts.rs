//! The Flows screen's pictures, hand-built SVG like `components/charts.rs`
//! (labels from the user's file go through Yew's escaping): the process map
//! (states as boxes sized by average occupancy, arrows as wide as their
//! number of moves, labelled with the count and share) and the back-test
//! chart (observed occupancy against the simulated mean and its 95% range).
//! Each has a text alternative, and the same figures are in a table beside it.

use yew::prelude::*;

use crate::flows::{Discovery, EXIT};
use crate::ui::screens::flows::{fmt_count, fmt_num};

/// Moves under this share of a state's ended stays are left off the map (the table has them).
const MIN_MAP_SHARE: f64 = 0.01;

#[derive(Properties, PartialEq)]
pub struct MapProps {
    pub discovery: Discovery,
}

/// Where a line from the centre of a box towards (dx, dy) leaves it.
fn edge(hw: f64, hh: f64, dx: f64, dy: f64) -> f64 {
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let sx = if ux.abs() > 1e-9 {
        hw / ux.abs()
    } else {
        f64::MAX
    };
    let sy = if uy.abs() > 1e-9 {
        hh / uy.abs()
    } else {
        f64::MAX
    };
    sx.min(sy)
}

#[component]
pub fn ProcessMap(props: &MapProps) -> Html {
    let d = &props.discovery;
    let n = d.states.len();
    if n == 0 {
        return html! {};
    }
    let (w, h) = (900.0, 640.0);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (rx, ry) = (w / 2.0 - 130.0, h / 2.0 - 75.0);
    let max_occ = d
        .states
        .iter()
        .map(|s| s.mean_occupancy)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    // Box sizes: area in proportion to average occupancy, within bounds that keep names readable.
    let boxes: Vec<(f64, f64, f64, f64)> = d
        .states
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let angle = -std::f64::consts::FRAC_PI_2 + i as f64 * std::f64::consts::TAU / n as f64;
            let scale = (s.mean_occupancy / max_occ).sqrt();
            let bw = 150.0 + 60.0 * scale;
            let bh = 62.0 + 34.0 * scale;
            (
                cx + rx * angle.cos(),
                cy + ry * angle.sin(),
                bw / 2.0,
                bh / 2.0,
            )
        })
        .collect();
    let index = |name: &str| d.states.iter().position(|s| s.name == name);
    let shown: Vec<_> = d
        .moves
        .iter()
        .filter(|m| m.to != EXIT && m.share >= MIN_MAP_SHARE)
        .filter_map(|m| Some((index(&m.from)?, index(&m.to)?, m)))
        .filter(|(a, b, _)| a != b)
        .collect();
    let max_count = shown
        .iter()
        .map(|(_, _, m)| m.count)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    // Geometry of each arrow: start, control point, end, width, label.
    let geometry: Vec<_> = shown
        .iter()
        .map(|&(a, b, m)| {
            let (x1, y1, hw1, hh1) = boxes[a];
            let (x2, y2, hw2, hh2) = boxes[b];
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len = (dx * dx + dy * dy).sqrt().max(1e-9);
            // Bend to the right of the direction of travel, so A->B and B->A part.
            let (nx, ny) = (-dy / len, dx / len);
            let bend = 0.2 * len;
            let (qx, qy) = ((x1 + x2) / 2.0 + nx * bend, (y1 + y2) / 2.0 + ny * bend);
            let s1 = edge(hw1, hh1, qx - x1, qy - y1) + 2.0;
            let s2 = edge(hw2, hh2, qx - x2, qy - y2) + 8.0;
            let unit = |x: f64, y: f64| {
                let l = (x * x + y * y).sqrt().max(1e-9);
                (x / l, y / l)
            };
            let (u1x, u1y) = unit(qx - x1, qy - y1);
            let (u2x, u2y) = unit(qx - x2, qy - y2);
            let start = (x1 + u1x * s1, y1 + u1y * s1);
            let end = (x2 + u2x * s2, y2 + u2y * s2);
            let width = 1.0 + 7.0 * (m.count as f64 / max_count).sqrt();
            let label = format!("{} ({:.0}%)", fmt_count(m.count), m.share * 100.0);
            (start, (qx, qy), end, width, label, m.count)
        })
        .collect();
    // Labels go where they overlap no box and no label placed before them
    // (the largest moves first), trying points along their own arrow.
    let mut taken: Vec<(f64, f64, f64, f64)> = boxes
        .iter()
        .map(|&(x, y, hw, hh)| (x - hw, y - hh, x + hw, y + hh))
        .collect();
    let mut order: Vec<usize> = (0..geometry.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(geometry[i].5));
    let mut label_at = vec![(0.0, 0.0); geometry.len()];
    for i in order {
        let ((sx, sy), (qx, qy), (ex, ey), _, label, _) = &geometry[i];
        let half_w = label.chars().count() as f64 * 3.4 + 3.0;
        let at = |t: f64| {
            let u = 1.0 - t;
            (
                u * u * sx + 2.0 * u * t * qx + t * t * ex,
                u * u * sy + 2.0 * u * t * qy + t * t * ey,
            )
        };
        let rect = |(x, y): (f64, f64)| (x - half_w, y - 9.0, x + half_w, y + 7.0);
        let free = |r: (f64, f64, f64, f64)| {
            taken
                .iter()
                .all(|t| r.2 < t.0 || r.0 > t.2 || r.3 < t.1 || r.1 > t.3)
        };
        let tries = [0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8];
        let point = tries
            .iter()
            .map(|&t| at(t))
            .find(|&p| free(rect(p)))
            .unwrap_or_else(|| at(0.5));
        taken.push(rect(point));
        label_at[i] = point;
    }
    let arrows = geometry.iter().map(|((sx, sy), (qx, qy), (ex, ey), width, ..)| {
        html! {
            <g>
                <path d={format!("M{sx:.1},{sy:.1} Q{qx:.1},{qy:.1} {ex:.1},{ey:.1}")} fill="none" stroke="#1d4f91"
                    stroke-opacity="0.7" stroke-width={format!("{width:.1}")} marker-end="url(#flows-arrowhead)" />
            </g>
        }
    }).collect::<Vec<_>>();
    let labels = geometry.iter().zip(&label_at).map(|((.., label, _), (lx, ly))| html! {
        <text x={format!("{lx:.1}")} y={format!("{ly:.1}")} text-anchor="middle" font-size="12"
            stroke="#ffffff" stroke-width="4" paint-order="stroke" fill="#1b1f24">{ label }</text>
    }).collect::<Vec<_>>();
    let exits = |name: &str| d.moves.iter().find(|m| m.from == name && m.to == EXIT);
    let arrivals = |name: &str| d.arrivals.iter().find(|a| a.state == name);
    let nodes = d.states.iter().zip(&boxes).map(|(s, &(x, y, hw, hh))| {
        let leave = exits(&s.name).map_or("no one leaves".to_string(), |m| {
            format!("leave: {} ({:.0}%)", fmt_count(m.count), m.share * 100.0)
        });
        let arrive = arrivals(&s.name).map_or("no arrivals".to_string(), |a| {
            if a.per_week < 0.01 {
                "arrive: under 0.01 a week".to_string()
            } else {
                format!("arrive: {} a week", fmt_num(a.per_week))
            }
        });
        html! {
            <g>
                <rect x={format!("{:.1}", x - hw)} y={format!("{:.1}", y - hh)} width={format!("{:.1}", 2.0 * hw)} height={format!("{:.1}", 2.0 * hh)}
                    rx="6" fill="#eef3fa" stroke="#1b1f24" stroke-width="1.5" />
                <text x={format!("{x:.1}")} y={format!("{:.1}", y - hh + 17.0)} text-anchor="middle" font-size="13" font-weight="bold">{ &s.name }</text>
                <text x={format!("{x:.1}")} y={format!("{:.1}", y - hh + 33.0)} text-anchor="middle" font-size="11">{ format!("{} people on average", fmt_num(s.mean_occupancy)) }</text>
                <text x={format!("{x:.1}")} y={format!("{:.1}", y - hh + 47.0)} text-anchor="middle" font-size="11">{ arrive }</text>
                <text x={format!("{x:.1}")} y={format!("{:.1}", y - hh + 61.0)} text-anchor="middle" font-size="11">{ leave }</text>
            </g>
        }
    });
    let mut top: Vec<_> = shown.iter().map(|(_, _, m)| *m).collect();
    top.sort_by_key(|m| std::cmp::Reverse(m.count));
    let summary = format!(
        "{} states: {}. Largest moves: {}.",
        n,
        d.states
            .iter()
            .map(|s| format!(
                "{} ({} people on average)",
                s.name,
                fmt_num(s.mean_occupancy)
            ))
            .collect::<Vec<_>>()
            .join(", "),
        top.iter()
            .take(6)
            .map(|m| format!(
                "{} to {}: {} moves, {:.0}%",
                m.from,
                m.to,
                fmt_num(m.count as f64),
                m.share * 100.0
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    html! {
        <figure id="flows-map">
            <svg role="img" aria-label={format!("Process map. {summary} Every figure is also in the table of moves below.")}
                width={w.to_string()} height={h.to_string()} viewBox={format!("0 0 {w} {h}")}>
                <defs>
                    <marker id="flows-arrowhead" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="10" markerHeight="10"
                        markerUnits="userSpaceOnUse" orient="auto">
                        <path d="M0,0 L10,5 L0,10 z" fill="#1d4f91" />
                    </marker>
                </defs>
                { for arrows }
                { for nodes }
                { for labels }
            </svg>
            <figcaption>{ format!("Process map: each box is a state, its size grows with the average number of people there; each arrow is a move between states, as wide as its number of moves, labelled with the count and its share of the ended stays in the state it leaves. Leaving the system is written in each box. Moves under {:.0}% of a state's ended stays are left off the picture; the table below lists every move.", MIN_MAP_SHARE * 100.0) }</figcaption>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct BandProps {
    pub title: AttrValue,
    pub description: AttrValue,
    /// x positions (years with a fraction).
    pub x: Vec<f64>,
    /// Labels of the first and last x (months).
    pub first: AttrValue,
    pub last: AttrValue,
    pub observed: Vec<f64>,
    pub simulated: Vec<f64>,
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
}

/// Observed (solid line with dots) against the simulated mean (dashed) and
/// the range holding the middle 95% of the replications (shaded band).
#[component]
pub fn BandChart(props: &BandProps) -> Html {
    let (w, h, left, bottom, top, right) = (800.0, 320.0, 64.0, 40.0, 12.0, 190.0);
    let n = props
        .x
        .len()
        .min(props.observed.len())
        .min(props.simulated.len())
        .min(props.lo.len())
        .min(props.hi.len());
    if n == 0 {
        return html! {};
    }
    let xs = &props.x[..n];
    let (x0, mut x1) = (xs[0], xs[n - 1]);
    if (x1 - x0).abs() < 1e-9 {
        x1 = x0 + 1.0;
    }
    let y1 = props.observed[..n]
        .iter()
        .chain(&props.hi[..n])
        .chain(&props.simulated[..n])
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(1.0)
        * 1.05;
    let px = |x: f64| left + (x - x0) / (x1 - x0) * (w - left - right);
    let py = |y: f64| h - bottom - (y / y1) * (h - bottom - top);
    let line = |v: &[f64]| {
        v.iter()
            .zip(xs)
            .enumerate()
            .map(|(i, (y, x))| {
                format!(
                    "{}{:.1},{:.1}",
                    if i == 0 { "M" } else { "L" },
                    px(*x),
                    py(*y)
                )
            })
            .collect::<String>()
    };
    let band = {
        let upper = xs
            .iter()
            .zip(&props.hi[..n])
            .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)));
        let lower = xs
            .iter()
            .zip(&props.lo[..n])
            .rev()
            .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)));
        upper.chain(lower).collect::<Vec<_>>().join(" ")
    };
    let legend_x = w - right + 10.0;
    html! {
        <figure>
            <svg role="img" aria-label={format!("{}. {}", props.title, props.description)} width={w.to_string()} height={h.to_string()}
                viewBox={format!("0 0 {w} {h}")}>
                <polygon points={band} fill="#c9d7ec" stroke="none" />
                <line x1={left.to_string()} x2={left.to_string()} y1={top.to_string()} y2={(h - bottom).to_string()} stroke="#1b1f24" />
                <line x1={left.to_string()} x2={(w - right).to_string()} y1={(h - bottom).to_string()} y2={(h - bottom).to_string()} stroke="#1b1f24" />
                <text x={(left - 4.0).to_string()} y={(top + 10.0).to_string()} text-anchor="end" font-size="11">{ fmt_num(y1) }</text>
                <text x={(left - 4.0).to_string()} y={(h - bottom).to_string()} text-anchor="end" font-size="11">{ "0" }</text>
                <text x={left.to_string()} y={(h - bottom + 14.0).to_string()} font-size="11">{ props.first.clone() }</text>
                <text x={(w - right).to_string()} y={(h - bottom + 14.0).to_string()} text-anchor="end" font-size="11">{ props.last.clone() }</text>
                <text x={((left + w - right) / 2.0).to_string()} y={(h - 6.0).to_string()} text-anchor="middle" font-size="12">{ "Month" }</text>
                <text x="14" y={((top + h - bottom) / 2.0).to_string()} font-size="12" transform={format!("rotate(-90 14 {})", (top + h - bottom) / 2.0)} text-anchor="middle">{ "People (mean per day)" }</text>
                <path d={line(&props.simulated[..n])} fill="none" stroke="#b3541e" stroke-width="2" stroke-dasharray="6 3" />
                <path d={line(&props.observed[..n])} fill="none" stroke="#1b1f24" stroke-width="2" />
                { for xs.iter().zip(&props.observed[..n]).map(|(x, y)| html! {
                    <circle cx={format!("{:.1}", px(*x))} cy={format!("{:.1}", py(*y))} r="2.5" fill="#1b1f24" />
                }) }
                <rect x={legend_x.to_string()} y={(top + 4.0).to_string()} width="26" height="12" fill="#c9d7ec" />
                <text x={(legend_x + 32.0).to_string()} y={(top + 14.0).to_string()} font-size="11">{ "simulated 95% range" }</text>
                <line x1={legend_x.to_string()} x2={(legend_x + 26.0).to_string()} y1={(top + 30.0).to_string()} y2={(top + 30.0).to_string()} stroke="#b3541e" stroke-width="2" stroke-dasharray="6 3" />
                <text x={(legend_x + 32.0).to_string()} y={(top + 34.0).to_string()} font-size="11">{ "simulated mean (dashed)" }</text>
                <line x1={legend_x.to_string()} x2={(legend_x + 26.0).to_string()} y1={(top + 50.0).to_string()} y2={(top + 50.0).to_string()} stroke="#1b1f24" stroke-width="2" />
                <circle cx={(legend_x + 13.0).to_string()} cy={(top + 50.0).to_string()} r="2.5" fill="#1b1f24" />
                <text x={(legend_x + 32.0).to_string()} y={(top + 54.0).to_string()} font-size="11">{ "observed (solid, dots)" }</text>
            </svg>
            <figcaption>{ &props.title }</figcaption>
        </figure>
    }
}
