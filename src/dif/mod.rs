//! Differential item functioning between a reference group and one or more focal groups,
//! matched on the total score: Mantel-Haenszel ([`mantel_haenszel`]), the standardization index
//! ([`standardization`]) and logistic regression ([`logistic`]), with optional purification of
//! the matching score.
//!
//! Matching: an examinee's score is the sum of their scores on the matching items (all items,
//! or after purification the items not flagged), the studied item always included, as difR; a
//! missing response counts 0 in the score, and an examinee missing the studied item is left out
//! of that item's statistics. Each focal group is compared with the reference group in turn
//! (the other groups' examinees left out). Purification (Holland & Thayer, 1988; difR's
//! `purify = TRUE`): the 0/1 items the Mantel-Haenszel test flags are taken out of the matching
//! score and the statistics recomputed, until the flagged set repeats or `max_iterations`
//! recomputations; every method then uses the final matching score.

pub mod logistic;
pub mod mantel_haenszel;
pub mod standardization;

use crate::data::{ResponseMatrix, MISSING};
use crate::error::{Error, ErrorCode, InputError, Result, Warning};
use crate::EngineInfo;
use logistic::{logistic_dif, LrTest};
use mantel_haenszel::{mantel_haenszel, Table};
use serde::Serialize;
use standardization::{standardized_difference, Level};
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// Options of [`dif`].
#[derive(Debug, Clone, PartialEq)]
pub struct DifOptions {
    /// The reference group's value in the group column.
    pub reference: String,
    /// Purify the matching score.
    pub purify: bool,
    /// Largest number of purification recomputations (difR's `nrIter`, 10).
    pub max_iterations: usize,
    /// Significance level of the tests and flags (0.05).
    pub alpha: f64,
    /// The Mantel-Haenszel chi-square's continuity correction (difR's default, true).
    pub continuity_correction: bool,
}

impl DifOptions {
    /// difR's defaults: α = 0.05, continuity correction, no purification, at most 10
    /// purification recomputations.
    pub fn new(reference: impl Into<String>) -> DifOptions {
        DifOptions {
            reference: reference.into(),
            purify: false,
            max_iterations: 10,
            alpha: 0.05,
            continuity_correction: true,
        }
    }
}

/// Mantel-Haenszel results of one item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MhResult {
    /// The MH chi-square (1 df).
    pub chi_square: f64,
    /// Its p-value.
    pub p: f64,
    /// The common odds ratio α_MH.
    pub alpha_mh: f64,
    /// MH D-DIF = −2.35 ln α_MH.
    pub delta_mh: f64,
    /// SE of MH D-DIF, 2.35 √var(ln α_MH).
    pub delta_se: f64,
    /// The variance of ln α_MH (Phillips & Holland).
    pub var_log_alpha: f64,
    /// The log odds-ratio z, ln α_MH / √var.
    pub log_or_z: f64,
    /// Whether the chi-square is significant at α.
    pub flagged: bool,
}

/// The standardization index of one item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StdResult {
    /// STD P-DIF (0/1 items) or SMD (polytomous), focal minus reference.
    pub value: f64,
    /// SMD over the item's score SD in the two groups (polytomous items; null for 0/1).
    pub relative_to_sd: Option<f64>,
    /// "A", "B" or "C" (see [`std_class`]).
    pub class: &'static str,
}

/// Logistic regression results of one item.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LogisticResult {
    /// Uniform DIF (M1 vs M0).
    pub uniform: LrTest,
    /// Non-uniform DIF (M2 vs M1).
    pub nonuniform: LrTest,
    /// Both (M2 vs M0, 2 df).
    pub both: LrTest,
    /// Jodoin & Gierl class of the 2-df test.
    pub class: &'static str,
    /// Whether every model's fit converged.
    pub converged: bool,
}

/// One item's DIF in one comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DifItem {
    /// Item name.
    pub item: String,
    /// "binary" or "polytomous".
    pub item_type: &'static str,
    /// Reference and focal examinees who answered the item.
    pub n_reference: usize,
    /// Focal examinees who answered the item.
    pub n_focal: usize,
    /// Mantel-Haenszel (0/1 items; null when undefined or polytomous).
    pub mh: Option<MhResult>,
    /// ETS classification (A, B, C) from MH D-DIF and its test.
    pub ets_class: Option<&'static str>,
    /// difR's effect-size code from |MH D-DIF| alone.
    pub effect_size_class: Option<&'static str>,
    /// Standardization index.
    pub std: Option<StdResult>,
    /// Logistic regression (0/1 items).
    pub logistic: Option<LogisticResult>,
}

