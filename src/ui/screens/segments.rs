//! Segments (issue 7): find groups of similar referrals with k-means in the
//! worker, explain each group in plain words (profile bars, pathway success,
//! protected audit), draw them on the first two principal components, and
//! hand them to the simulator as arrival groups.

use yew::prelude::*;

use crate::import::{ColumnKind, Dataset, Role};
use crate::jobs::{JobRequest, JobResult};
use crate::segment::{
    KChoice, SegmentConfig, SegmentProfile, Segmentation, DEFAULT_K_RANGE, DEFAULT_SEED,
};
use crate::ui::components::charts::{Bar, Bars};
use crate::ui::components::form::{self, pct};
use crate::ui::components::progress::JobProgress;
use crate::ui::components::scatter::{PointGroup, Scatter};
use crate::ui::jobs::use_job;
use crate::ui::state::{use_app, Action, Notice};

/// Columns that can be clustered on: (name, protected).
fn candidates(data: &Dataset) -> Vec<(String, bool)> {
    data.columns
        .iter()
        .filter(|c| matches!(c.role, Role::Feature | Role::Protected))
        .filter(|c| {
            matches!(
                c.kind,
                ColumnKind::Numeric
                    | ColumnKind::Binary
                    | ColumnKind::Ordinal
                    | ColumnKind::Categorical
            )
        })
        .map(|c| (c.name.clone(), c.role == Role::Protected))
        .collect()
}

fn parse_count(text: &str, what: &str) -> Result<usize, String> {
    text.trim().parse::<usize>().map_err(|_| {
        format!(
            "{what} is \"{}\"; give a whole number such as 3",
            text.trim()
        )
    })
}

