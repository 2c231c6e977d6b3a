//! A scatter chart: points in groups, each group with its own marker shape
//! as well as colour (so groups are not told apart by colour alone), a legend
//! and a text alternative.

use yew::prelude::*;

/// One group of points.
#[derive(Debug, Clone, PartialEq)]
pub struct PointGroup {
    pub name: String,
    pub points: Vec<[f64; 2]>,
}

#[derive(Properties, PartialEq)]
pub struct ScatterProps {
    pub id: AttrValue,
    pub title: AttrValue,
    pub x_label: AttrValue,
    pub y_label: AttrValue,
    pub groups: Vec<PointGroup>,
}

const COLOURS: [&str; 8] = [
    "#1d4f91", "#b3541e", "#2e7d32", "#6a1b9a", "#8d6e00", "#00838f", "#c2185b", "#37474f",
];
const SHAPES: [&str; 8] = [
    "circle", "square", "triangle", "diamond", "cross", "down", "plus", "star",
];

/// The marker for group `idx` at (x, y) as an SVG node.
fn marker(idx: usize, x: f64, y: f64, r: f64) -> Html {
    let colour = COLOURS[idx % COLOURS.len()];
    let points = |list: &[(f64, f64)]| {
        list.iter()
            .map(|(dx, dy)| format!("{:.1},{:.1}", x + dx * r, y + dy * r))
            .collect::<Vec<_>>()
            .join(" ")
    };
    match SHAPES[idx % SHAPES.len()] {
        "circle" => {
            html! { <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={format!("{r:.1}")} fill={colour} fill-opacity="0.7" /> }
        }
        "square" => {
            html! { <rect x={format!("{:.1}", x - r)} y={format!("{:.1}", y - r)} width={format!("{:.1}", 2.0 * r)} height={format!("{:.1}", 2.0 * r)} fill={colour} fill-opacity="0.7" /> }
        }
        "triangle" => {
            html! { <polygon points={points(&[(0.0, -1.2), (1.1, 0.9), (-1.1, 0.9)])} fill={colour} fill-opacity="0.7" /> }
        }
        "diamond" => {
            html! { <polygon points={points(&[(0.0, -1.3), (1.3, 0.0), (0.0, 1.3), (-1.3, 0.0)])} fill={colour} fill-opacity="0.7" /> }
        }
        "down" => {
            html! { <polygon points={points(&[(0.0, 1.2), (1.1, -0.9), (-1.1, -0.9)])} fill="none" stroke={colour} stroke-width="1.5" /> }
        }
        "cross" => html! {
            <g stroke={colour} stroke-width="2">
                <line x1={format!("{:.1}", x - r)} y1={format!("{:.1}", y - r)} x2={format!("{:.1}", x + r)} y2={format!("{:.1}", y + r)} />
                <line x1={format!("{:.1}", x - r)} y1={format!("{:.1}", y + r)} x2={format!("{:.1}", x + r)} y2={format!("{:.1}", y - r)} />
            </g>
        },
        "plus" => html! {
            <g stroke={colour} stroke-width="2">
                <line x1={format!("{:.1}", x - r)} y1={format!("{y:.1}")} x2={format!("{:.1}", x + r)} y2={format!("{y:.1}")} />
                <line x1={format!("{x:.1}")} y1={format!("{:.1}", y - r)} x2={format!("{x:.1}")} y2={format!("{:.1}", y + r)} />
            </g>
        },
        _ => html! {
            <polygon points={points(&[(0.0, -1.3), (0.35, -0.35), (1.3, 0.0), (0.35, 0.35), (0.0, 1.3), (-0.35, 0.35), (-1.3, 0.0), (-0.35, -0.35)])} fill={colour} />
        },
    }
}

/// Shape name for group `idx`, for the legend's words.
pub fn shape_name(idx: usize) -> &'static str {
    match SHAPES[idx % SHAPES.len()] {
        "down" => "open triangle",
        other => other,
    }
}

#[component]
pub fn Scatter(props: &ScatterProps) -> Html {
    let (w, h, pad) = (560.0_f64, 400.0_f64, 40.0_f64);
    let all = props.groups.iter().flat_map(|g| g.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for p in all {
        if p[0].is_finite() && p[1].is_finite() {
            x0 = x0.min(p[0]);
            x1 = x1.max(p[0]);
            y0 = y0.min(p[1]);
            y1 = y1.max(p[1]);
        }
    }
    if !x0.is_finite() {
        (x0, x1, y0, y1) = (-1.0, 1.0, -1.0, 1.0);
    }
    let xs = (x1 - x0).max(1e-9);
    let ys = (y1 - y0).max(1e-9);
    let sx = |x: f64| pad + (x - x0) / xs * (w - 2.0 * pad);
    let sy = |y: f64| h - pad - (y - y0) / ys * (h - 2.0 * pad);
    let summary = props
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| format!("{} ({}): {} points", g.name, shape_name(i), g.points.len()))
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <figure id={props.id.clone()}>
            <svg role="img" aria-label={format!("{}. {summary}", props.title)}
                width={w.to_string()} height={h.to_string()} viewBox={format!("0 0 {w} {h}")}>
                <rect x={pad.to_string()} y={pad.to_string()} width={(w - 2.0 * pad).to_string()} height={(h - 2.0 * pad).to_string()} fill="none" stroke="#8a9099" />
                { for props.groups.iter().enumerate().map(|(i, g)| html! {
                    <g>{ for g.points.iter().filter(|p| p[0].is_finite() && p[1].is_finite()).map(|p| marker(i, sx(p[0]), sy(p[1]), 4.0)) }</g>
                }) }
                <text x={(w / 2.0).to_string()} y={(h - 10.0).to_string()} text-anchor="middle" font-size="13">{ &props.x_label }</text>
                <text x="14" y={(h / 2.0).to_string()} text-anchor="middle" font-size="13" transform={format!("rotate(-90 14 {})", h / 2.0)}>{ &props.y_label }</text>
            </svg>
            <ul class="scatter-legend" aria-label="Legend">
                { for props.groups.iter().enumerate().map(|(i, g)| html! {
                    <li>
                        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">{ marker(i, 8.0, 8.0, 5.0) }</svg>
                        { format!(" {} ({}): {} points", g.name, shape_name(i), g.points.len()) }
                    </li>
                }) }
            </ul>
            <figcaption>{ &props.title }</figcaption>
        </figure>
    }
}