/// The purification of one comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Purification {
    /// Recomputations of the statistics with a purified matching score.
    pub iterations: usize,
    /// Whether the flagged set repeated before the limit.
    pub converged: bool,
    /// The items of the final matching score (each studied item is added to it when absent).
    pub matching_items: Vec<String>,
}

/// One focal group against the reference group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DifComparison {
    /// The focal group.
    pub focal: String,
    /// Reference examinees.
    pub n_reference: usize,
    /// Focal examinees.
    pub n_focal: usize,
    /// The purification (null when not asked for).
    pub purification: Option<Purification>,
    /// Per item, in file order.
    pub items: Vec<DifItem>,
    /// The items the Mantel-Haenszel test flags.
    pub flagged_items: Vec<String>,
}

/// The result of [`dif`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DifAnalysis {
    /// `"dif"`.
    pub tool: &'static str,
    /// Engine name and version.
    pub engine: EngineInfo,
    /// The reference group.
    pub reference: String,
    /// The focal groups, in order of first appearance.
    pub focal_groups: Vec<String>,
    /// Examinees in the file.
    pub n_persons: usize,
    /// Examinees without a group value (left out).
    pub n_without_group: usize,
    /// Significance level.
    pub alpha: f64,
    /// Whether the MH chi-square has the continuity correction.
    pub continuity_correction: bool,
    /// Whether the matching score was purified.
    pub purify: bool,
    /// One per focal group.
    pub comparisons: Vec<DifComparison>,
    /// Notes (e.g. examinees without a group, a purification that did not settle).
    pub warnings: Vec<Warning>,
}

/// ETS's classification (Zwick, 2012): C when |D| ≥ 1.5 and |D| is significantly above 1
/// (one-sided at α, `(|D| − 1)/SE > z_{1−α}`), A when |D| < 1 or the MH chi-square is not
/// significant at α, B otherwise.
pub fn ets_class(mh: &MhResult, alpha: f64) -> &'static str {
    let d = mh.delta_mh.abs();
    let z = Normal::standard().inverse_cdf(1.0 - alpha);
    if d >= 1.5 && (d - 1.0) / mh.delta_se > z {
        "C"
    } else if d < 1.0 || mh.p >= alpha {
        "A"
    } else {
        "B"
    }
}

/// difR's effect-size code of |MH D-DIF|: A up to 1, B up to 1.5, C above.
pub fn effect_size_class(delta: f64) -> &'static str {
    let d = delta.abs();
    if d <= 1.0 {
        "A"
    } else if d <= 1.5 {
        "B"
    } else {
        "C"
    }
}

/// The standardization index's class: 0/1 items |STD P-DIF| below 0.05 A, below 0.10 B, else C
/// (Dorans & Kulick); polytomous items |SMD/SD| up to 0.17 A, up to 0.25 B, else C (Zwick,
/// Thayer & Mazzeo).
pub fn std_class(value: f64, relative_to_sd: Option<f64>) -> &'static str {
    match relative_to_sd {
        None if value.abs() < 0.05 => "A",
        None if value.abs() < 0.10 => "B",
        None => "C",
        Some(r) if r.abs() <= 0.17 => "A",
        Some(r) if r.abs() <= 0.25 => "B",
        Some(_) => "C",
    }
}

/// Jodoin & Gierl's class of a logistic regression test: A when ΔR² < 0.035 or the test is not
/// significant at α, C when ΔR² ≥ 0.070, B otherwise (A when ΔR² is undefined: a constant
/// answer shows no DIF).
pub fn jodoin_gierl_class(test: &LrTest, alpha: f64) -> &'static str {
    let r2 = test.r2_change.unwrap_or(0.0);
    if r2 < 0.035 || test.p >= alpha {
        "A"
    } else if r2 >= 0.070 {
        "C"
    } else {
        "B"
    }
}

/// The examinees of one comparison: indices, and 1 for focal, 0 for reference.
struct Members {
    persons: Vec<usize>,
    focal: Vec<bool>,
}