#[component]
pub fn SegmentsScreen() -> Html {
    let app = use_app();
    let saved_config = app.workspace.segmentation.as_ref().map(|(c, _)| c.clone());
    let initial = saved_config.clone().unwrap_or_default();
    let chosen = {
        let data = app.workspace.data.clone();
        let initial = initial.clone();
        use_state(move || match (&initial.columns, data) {
            (Some(cols), _) => cols.clone(),
            (None, Some(d)) => candidates(&d)
                .into_iter()
                .filter(|(_, protected)| !protected)
                .map(|(n, _)| n)
                .collect(),
            (None, None) => Vec::new(),
        })
    };
    let (lo0, hi0, fixed0) = match initial.k {
        KChoice::Range(lo, hi) => (lo, hi, 4),
        KChoice::Fixed(k) => (DEFAULT_K_RANGE.0, DEFAULT_K_RANGE.1, k),
    };
    let use_range = use_state(|| matches!(initial.k, KChoice::Range(..)));
    let k_lo = use_state(|| lo0.to_string());
    let k_hi = use_state(|| hi0.to_string());
    let k_fixed = use_state(|| fixed0.to_string());
    let seed = use_state(|| initial.seed.to_string());
    let pending = use_mut_ref(|| None::<SegmentConfig>);

    let on_result = {
        let app = app.clone();
        let pending = pending.clone();
        Callback::from(move |r: Result<JobResult, String>| match r {
            Ok(JobResult::Segmented(seg)) => {
                let config = pending.borrow_mut().take().unwrap_or_default();
                let k = seg.k;
                app.dispatch(Action::Update(Box::new(move |ws| {
                    ws.segmentation = Some((config, *seg))
                })));
                app.dispatch(Action::Notify(Notice::Info(format!("Found {k} groups."))));
            }
            Ok(_) => {}
            Err(message) => app.dispatch(Action::Notify(Notice::Error(format!(
                "No groups were found. {message}"
            )))),
        })
    };
    let job = use_job(on_result);

    let Some(data) = app.workspace.data.clone() else {
        return html! {
            <section aria-labelledby="segments-title">
                <h1 id="segments-title">{ "Segments" }</h1>
                <div class="banner warn" role="status">{ "There is no referral data yet. " }<a href="#data">{ "Import a file on the Data screen" }</a>{ " first." }</div>
            </section>
        };
    };
    let cands = candidates(&data);

    let run = {
        let (app, job, pending, data) = (app.clone(), job.clone(), pending.clone(), data.clone());
        let (chosen, use_range, k_lo, k_hi, k_fixed, seed) = (
            chosen.clone(),
            use_range.clone(),
            k_lo.clone(),
            k_hi.clone(),
            k_fixed.clone(),
            seed.clone(),
        );
        let protected: Vec<String> = cands
            .iter()
            .filter(|(_, p)| *p)
            .map(|(n, _)| n.clone())
            .collect();
        Callback::from(move |_| {
            let k = if *use_range {
                parse_count(&k_lo, "The smallest number of groups").and_then(|lo| {
                    parse_count(&k_hi, "The largest number of groups")
                        .map(|hi| KChoice::Range(lo, hi))
                })
            } else {
                parse_count(&k_fixed, "The number of groups").map(KChoice::Fixed)
            };
            let seed_value = seed.trim().parse::<u64>().map_err(|_| {
                format!(
                    "The seed is \"{}\"; give a whole number such as {DEFAULT_SEED}",
                    seed.trim()
                )
            });
            let (k, seed_value) = match (k, seed_value) {
                (Ok(k), Ok(s)) => (k, s),
                (Err(m), _) | (_, Err(m)) => {
                    app.dispatch(Action::Notify(Notice::Error(m)));
                    return;
                }
            };
            let config = SegmentConfig {
                columns: Some((*chosen).clone()),
                k,
                seed: seed_value,
                include_protected: chosen.iter().any(|c| protected.contains(c)),
            };
            // Bad settings get the engine's own message at once.
            if let Err(e) = config.check(&data) {
                app.dispatch(Action::Notify(Notice::Error(e.to_string())));
                return;
            }
            *pending.borrow_mut() = Some(config.clone());
            job.start(
                JobRequest::Segment {
                    dataset: Box::new(data.clone()),
                    config,
                },
                "Finding groups",
            );
        })
    };

    let column_boxes = cands.iter().map(|(name, protected)| {
        let id = format!("segment-col-{name}");
        let onchange = {
            let chosen = chosen.clone();
            let name = name.clone();
            Callback::from(move |event: Event| {
                let mut next = (*chosen).clone();
                next.retain(|n| n != &name);
                if form::checked(&event) {
                    next.push(name.clone());
                }
                chosen.set(next);
            })
        };
        html! {
            <li>
                <input type="checkbox" id={id.clone()} checked={chosen.contains(name)} onchange={onchange} />
                <label for={id}>{ name }{ if *protected { " (protected characteristic: off by default, always audited)" } else { "" } }</label>
            </li>
        }
    });
    let text_input = |id: &'static str, handle: &UseStateHandle<String>| {
        let h = handle.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let e: Event = e.into();
            h.set(form::value(&e));
        });
        html! { <input id={id} type="number" min="1" step="1" value={(**handle).clone()} oninput={oninput} /> }
    };
    let set_range = {
        let use_range = use_range.clone();
        Callback::from(move |_: Event| use_range.set(true))
    };
    let set_fixed = {
        let use_range = use_range.clone();
        Callback::from(move |_: Event| use_range.set(false))
    };

    let result = app.workspace.segmentation.as_ref().map(|(_, s)| s.clone());
    let send = {
        let app = app.clone();
        let result = result.clone();
        Callback::from(move |_| {
            let Some(seg) = result.as_ref() else { return };
            let base = app
                .workspace
                .scenario
                .clone()
                .unwrap_or_else(crate::sim::demo_scenario);
            match crate::sim::with_segment_groups(&base, &seg.simulator_groups()) {
                Ok(scenario) => {
                    let n = scenario.groups.len();
                    app.dispatch(Action::Update(Box::new(move |ws| {
                        ws.scenario = Some(scenario)
                    })));
                    app.dispatch(Action::Notify(Notice::Info(format!(
                        "{n} groups sent to the simulator: each segment is now a group with its share of arrivals and its pathway mix."
                    ))));
                    let _ = gloo::utils::window().location().set_hash("simulator");
                }
                Err(e) => app.dispatch(Action::Notify(Notice::Error(format!(
                    "The segments could not be sent to the simulator. {e}"
                )))),
            }
        })
    };

    html! {
        <section aria-labelledby="segments-title">
            <h1 id="segments-title">{ "Segments" }</h1>
            <p>{ "Find groups of similar referrals (k-means clustering: people are put with the group whose average they are closest to). Each group is described in plain words, with how well each pathway worked for it." }</p>
            <form class="segment-settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <fieldset>
                    <legend>{ "Columns to group on" }</legend>
                    <ul class="checklist" id="segment-columns">{ for column_boxes }</ul>
                </fieldset>
                <fieldset>
                    <legend>{ "Number of groups" }</legend>
                    <div>
                        <input type="radio" id="segment-k-auto" name="segment-k" checked={*use_range} onchange={set_range} />
                        <label for="segment-k-auto">{ "Choose the best number by silhouette, trying from " }</label>
                        <label for="segment-k-lo" class="visually-hidden">{ "Smallest number of groups" }</label>
                        { text_input("segment-k-lo", &k_lo) }
                        <label for="segment-k-hi">{ " to " }</label>
                        { text_input("segment-k-hi", &k_hi) }
                    </div>
                    <div>
                        <input type="radio" id="segment-k-fixed-choice" name="segment-k" checked={!*use_range} onchange={set_fixed} />
                        <label for="segment-k-fixed-choice">{ "Use exactly this many groups: " }</label>
                        <label for="segment-k-fixed" class="visually-hidden">{ "Number of groups" }</label>
                        { text_input("segment-k-fixed", &k_fixed) }
                    </div>
                </fieldset>
                <div>
                    <label for="segment-seed">{ "Seed (the same seed gives the same groups) " }</label>
                    <input id="segment-seed" type="number" min="0" step="1" value={(*seed).clone()}
                        oninput={ let s = seed.clone(); Callback::from(move |e: InputEvent| { let e: Event = e.into(); s.set(form::value(&e)); }) } />
                </div>
                <div class="actions">
                    <button id="segment-run" type="button" class="primary" onclick={run} disabled={job.is_running()}>{ "Find groups" }</button>
                </div>
            </form>
            <JobProgress job={job.clone()} />
            if let Some(seg) = result {
                { results(&seg, send) }
            }
        </section>
    }
}

