//! Small SVG charts built as Yew nodes: horizontal bars, a heat map and a
//! line chart, each with a text alternative.
//!
//! Hand-built rather than plotters: plotters' SVG backend produces markup as a
//! string, which would have to be injected as raw HTML, bypassing Yew's
//! escaping of labels that come from user files (pathway and column names),
//! and it has no way to add the accessible names these charts carry.

use yew::prelude::*;

/// One bar: label, value, and the text printed beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub text: String,
}

#[derive(Properties, PartialEq)]
pub struct BarsProps {
    pub title: AttrValue,
    pub bars: Vec<Bar>,
    /// Bars can go negative (contributions); zero is then in the middle.
    #[prop_or(false)]
    pub signed: bool,
}

/// Horizontal bars; negative values (when `signed`) go left and are hatched,
/// so the sign is not shown by colour alone.
#[component]
pub fn Bars(props: &BarsProps) -> Html {
    let label_w = 230.0;
    let plot_w = 360.0;
    let text_w = 160.0;
    let row_h = 24.0;
    let height = row_h * props.bars.len() as f64 + 8.0;
    let max = props
        .bars
        .iter()
        .map(|b| b.value.abs())
        .fold(0.0_f64, f64::max)
        .max(1e-12);
    let zero = if props.signed {
        label_w + plot_w / 2.0
    } else {
        label_w
    };
    let scale = if props.signed {
        plot_w / 2.0 / max
    } else {
        plot_w / max
    };
    let summary = props
        .bars
        .iter()
        .map(|b| format!("{}: {}", b.label, b.text))
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <figure>
            <svg role="img" aria-label={format!("{}. {summary}", props.title)}
                width={(label_w + plot_w + text_w).to_string()} height={height.to_string()}
                viewBox={format!("0 0 {} {height}", label_w + plot_w + text_w)}>
                <defs>
                    <pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
                        <rect width="6" height="6" fill="#b3541e" />
                        <line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2" />
                    </pattern>
                </defs>
                { for props.bars.iter().enumerate().map(|(idx, bar)| {
                    let y = idx as f64 * row_h + 4.0;
                    let w = (bar.value.abs() * scale).max(1.0);
                    let x = if bar.value < 0.0 { zero - w } else { zero };
                    let fill = if bar.value < 0.0 { "url(#hatch)" } else { "#1d4f91" };
                    html! {
                        <g>
                            <text x={(label_w - 6.0).to_string()} y={(y + 15.0).to_string()} text-anchor="end" font-size="13">{ &bar.label }</text>
                            <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height={(row_h - 8.0).to_string()} fill={fill} />
                            <text x={(label_w + plot_w + 6.0).to_string()} y={(y + 15.0).to_string()} font-size="13">{ &bar.text }</text>
                        </g>
                    }
                }) }
                if props.signed {
                    <line x1={zero.to_string()} x2={zero.to_string()} y1="0" y2={height.to_string()} stroke="#1b1f24" />
                }
            </svg>
            <figcaption>{ &props.title }</figcaption>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
pub struct HeatMapProps {
    pub title: AttrValue,
    pub row_title: AttrValue,
    pub col_title: AttrValue,
    pub labels: Vec<String>,
    /// counts[row][col]
    pub counts: Vec<Vec<usize>>,
}

/// A confusion-matrix heat map as a table: every cell shows its number, and
/// the shade only repeats it.
#[component]
pub fn HeatMap(props: &HeatMapProps) -> Html {
    let max = props
        .counts
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(1)
        .max(1);
    html! {
        <div class="table-wrap" tabindex="0">
            <table class="heatmap">
                <caption>{ &props.title }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ format!("{} ↓ / {} →", props.row_title, props.col_title) }</th>
                        { for props.labels.iter().map(|l| html! { <th scope="col">{ l }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for props.counts.iter().enumerate().map(|(r, row)| html! {
                        <tr>
                            <th scope="row">{ props.labels.get(r).cloned().unwrap_or_default() }</th>
                            { for row.iter().enumerate().map(|(c, &n)| {
                                let share = n as f64 / max as f64;
                                // Light shades keep dark text readable; the darkest uses white
                                // text. Classes, not inline styles: the CSP forbids those.
                                let shade = if share > 0.6 { 3 } else if share > 0.3 { 2 } else if share > 0.0 { 1 } else { 0 };
                                let diag = if r == c { " (right)" } else { "" };
                                html! { <td class={format!("num shade-{shade}")}>{ format!("{n}{diag}") }</td> }
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// One line of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// Dash pattern, so lines differ by more than colour.
    pub dash: &'static str,
    pub colour: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct LinesProps {
    pub title: AttrValue,
    pub x_label: AttrValue,
    pub y_label: AttrValue,
    pub series: Vec<Series>,
    /// A shaded span on the x axis (the warm-up), if any.
    #[prop_or_default]
    pub shade_until: Option<f64>,
    /// Draw the diagonal y = x (reliability curves).
    #[prop_or(false)]
    pub diagonal: bool,
    /// A sentence describing what the chart shows, for screen readers.
    pub description: AttrValue,
}

#[component]
pub fn Lines(props: &LinesProps) -> Html {
    let (w, h, left, bottom, top, right) = (560.0, 260.0, 56.0, 40.0, 10.0, 150.0);
    let all: Vec<(f64, f64)> = props
        .series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .collect();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, 0.0_f64, f64::MIN);
    for (x, y) in &all {
        x0 = x0.min(*x);
        x1 = x1.max(*x);
        y0 = y0.min(*y);
        y1 = y1.max(*y);
    }
    if all.is_empty() {
        (x0, x1, y1) = (0.0, 1.0, 1.0);
    }
    if props.diagonal {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    if (x1 - x0).abs() < 1e-12 {
        x1 = x0 + 1.0;
    }
    if (y1 - y0).abs() < 1e-12 {
        y1 = y0 + 1.0;
    }
    let px = move |x: f64| left + (x - x0) / (x1 - x0) * (w - left - right);
    let py = move |y: f64| h - bottom - (y - y0) / (y1 - y0) * (h - bottom - top);
    let fmt = |v: f64| {
        if v.abs() >= 100.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.2}")
        }
    };
    html! {
        <figure>
            <svg role="img" aria-label={format!("{}. {}", props.title, props.description)}
                width={w.to_string()} height={h.to_string()} viewBox={format!("0 0 {w} {h}")}>
                if let Some(until) = props.shade_until {
                    <rect x={px(x0).to_string()} y={top.to_string()} width={(px(until.min(x1)) - px(x0)).max(0.0).to_string()}
                        height={(h - bottom - top).to_string()} fill="#e6e9ee" />
                    <text x={(px(x0) + 4.0).to_string()} y={(top + 14.0).to_string()} font-size="11">{ "warm-up" }</text>
                }
                <line x1={left.to_string()} x2={left.to_string()} y1={top.to_string()} y2={(h - bottom).to_string()} stroke="#1b1f24" />
                <line x1={left.to_string()} x2={(w - right).to_string()} y1={(h - bottom).to_string()} y2={(h - bottom).to_string()} stroke="#1b1f24" />
                <text x={(left - 4.0).to_string()} y={(top + 10.0).to_string()} text-anchor="end" font-size="11">{ fmt(y1) }</text>
                <text x={(left - 4.0).to_string()} y={(h - bottom).to_string()} text-anchor="end" font-size="11">{ fmt(y0) }</text>
                <text x={left.to_string()} y={(h - bottom + 14.0).to_string()} font-size="11">{ fmt(x0) }</text>
                <text x={(w - right).to_string()} y={(h - bottom + 14.0).to_string()} text-anchor="end" font-size="11">{ fmt(x1) }</text>
                <text x={((left + w - right) / 2.0).to_string()} y={(h - 6.0).to_string()} text-anchor="middle" font-size="12">{ &props.x_label }</text>
                <text x="12" y={((top + h - bottom) / 2.0).to_string()} font-size="12" transform={format!("rotate(-90 12 {})", (top + h - bottom) / 2.0)} text-anchor="middle">{ &props.y_label }</text>
                if props.diagonal {
                    <line x1={px(0.0).to_string()} y1={py(0.0).to_string()} x2={px(1.0).to_string()} y2={py(1.0).to_string()} stroke="#8a94a3" stroke-dasharray="2 4" />
                }
                { for props.series.iter().enumerate().map(|(idx, s)| {
                    let d = s.points.iter().enumerate().map(|(i, (x, y))| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, px(*x), py(*y))).collect::<String>();
                    let ly = top + 14.0 + idx as f64 * 18.0;
                    html! {
                        <g>
                            <path d={d} fill="none" stroke={s.colour} stroke-width="2" stroke-dasharray={s.dash} />
                            <line x1={(w - right + 8.0).to_string()} x2={(w - right + 34.0).to_string()} y1={(ly - 4.0).to_string()} y2={(ly - 4.0).to_string()} stroke={s.colour} stroke-width="2" stroke-dasharray={s.dash} />
                            <text x={(w - right + 38.0).to_string()} y={ly.to_string()} font-size="11">{ &s.name }</text>
                        </g>
                    }
                }) }
            </svg>
            <figcaption>{ &props.title }</figcaption>
        </figure>
    }
}

/// Distinct colours and dash patterns for series, so lines differ by shape too.
pub const STYLES: [(&str, &str); 6] = [
    ("#1d4f91", ""),
    ("#b3541e", "6 3"),
    ("#1e6b34", "2 3"),
    ("#6a3d9a", "8 3 2 3"),
    ("#8a4b00", "12 4"),
    ("#a4161a", "1 2"),
];