/// DIF of every item of `data` by its group column (see the module documentation).
///
/// # Errors
/// No group column, a reference group the column does not have, no focal group, or options out
/// of range.
pub fn dif(data: &ResponseMatrix, options: &DifOptions) -> Result<DifAnalysis> {
    if !(options.alpha > 0.0 && options.alpha < 1.0) {
        return Err(Error::option(
            "alpha",
            format!(
                "the significance level {} is not between 0 and 1",
                options.alpha
            ),
            "Use a level such as 0.05.",
        ));
    }
    let Some(groups) = data.groups() else {
        return Err(InputError::new(
            ErrorCode::MissingColumn,
            data.file(),
            "the file has no group column".to_string(),
        )
        .hint("Add a column named 'group' holding each examinee's group, or name the column that does (--group-column).")
        .build());
    };
    let mut seen: Vec<String> = Vec::new();
    for g in groups.iter().filter(|g| !g.is_empty()) {
        if !seen.contains(g) {
            seen.push(g.clone());
        }
    }
    if !seen.contains(&options.reference) {
        return Err(Error::option(
            "reference",
            format!(
                "the group column has no value '{}' (it has {})",
                options.reference,
                seen.iter()
                    .map(|g| format!("'{g}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "Name the reference group as it is written in the group column.",
        ));
    }
    let focal_groups: Vec<String> = seen
        .into_iter()
        .filter(|g| *g != options.reference)
        .collect();
    if focal_groups.is_empty() {
        return Err(Error::option(
            "reference",
            format!(
                "every examinee is in the reference group '{}'",
                options.reference
            ),
            "DIF compares groups: the group column needs at least one other value.",
        ));
    }
    let n_without_group = groups.iter().filter(|g| g.is_empty()).count();
    let mut warnings = Vec::new();
    if n_without_group > 0 {
        warnings.push(Warning {
            code: "no_group".into(),
            item: None,
            message: format!("{n_without_group} examinees have no group value and are left out"),
        });
    }
    let comparisons = focal_groups
        .iter()
        .map(|focal| {
            let mut persons = Vec::new();
            let mut is_focal = Vec::new();
            for (p, g) in groups.iter().enumerate() {
                if *g == options.reference || g == focal {
                    persons.push(p);
                    is_focal.push(g == focal);
                }
            }
            compare(
                data,
                focal,
                &Members {
                    persons,
                    focal: is_focal,
                },
                options,
                &mut warnings,
            )
        })
        .collect();
    Ok(DifAnalysis {
        tool: "dif",
        engine: EngineInfo::current(),
        reference: options.reference.clone(),
        focal_groups,
        n_persons: data.n_persons(),
        n_without_group,
        alpha: options.alpha,
        continuity_correction: options.continuity_correction,
        purify: options.purify,
        comparisons,
        warnings,
    })
}

/// Matching scores of the members: the sum over `matching` items (missing 0).
fn matching_scores(data: &ResponseMatrix, members: &Members, matching: &[bool]) -> Vec<u32> {
    members
        .persons
        .iter()
        .map(|&p| {
            data.person(p)
                .iter()
                .zip(matching)
                .filter(|(&x, &m)| m && x != MISSING)
                .map(|(&x, _)| u32::from(x))
                .sum()
        })
        .collect()
}

/// Mantel-Haenszel statistics of item j (None for polytomous items or when undefined) with the
/// matching scores `base` over `matching`, the item added when not in it.
fn mh_item(
    data: &ResponseMatrix,
    members: &Members,
    base: &[u32],
    matching: &[bool],
    j: usize,
    options: &DifOptions,
) -> Option<MhResult> {
    if data.max_scores()[j] > 1 {
        return None;
    }
    let top = base.iter().max().copied().unwrap_or(0) as usize + 1;
    let mut tables = vec![Table::default(); top + 1];
    for (i, &p) in members.persons.iter().enumerate() {
        let x = data.person(p)[j];
        if x == MISSING {
            continue;
        }
        let s = base[i] as usize + usize::from(!matching[j]) * usize::from(x);
        let t = &mut tables[s];
        match (members.focal[i], x) {
            (false, 1) => t.a += 1.0,
            (false, _) => t.b += 1.0,
            (true, 1) => t.c += 1.0,
            (true, _) => t.d += 1.0,
        }
    }
    let s = mantel_haenszel(&tables, options.continuity_correction)?;
    let p = ChiSquared::new(1.0)
        .map(|d| d.sf(s.chi_square))
        .unwrap_or(f64::NAN);
    let delta = -2.35 * s.alpha.ln();
    Some(MhResult {
        chi_square: s.chi_square,
        p,
        alpha_mh: s.alpha,
        delta_mh: delta,
        delta_se: 2.35 * s.var_log_alpha.sqrt(),
        var_log_alpha: s.var_log_alpha,
        log_or_z: s.alpha.ln() / s.var_log_alpha.sqrt(),
        flagged: p < options.alpha,
    })
}

/// One focal group against the reference group.
fn compare(
    data: &ResponseMatrix,
    focal: &str,
    members: &Members,
    options: &DifOptions,
    warnings: &mut Vec<Warning>,
) -> DifComparison {
    let k = data.n_items();
    let mut matching = vec![true; k];
    let mh_all = |matching: &[bool]| -> Vec<Option<MhResult>> {
        let base = matching_scores(data, members, matching);
        (0..k)
            .map(|j| mh_item(data, members, &base, matching, j, options))
            .collect()
    };
    let flagged_of = |mh: &[Option<MhResult>]| -> Vec<bool> {
        mh.iter().map(|m| m.is_some_and(|m| m.flagged)).collect()
    };
    let mut mh = mh_all(&matching);
    let mut purification = None;
    if options.purify {
        let mut flagged = flagged_of(&mh);
        let (mut iterations, mut converged) = (0, !flagged.iter().any(|&f| f));
        while !converged && iterations < options.max_iterations {
            iterations += 1;
            matching = flagged.iter().map(|&f| !f).collect();
            mh = mh_all(&matching);
            let next = flagged_of(&mh);
            converged = next == flagged;
            flagged = next;
        }
        if !converged {
            warnings.push(Warning {
                code: "purification_not_converged".into(),
                item: None,
                message: format!("focal group '{focal}': the purification's flagged items still changed after {iterations} recomputations; the last matching score is used"),
            });
        }
        purification = Some(Purification {
            iterations,
            converged,
            matching_items: (0..k)
                .filter(|&j| matching[j])
                .map(|j| data.items()[j].clone())
                .collect(),
        });
    }
    let base = matching_scores(data, members, &matching);
    let n_focal = members.focal.iter().filter(|&&f| f).count();
    let items: Vec<DifItem> = (0..k)
        .map(|j| item_dif(data, members, &base, &matching, j, mh[j], options))
        .collect();
    DifComparison {
        focal: focal.to_string(),
        n_reference: members.persons.len() - n_focal,
        n_focal,
        purification,
        flagged_items: items
            .iter()
            .filter(|i| i.mh.is_some_and(|m| m.flagged))
            .map(|i| i.item.clone())
            .collect(),
        items,
    }
}

/// Every statistic of item j on the final matching score.
fn item_dif(
    data: &ResponseMatrix,
    members: &Members,
    base: &[u32],
    matching: &[bool],
    j: usize,
    mh: Option<MhResult>,
    options: &DifOptions,
) -> DifItem {
    let binary = data.max_scores()[j] <= 1;
    let mut s = Vec::new();
    let mut g = Vec::new();
    let mut y = Vec::new();
    for (i, &p) in members.persons.iter().enumerate() {
        let x = data.person(p)[j];
        if x == MISSING {
            continue;
        }
        s.push(f64::from(base[i]) + if matching[j] { 0.0 } else { f64::from(x) });
        g.push(if members.focal[i] { 1.0 } else { 0.0 });
        y.push(f64::from(x));
    }
    let n_focal = g.iter().filter(|&&v| v == 1.0).count();
    let top = s.iter().fold(0.0f64, |a, &b| a.max(b)) as usize;
    let mut levels = vec![Level::default(); top + 1];
    for ((&si, &gi), &yi) in s.iter().zip(&g).zip(&y) {
        let l = &mut levels[si as usize];
        if gi == 1.0 {
            l.n_focal += 1.0;
            l.sum_focal += yi;
        } else {
            l.n_reference += 1.0;
            l.sum_reference += yi;
        }
    }
    let std = standardized_difference(&levels).map(|value| {
        // SMD / SD of the item score; undefined (None) when every score is the same.
        let relative_to_sd = (!binary)
            .then(|| {
                let n = y.len() as f64;
                let mean = y.iter().sum::<f64>() / n;
                let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
                (sd > 0.0).then(|| value / sd)
            })
            .flatten();
        StdResult {
            value,
            relative_to_sd,
            class: std_class(value, relative_to_sd),
        }
    });
    let logistic = binary.then(|| {
        let ([uniform, nonuniform, both], converged) = logistic_dif(&s, &g, &y);
        LogisticResult {
            uniform,
            nonuniform,
            both,
            class: jodoin_gierl_class(&both, options.alpha),
            converged,
        }
    });
    DifItem {
        item: data.items()[j].clone(),
        item_type: if binary { "binary" } else { "polytomous" },
        n_reference: y.len() - n_focal,
        n_focal,
        ets_class: mh.as_ref().map(|m| ets_class(m, options.alpha)),
        effect_size_class: mh.as_ref().map(|m| effect_size_class(m.delta_mh)),
        mh,
        std,
        logistic,
    }
}
