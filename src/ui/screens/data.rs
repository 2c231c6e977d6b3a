//! Data: the imported referrals. Each column's type and role (editable), the
//! success rule, the problems met while reading, the quality report and a
//! paged preview of the rows. All text from the file is shown as text.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::import::{quality_report, ColumnKind, Dataset, Role, SuccessRule};
use crate::ui::components::form;
use crate::ui::state::{use_app, Action};

const PAGE_ROWS: usize = 20;

const KINDS: [(ColumnKind, &str); 7] = [
    (ColumnKind::Numeric, "number"),
    (ColumnKind::Binary, "yes/no"),
    (ColumnKind::Ordinal, "ordered levels"),
    (ColumnKind::Categorical, "category"),
    (ColumnKind::Date, "date"),
    (ColumnKind::FreeText, "free text"),
    (ColumnKind::Identifier, "identifier"),
];

const ROLES: [(Role, &str); 6] = [
    (Role::Id, "id"),
    (Role::Feature, "feature"),
    (Role::Pathway, "pathway allocated"),
    (Role::Outcome, "outcome"),
    (Role::Protected, "protected (audit only)"),
    (Role::Ignore, "ignore"),
];

pub fn kind_label(kind: ColumnKind) -> &'static str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("?", |(_, label)| label)
}

pub fn role_label(role: Role) -> &'static str {
    ROLES
        .iter()
        .find(|(r, _)| *r == role)
        .map_or("?", |(_, label)| label)
}

/// The success rule in words.
pub fn rule_words(rule: &SuccessRule) -> String {
    match rule {
        SuccessRule::Equals { column, values } => format!("{column} is {}", values.join(" or ")),
        SuccessRule::AtLeast { column, threshold } => format!("{column} is at least {threshold}"),
        SuccessRule::AtMost { column, threshold } => format!("{column} is at most {threshold}"),
    }
}