fn results(seg: &Segmentation, send: Callback<MouseEvent>) -> Html {
    let groups: Vec<PointGroup> = seg
        .segments
        .iter()
        .enumerate()
        .map(|(i, s)| PointGroup {
            name: s.label.clone(),
            points: seg
                .pca
                .iter()
                .filter(|p| p.segment == i)
                .map(|p| p.xy)
                .collect(),
        })
        .collect();
    html! {
        <>
            <h2 id="segment-result">{ format!("{} groups found", seg.k) }</h2>
            <p id="segment-chosen-k">{ format!("Chosen number of groups: {}.", seg.k) }</p>
            <p class="hint">{ "The silhouette score (from -1 to 1) says how well people fit their own group compared with the next closest one: higher means clearer, better separated groups." }</p>
            <div class="table-wrap" tabindex="0" role="region" aria-label="Silhouette scores (scrolls sideways on a narrow screen)">
                <table id="segment-silhouettes">
                    <caption>{ "Silhouette score for each number of groups tried" }</caption>
                    <thead><tr><th scope="col" class="num">{ "Groups" }</th><th scope="col" class="num">{ "Silhouette" }</th><th scope="col">{ "Chosen" }</th></tr></thead>
                    <tbody>{ for seg.silhouettes.iter().map(|(k, s)| html! {
                        <tr><td class="num">{ k }</td><td class="num">{ format!("{s:.3}") }</td><td>{ if *k == seg.k { "Yes (chosen)" } else { "" } }</td></tr>
                    }) }</tbody>
                </table>
            </div>
            <div class="actions">
                <button id="segment-send" type="button" onclick={send}>{ "Use segments in the simulator" }</button>
            </div>
            <h2 id="segment-picture-title">{ "Picture of the groups" }</h2>
            <p class="hint">{ format!("Each referral is a point placed by the two directions in which the data spread most (principal components; they show {} and {} of the spread). Each group has its own shape and colour.", pct(seg.pca_explained[0]), pct(seg.pca_explained[1])) }</p>
            <Scatter id="segment-picture" title="Referrals by group on the first two principal components"
                x_label="First principal component" y_label="Second principal component" groups={groups} />
            <h2 id="segment-profiles">{ "The groups" }</h2>
            { for seg.segments.iter().map(profile) }
        </>
    }
}

