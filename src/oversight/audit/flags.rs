//! Flagging gaps between groups: for each measure (and pathway), the
//! lowest and highest judged groups are compared; a flag when the gap is
//! material (four-fifths of the selection rate, 10 points of recall or
//! balanced accuracy) and its interval, simultaneous over every comparison
//! of its family, excludes zero; the flag in words, and whether history
//! shows the same gap.

use super::{
    ColumnAudit, Flag, GroupFigures, HistoryFigures, Measure, FOUR_FIFTHS, MATERIAL_GAP, MIN_WORKED,
};
use crate::model::train::Estimate;
use crate::oversight::stats::{self, pct, points};

/// Flags every column's gaps. The lowest and highest group of each
/// comparison are picked after looking, and an audit makes many
/// comparisons: each interval is simultaneous over every pair of groups in
/// every comparison of its family (the model's, or history's), so chance
/// alone flags anything in at most 5% of audits.
pub(super) fn flag_all(columns: &mut [ColumnAudit], pathways: &[String]) -> (usize, usize) {
    let pairs = |c: &[Candidate]| -> usize {
        c.iter()
            .map(|c| c.entries.len() * c.entries.len().saturating_sub(1) / 2)
            .sum()
    };
    let model: Vec<Vec<Candidate>> = columns
        .iter()
        .map(|c| model_candidates(&c.groups, pathways))
        .collect();
    let history: Vec<Vec<Candidate>> = columns
        .iter()
        .map(|c| history_candidates(&c.history, pathways))
        .collect();
    let m_model: usize = model.iter().map(|c| pairs(c)).sum();
    let m_history: usize = history.iter().map(|c| pairs(c)).sum();
    let (z_model, z_history) = (
        stats::z_simultaneous(m_model),
        stats::z_simultaneous(m_history),
    );
    for ((column, model), history) in columns.iter_mut().zip(&model).zip(&history) {
        column.flags = model
            .iter()
            .filter_map(|c| compare(&column.column, c, z_model, m_model))
            .collect();
        for flag in &mut column.flags {
            flag.history = history_note(flag, &column.history);
        }
        column.history_flags = history
            .iter()
            .filter_map(|c| compare(&column.column, c, z_history, m_history))
            .collect();
    }
    (m_model, m_history)
}

/// A candidate for comparison: group label, estimate, its denominator.
type Entry = (String, Estimate, usize);

/// One comparison across groups: a measure (of one pathway) per group.
struct Candidate {
    measure: Measure,
    pathway: Option<String>,
    entries: Vec<Entry>,
}

/// The lowest and highest of the entries (first on ties).
fn extremes(entries: &[Entry]) -> Option<(&Entry, &Entry)> {
    let first = entries.first()?;
    if entries.len() < 2 {
        return None;
    }
    let mut low = first;
    let mut high = first;
    for e in &entries[1..] {
        if e.1.value < low.1.value {
            low = e;
        }
        if e.1.value > high.1.value {
            high = e;
        }
    }
    Some((low, high))
}

/// Compares the extremes of a candidate with intervals at quantile `z`
/// (simultaneous over the family's `comparisons`); a flag when the gap is
/// material and its interval excludes zero.
fn compare(column: &str, candidate: &Candidate, z: f64, comparisons: usize) -> Option<Flag> {
    let measure = candidate.measure;
    let (low, high) = extremes(&candidate.entries)?;
    let difference = match measure {
        // A mean of shares: a normal interval from the two standard errors.
        Measure::BalancedAccuracy => {
            let se = |e: &Estimate| (e.upper - e.value) / stats::Z95;
            let se = (se(&high.1).powi(2) + se(&low.1).powi(2)).sqrt();
            let d = high.1.value - low.1.value;
            Estimate {
                value: d,
                lower: d - z * se,
                upper: d + z * se,
            }
        }
        _ => {
            let share = |e: &Entry| {
                let hits = (e.1.value * e.2 as f64).round() as usize;
                stats::wilson_z(hits, e.2, z)
            };
            stats::difference(&share(high)?, &share(low)?)
        }
    };
    let material = match measure {
        Measure::SelectionRate | Measure::AllocationRate => {
            high.1.value > 0.0 && low.1.value < FOUR_FIFTHS * high.1.value
        }
        _ => difference.value > MATERIAL_GAP,
    };
    if !(material && stats::excludes_zero(&difference)) {
        return None;
    }
    let mut flag = Flag {
        column: column.to_string(),
        measure,
        pathway: candidate.pathway.clone(),
        low_group: low.0.clone(),
        high_group: high.0.clone(),
        low: low.1.clone(),
        high: high.1.clone(),
        low_n: low.2,
        high_n: high.2,
        difference,
        comparisons,
        sentence: String::new(),
        history: None,
    };
    flag.sentence = sentence(&flag);
    Some(flag)
}

fn ratio(f: &Flag) -> String {
    pct(if f.high.value > 0.0 {
        f.low.value / f.high.value
    } else {
        0.0
    })
}

fn gap_words(f: &Flag) -> String {
    format!(
        "a gap of {} points, 95% interval {} to {}{}",
        points(f.difference.value),
        points(f.difference.lower),
        points(f.difference.upper),
        if f.comparisons > 1 {
            format!(", allowing for the audit's {} comparisons", f.comparisons)
        } else {
            String::new()
        }
    )
}