#[component]
pub fn DataScreen() -> Html {
    let app = use_app();
    let Some(data) = app.workspace.data.clone() else {
        return html! {
            <section aria-labelledby="data-title">
                <h1 id="data-title">{ "Data" }</h1>
                <p>{ "There is no referral data yet. " }<a href="#start">{ "Load the demo or import a file" }</a>{ "." }</p>
            </section>
        };
    };

    let problems = app.import_problems.clone();
    let problem_list = (!problems.is_empty()).then(|| {
        html! {
            <div class="banner warn" role="region" aria-labelledby="problems-title">
                <h2 id="problems-title">{ format!("{} problem(s) found while reading; the rest was imported", problems.len()) }</h2>
                <ul class="findings">
                    { for problems.iter().take(50).map(|p| html! { <li>{ &p.message }</li> }) }
                </ul>
                if problems.len() > 50 { <p>{ format!("…and {} more.", problems.len() - 50) }</p> }
            </div>
        }
    });

    html! {
        <section aria-labelledby="data-title">
            <h1 id="data-title">{ "Data" }</h1>
            <p>{ format!("{}: {} rows, {} columns.", data.source, data.n_rows, data.columns.len()) }</p>
            { for problem_list }
            <ColumnTable data={data.clone()} />
            <SuccessRuleEditor data={data.clone()} />
            <Quality data={data.clone()} revision={app.revision} />
            <Preview data={data} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DataProps {
    data: Dataset,
}

#[component]
fn ColumnTable(props: &DataProps) -> Html {
    let app = use_app();
    let rows = props.data.columns.iter().enumerate().map(|(col_idx, column)| {
        let on_kind = {
            let app = app.clone();
            Callback::from(move |event: Event| {
                let v = form::value(&event);
                let chosen = KINDS.iter().find(|(_, label)| *label == v).map(|(k, _)| *k);
                if let Some(kind) = chosen {
                    app.dispatch(Action::SetColumnKind(col_idx, kind));
                }
            })
        };
        let on_role = {
            let app = app.clone();
            Callback::from(move |event: Event| {
                let v = form::value(&event);
                let chosen = ROLES.iter().find(|(_, label)| *label == v).map(|(r, _)| *r);
                if let Some(role) = chosen {
                    app.dispatch(Action::SetColumnRole(col_idx, role));
                }
            })
        };
        let missing = column.cells.iter().filter(|c| c.is_none()).count();
        let share = if props.data.n_rows == 0 { 0.0 } else { missing as f64 * 100.0 / props.data.n_rows as f64 };
        let protected_as_feature = column.role == Role::Feature && crate::import::is_protected_name(&column.name);
        let kind_id = format!("kind-{col_idx}");
        let role_id = format!("role-{col_idx}");
        html! {
            <tr>
                <th scope="row">{ &column.name }</th>
                <td>
                    <label class="visually-hidden" for={kind_id.clone()}>{ format!("Type of {}", column.name) }</label>
                    <select id={kind_id} onchange={on_kind}>
                        { for KINDS.iter().map(|(kind, label)| html! {
                            <option value={*label} selected={*kind == column.kind}>{ *label }</option>
                        }) }
                    </select>
                </td>
                <td>
                    <label class="visually-hidden" for={role_id.clone()}>{ format!("Role of {}", column.name) }</label>
                    <select id={role_id} onchange={on_role}>
                        { for ROLES.iter().map(|(role, label)| html! {
                            <option value={*label} selected={*role == column.role}>{ *label }</option>
                        }) }
                    </select>
                    if protected_as_feature {
                        <p class="warning"><span class="tag warn">{ "Warning" }</span>
                            { "This looks like a protected characteristic. As a feature it can make suggestions differ by group; keep it for the audit unless you have a lawful, documented reason." }</p>
                    }
                </td>
                <td class="num">{ format!("{share:.1}%") }</td>
            </tr>
        }
    });
    html! {
        <>
            <h2>{ "Columns" }</h2>
            <p class="hint">{ "Signpost guessed each column's type and role from its values and name; change any that are wrong. \
                Protected characteristics (gender, ethnicity, age band…) are kept out of the model and used to audit it." }</p>
            <div class="table-wrap" tabindex="0">
                <table>
                    <thead><tr><th scope="col">{ "Column" }</th><th scope="col">{ "Type" }</th><th scope="col">{ "Role" }</th><th scope="col" class="num">{ "Missing" }</th></tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </>
    }
}

#[component]
fn SuccessRuleEditor(props: &DataProps) -> Html {
    let app = use_app();
    let data = &props.data;
    let current = data.success_rule.clone();
    let outcome_columns: Vec<String> = data
        .columns
        .iter()
        .filter(|c| c.role == Role::Outcome)
        .map(|c| c.name.clone())
        .collect();
    let column = use_state(|| {
        current
            .as_ref()
            .map(|r| r.column().to_string())
            .or_else(|| outcome_columns.first().cloned())
    });
    let comparison = use_state(|| match &current {
        Some(SuccessRule::AtLeast { .. }) => "at least".to_string(),
        Some(SuccessRule::AtMost { .. }) => "at most".to_string(),
        _ => "is one of".to_string(),
    });
    let value = use_state(|| match &current {
        Some(SuccessRule::Equals { values, .. }) => values.join(", "),
        Some(SuccessRule::AtLeast { threshold, .. } | SuccessRule::AtMost { threshold, .. }) => {
            threshold.to_string()
        }
        None => String::new(),
    });
    let error = use_state(|| None::<String>);

    let summary = match &current {
        Some(rule) => {
            match data.success() {
                Ok(success) => {
                    let known = success.iter().filter(|s| s.is_some()).count();
                    let yes = success.iter().filter(|s| **s == Some(true)).count();
                    format!("Success when {}: {yes} of {known} referrals with a known outcome ({:.0}%).", rule_words(rule),
                    if known == 0 { 0.0 } else { yes as f64 * 100.0 / known as f64 })
                }
                Err(err) => err.to_string(),
            }
        }
        None => {
            "No success rule yet: choose the outcome column and what counts as success.".to_string()
        }
    };

    let apply = {
        let app = app.clone();
        let column = column.clone();
        let comparison = comparison.clone();
        let value = value.clone();
        let error = error.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(column) = (*column).clone() else {
                error.set(Some(
                    "Choose an outcome column first (set a column's role to \"outcome\" above)."
                        .into(),
                ));
                return;
            };
            let text = value.trim().to_string();
            let rule = match comparison.as_str() {
                "is one of" => {
                    let values: Vec<String> = text
                        .split(',')
                        .map(|v| v.trim().to_string())
                        .filter(|v| !v.is_empty())
                        .collect();
                    if values.is_empty() {
                        error.set(Some("Type the value(s) that mean success, separated by commas (for example: yes).".into()));
                        return;
                    }
                    SuccessRule::Equals { column, values }
                }
                other => match crate::import::parse_number(&text) {
                    Some(threshold) if other == "at least" => {
                        SuccessRule::AtLeast { column, threshold }
                    }
                    Some(threshold) => SuccessRule::AtMost { column, threshold },
                    None => {
                        error.set(Some(format!(
                            "'{text}' is not a number; type a threshold such as 2 or 0.5."
                        )));
                        return;
                    }
                },
            };
            error.set(None);
            app.dispatch(Action::SetSuccessRule(Some(rule)));
        })
    };
    let on_column = {
        let column = column.clone();
        Callback::from(move |event: Event| column.set(Some(form::value(&event))))
    };
    let on_comparison = {
        let comparison = comparison.clone();
        Callback::from(move |event: Event| {
            comparison.set(form::value(&event));
        })
    };
    let on_value = {
        let value = value.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(v) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                value.set(v.value());
            }
        })
    };

    html! {
        <>
            <h2>{ "What counts as success" }</h2>
            <p id="success-summary">{ summary }</p>
            if outcome_columns.is_empty() {
                <p class="hint">{ "No column has the role \"outcome\". Set one above to define success." }</p>
            } else {
                <form class="field-row" onsubmit={apply} aria-label="Success rule">
                    <div class="field">
                        <label for="rule-column">{ "Outcome column" }</label>
                        <select id="rule-column" onchange={on_column}>
                            { for outcome_columns.iter().map(|name| html! {
                                <option value={name.clone()} selected={column.as_deref() == Some(name.as_str())}>{ name }</option>
                            }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="rule-comparison">{ "Success when it" }</label>
                        <select id="rule-comparison" onchange={on_comparison}>
                            { for ["is one of", "at least", "at most"].iter().map(|c| html! {
                                <option value={*c} selected={comparison.as_str() == *c}>{ *c }</option>
                            }) }
                        </select>
                    </div>
                    <div class="field">
                        <label for="rule-value">{ "Value(s)" }</label>
                        <input id="rule-value" type="text" value={(*value).clone()} oninput={on_value} />
                    </div>
                    <button type="submit">{ "Apply rule" }</button>
                </form>
            }
            if let Some(message) = (*error).clone() { <p class="notice error" role="alert">{ message }</p> }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct QualityProps {
    data: Dataset,
    revision: u64,
}

#[component]
fn Quality(props: &QualityProps) -> Html {
    let report = {
        let data = props.data.clone();
        use_memo(props.revision, move |_| quality_report(&data))
    };
    let messages = report.messages();
    let pathway_rows = report.pathways.iter().map(|p| {
        let rate = p.success_rate.map_or("unknown".to_string(), |r| format!("{:.0}%", r * 100.0));
        html! { <tr><th scope="row">{ &p.pathway }</th><td class="num">{ p.n_rows }</td><td class="num">{ rate }</td></tr> }
    });
    html! {
        <section aria-labelledby="quality-title">
            <h2 id="quality-title">{ "Data quality report" }</h2>
            if messages.is_empty() {
                <p><span class="tag ok">{ "OK" }</span>{ "No problems found: no missing values, inconsistent spellings, constant columns, duplicate ids, small pathways or leakage suspects." }</p>
            } else {
                <p>{ format!("{} finding(s) to look at:", messages.len()) }</p>
                <ul class="findings">
                    { for messages.iter().map(|m| html! { <li><span class="tag warn">{ "Check" }</span>{ m }</li> }) }
                </ul>
            }
            if !report.pathways.is_empty() {
                <table>
                    <caption>{ "Referrals and success rate per pathway" }</caption>
                    <thead><tr><th scope="col">{ "Pathway" }</th><th scope="col" class="num">{ "Rows" }</th><th scope="col" class="num">{ "Success rate" }</th></tr></thead>
                    <tbody>{ for pathway_rows }</tbody>
                </table>
            }
        </section>
    }
}

#[component]
fn Preview(props: &DataProps) -> Html {
    let page = use_state(|| 0usize);
    let data = &props.data;
    let n_pages = data.n_rows.div_ceil(PAGE_ROWS).max(1);
    let current = (*page).min(n_pages - 1);
    let first = current * PAGE_ROWS;
    let last = (first + PAGE_ROWS).min(data.n_rows);
    let prev = {
        let page = page.clone();
        Callback::from(move |_| page.set(current.saturating_sub(1)))
    };
    let next = {
        let page = page.clone();
        Callback::from(move |_| page.set((current + 1).min(n_pages - 1)))
    };
    html! {
        <section aria-labelledby="preview-title">
            <h2 id="preview-title">{ "Rows" }</h2>
            <div class="pager">
                <button type="button" onclick={prev} disabled={current == 0}>{ "Previous" }</button>
                <span>{ format!("Rows {}–{} of {} (page {} of {})", first + 1, last, data.n_rows, current + 1, n_pages) }</span>
                <button type="button" onclick={next} disabled={current + 1 >= n_pages}>{ "Next" }</button>
            </div>
            <div class="table-wrap" tabindex="0">
                <table class="preview">
                    <thead><tr>
                        <th scope="col">{ "Row" }</th>
                        { for data.columns.iter().map(|c| html! { <th scope="col">{ &c.name }</th> }) }
                    </tr></thead>
                    <tbody>
                        { for (first..last).map(|row_idx| html! {
                            <tr>
                                // Numbered as a spreadsheet numbers it: the header is row 1.
                                <th scope="row" class="num">{ row_idx + 2 }</th>
                                { for data.columns.iter().map(|c| {
                                    let cell = c.cells.get(row_idx).cloned().flatten();
                                    match cell {
                                        Some(text) => html! { <td>{ text }</td> },
                                        None => html! { <td class="missing"><span class="visually-hidden">{ "missing" }</span>{ "–" }</td> },
                                    }
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