fn profile(s: &SegmentProfile) -> Html {
    let heading = format!("segment-{}-title", s.index);
    let bars: Vec<Bar> = s
        .features
        .iter()
        .map(|d| Bar {
            label: match &d.level {
                Some(level) => format!("{} = {level}", d.column),
                None => d.column.clone(),
            },
            value: d.effect,
            text: format!("{:+.2}", d.effect),
        })
        .collect();
    html! {
        <article class="segment-profile" aria-labelledby={heading.clone()}>
            <h3 id={heading}>{ &s.name }</h3>
            <p class="segment-size">{ format!("{} referrals, {} of all.", s.size, pct(s.share)) }</p>
            if !s.words.is_empty() {
                <p class="segment-words">{ format!("In plain words: {}.", s.words.join("; ")) }</p>
            }
            if !bars.is_empty() {
                <p class="hint">{ "What sets this group apart: the difference from everyone, in standard deviations. Bars to the right (solid) are higher than average, bars to the left (hatched) lower." }</p>
                <Bars title={format!("What distinguishes {}", s.name)} bars={bars} signed=true />
                <ul>{ for s.features.iter().map(|d| html! { <li>{ &d.words }</li> }) }</ul>
            }
            if !s.pathways.is_empty() {
                <div class="table-wrap" tabindex="0" role="region" aria-label={format!("Pathways for {} (scrolls sideways on a narrow screen)", s.name)}>
                    <table>
                        <caption>{ format!("How well each pathway worked for {}", s.name) }</caption>
                        <thead><tr><th scope="col">{ "Pathway" }</th><th scope="col" class="num">{ "Referrals" }</th><th scope="col" class="num">{ "Outcome known" }</th><th scope="col" class="num">{ "Successes" }</th><th scope="col" class="num">{ "Success rate" }</th></tr></thead>
                        <tbody>{ for s.pathways.iter().map(|p| html! {
                            <tr><td>{ &p.pathway }</td><td class="num">{ p.n }</td><td class="num">{ p.n_known }</td><td class="num">{ p.successes }</td>
                                <td class="num">{ p.success_rate.map(pct).unwrap_or_else(|| "not known".to_string()) }</td></tr>
                        }) }</tbody>
                    </table>
                </div>
            }
            if !s.audit.is_empty() {
                <div class="segment-audit" role="region" aria-label={format!("Audit of protected characteristics for {}", s.name)}>
                    <h4>{ "Audit: protected characteristics" }</h4>
                    <p class="hint">{ "Shown to check the group is not drawn along protected lines; compare the group's shares with everyone's." }</p>
                    <ul>{ for s.audit.iter().map(|a| {
                        let detail = if a.levels.is_empty() {
                            format!("average {} (everyone {})",
                                a.segment_mean.map(|m| format!("{m:.1}")).unwrap_or_else(|| "not known".into()),
                                a.overall_mean.map(|m| format!("{m:.1}")).unwrap_or_else(|| "not known".into()))
                        } else {
                            a.levels.iter().map(|l| format!("{} {} (everyone {})", l.level, pct(l.share), pct(l.overall_share))).collect::<Vec<_>>().join(", ")
                        };
                        html! { <li>{ format!("{}: {detail}; missing {}", a.column, pct(a.missing_share)) }</li> }
                    }) }</ul>
                </div>
            }
        </article>
    }
}