fn people(group: &str) -> String {
    format!("people with {group}")
}

fn sentence(f: &Flag) -> String {
    let (low, high) = (people(&f.low_group), people(&f.high_group));
    let pathway = f.pathway.clone().unwrap_or_default();
    match f.measure {
        Measure::SelectionRate => format!(
            "{}: {low} are suggested {pathway} {} as often as {high} ({} of referrals against {}; {}; {} and {} referrals). Below four-fifths.",
            f.column, ratio(f), pct(f.low.value), pct(f.high.value), gap_words(f), f.low_n, f.high_n
        ),
        Measure::Recall => format!(
            "{}: among people whose {pathway} worked, {low} are suggested it {} as often as {high} (recall {} against {}: {}; {} and {} such people).",
            f.column, ratio(f), pct(f.low.value), pct(f.high.value), gap_words(f), f.low_n, f.high_n
        ),
        Measure::BalancedAccuracy => format!(
            "{}: the model is right less often for {low} than for {high} (balanced accuracy {} against {}: {}; {} and {} referrals).",
            f.column, pct(f.low.value), pct(f.high.value), gap_words(f), f.low_n, f.high_n
        ),
        Measure::AllocationRate => format!(
            "{}: in history, {low} were allocated {pathway} {} as often as {high} ({} of referrals against {}; {}; {} and {} referrals). Below four-fifths.",
            f.column, ratio(f), pct(f.low.value), pct(f.high.value), gap_words(f), f.low_n, f.high_n
        ),
        Measure::SuccessRate => format!(
            "{}: in history, {pathway} worked less often for {low} than for {high} ({} of those allocated it against {}: {}; {} and {} referrals).",
            f.column, pct(f.low.value), pct(f.high.value), gap_words(f), f.low_n, f.high_n
        ),
    }
}

fn model_candidates(groups: &[GroupFigures], pathways: &[String]) -> Vec<Candidate> {
    let judged: Vec<&GroupFigures> = groups.iter().filter(|g| g.judged).collect();
    let mut out = Vec::new();
    for pathway in pathways {
        out.push(Candidate {
            measure: Measure::SelectionRate,
            pathway: Some(pathway.clone()),
            entries: judged
                .iter()
                .filter_map(|g| {
                    Some((g.group.clone(), g.selection_rate.get(pathway)?.clone(), g.n))
                })
                .collect(),
        });
        out.push(Candidate {
            measure: Measure::Recall,
            pathway: Some(pathway.clone()),
            entries: judged
                .iter()
                .filter_map(|g| {
                    let m = g.worked.get(pathway).copied().unwrap_or(0);
                    let e = g.recall.get(pathway)?;
                    (m >= MIN_WORKED).then(|| (g.group.clone(), e.clone(), m))
                })
                .collect(),
        });
    }
    out.push(Candidate {
        measure: Measure::BalancedAccuracy,
        pathway: None,
        entries: judged
            .iter()
            .filter_map(|g| Some((g.group.clone(), g.balanced_accuracy.clone()?, g.n)))
            .collect(),
    });
    out
}

fn history_candidates(history: &[HistoryFigures], pathways: &[String]) -> Vec<Candidate> {
    let judged: Vec<&HistoryFigures> = history.iter().filter(|g| g.judged).collect();
    let mut out = Vec::new();
    for pathway in pathways {
        out.push(Candidate {
            measure: Measure::AllocationRate,
            pathway: Some(pathway.clone()),
            entries: judged
                .iter()
                .filter_map(|g| {
                    Some((
                        g.group.clone(),
                        g.allocation_rate.get(pathway)?.clone(),
                        g.n,
                    ))
                })
                .collect(),
        });
        out.push(Candidate {
            measure: Measure::SuccessRate,
            pathway: Some(pathway.clone()),
            entries: judged
                .iter()
                .filter_map(|g| {
                    let e = g.success_rate.get(pathway)?;
                    let m = g
                        .allocation_rate
                        .get(pathway)
                        .map_or(0, |a| (a.value * g.n as f64).round() as usize);
                    (m >= MIN_WORKED).then(|| (g.group.clone(), e.clone(), m))
                })
                .collect(),
        });
    }
    out
}

/// Whether history allocated the flagged pathway to the same two groups
/// with a gap in the same direction: the model carries it, or adds it.
fn history_note(flag: &Flag, history: &[HistoryFigures]) -> Option<String> {
    let pathway = flag.pathway.as_ref()?;
    let find = |group: &str| history.iter().find(|h| h.group == group);
    let (low, high) = (find(&flag.low_group)?, find(&flag.high_group)?);
    let (a, b) = (
        low.allocation_rate.get(pathway)?,
        high.allocation_rate.get(pathway)?,
    );
    let difference = stats::difference(b, a);
    let same =
        b.value > 0.0 && a.value < FOUR_FIFTHS * b.value && stats::excludes_zero(&difference);
    Some(if same {
        format!(
            "History shows the same gap: {} were allocated {pathway} {} as often ({} against {}), so the model carries a bias of the past.",
            people(&flag.low_group),
            pct(a.value / b.value),
            pct(a.value),
            pct(b.value)
        )
    } else {
        format!(
            "History shows no such gap in who was allocated {pathway} ({} against {}), so the model adds it.",
            pct(a.value),
            pct(b.value)
        )
    })
}
