//! Distractor analysis of multiple-choice items (raw choices rescored with an answer key): per
//! item and option (and omits), the share of examinees choosing it overall and within five
//! groups of the rest score, and the option-rest point-biserial correlation.
//!
//! The rest score of item j is the examinee's total over the other items of the rescored test
//! (missing 0). The five score groups are per item, by the rest score's mid-rank percentile
//! `PR = (n_below + n_equal/2)/N`: group `min(4, ⌊5 PR⌋)` (so examinees with the same rest score
//! share a group; the groups are near quintiles). The option-rest point-biserial is the Pearson
//! correlation of choosing the option (1/0) with the rest score over every examinee; a
//! distractor (not the key) with a positive one is flagged: examinees who do better on the rest
//! of the test choose it more often (Haladyna, 2004).

use crate::data::{option_letter, ScoredChoices, MISSING};
use serde::Serialize;

/// Number of rest-score groups.
pub const SCORE_GROUPS: usize = 5;

/// One option (or the omits) of one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionStatistics {
    /// `"A"`, `"B"`, … or `"omit"`.
    pub option: String,
    /// Whether it is the key.
    pub key: bool,
    /// Examinees choosing it.
    pub count: usize,
    /// Their share of all examinees.
    pub proportion: f64,
    /// Its share within each rest-score group, lowest group first (null for an empty group).
    pub by_group: Vec<Option<f64>>,
    /// Option-rest point-biserial (null when nobody or everybody chose it, or the rest score
    /// is constant).
    pub rest_r: Option<f64>,
    /// A distractor with a positive option-rest correlation.
    pub flagged: bool,
}

/// One multiple-choice item's distractor analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistractorItem {
    /// Item name.
    pub item: String,
    /// The key's letter.
    pub key: String,
    /// Examinees in each rest-score group, lowest first.
    pub group_sizes: Vec<usize>,
    /// The lowest and highest rest score in each group (null for an empty group).
    pub group_ranges: Vec<Option<(u32, u32)>>,
    /// The options A.. and then the omits.
    pub options: Vec<OptionStatistics>,
}

/// The mean and population SD of the rest scores (shared by every option of an item).
struct RestMoments {
    mean: f64,
    sd: f64,
}

impl RestMoments {
    fn of(y: &[f64]) -> RestMoments {
        let n = y.len() as f64;
        let mean = y.iter().sum::<f64>() / n;
        let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        RestMoments { mean, sd }
    }
}

/// Pearson correlation of a 0/1 indicator with `y` (None when either is constant), from the
/// mean of `y` among the chosen: `(m1 − m)/sd · √(p/(1 − p))`.
fn point_biserial(chosen: &[bool], y: &[f64], moments: &RestMoments) -> Option<f64> {
    let n = y.len() as f64;
    let n1 = chosen.iter().filter(|&&c| c).count() as f64;
    if n1 == 0.0 || n1 == n || moments.sd == 0.0 {
        return None;
    }
    let mean1 = chosen
        .iter()
        .zip(y)
        .filter(|(&c, _)| c)
        .map(|(_, v)| v)
        .sum::<f64>()
        / n1;
    let p = n1 / n;
    Some((mean1 - moments.mean) / moments.sd * (p / (1.0 - p)).sqrt())
}

/// The distractor analysis of every multiple-choice item (items keyed `scored` are left out).
pub fn distractor_analysis(choices: &ScoredChoices) -> Vec<DistractorItem> {
    let data = &choices.scored;
    let (n, k) = (data.n_persons(), data.n_items());
    let totals: Vec<u32> = (0..n)
        .map(|p| {
            data.person(p)
                .iter()
                .filter(|&&x| x != MISSING)
                .map(|&x| u32::from(x))
                .sum()
        })
        .collect();
    let mut out = Vec::new();
    for j in 0..k {
        let Some(key) = choices.keys[j] else { continue };
        let rest: Vec<u32> = (0..n)
            .map(|p| {
                let x = data.person(p)[j];
                totals[p] - if x == MISSING { 0 } else { u32::from(x) }
            })
            .collect();
        let top = rest.iter().max().copied().unwrap_or(0) as usize;
        let mut at = vec![0usize; top + 1];
        for &r in &rest {
            at[r as usize] += 1;
        }
        let mut below = vec![0usize; top + 1];
        for r in 1..=top {
            below[r] = below[r - 1] + at[r - 1];
        }
        let group: Vec<usize> = rest
            .iter()
            .map(|&r| {
                let pr = (below[r as usize] as f64 + at[r as usize] as f64 / 2.0) / n as f64;
                ((SCORE_GROUPS as f64 * pr) as usize).min(SCORE_GROUPS - 1)
            })
            .collect();
        let mut group_sizes = vec![0usize; SCORE_GROUPS];
        let mut group_ranges: Vec<Option<(u32, u32)>> = vec![None; SCORE_GROUPS];
        for (&g, &r) in group.iter().zip(&rest) {
            group_sizes[g] += 1;
            group_ranges[g] = Some(match group_ranges[g] {
                None => (r, r),
                Some((lo, hi)) => (lo.min(r), hi.max(r)),
            });
        }
        let rest_f: Vec<f64> = rest.iter().map(|&r| f64::from(r)).collect();
        let moments = RestMoments::of(&rest_f);
        let column: Vec<u8> = (0..n).map(|p| choices.choices[p * k + j]).collect();
        let stats = |label: String, is_key: bool, chosen: Vec<bool>| {
            let count = chosen.iter().filter(|&&c| c).count();
            let mut in_group = [0usize; SCORE_GROUPS];
            for (&c, &g) in chosen.iter().zip(&group) {
                in_group[g] += usize::from(c);
            }
            let rest_r = point_biserial(&chosen, &rest_f, &moments);
            OptionStatistics {
                option: label.clone(),
                key: is_key,
                count,
                proportion: count as f64 / n as f64,
                by_group: in_group
                    .iter()
                    .zip(&group_sizes)
                    .map(|(&c, &s)| (s > 0).then(|| c as f64 / s as f64))
                    .collect(),
                rest_r,
                flagged: !is_key && label != "omit" && rest_r.is_some_and(|r| r > 0.0),
            }
        };
        let mut options: Vec<OptionStatistics> = (0..choices.n_options)
            .map(|o| {
                stats(
                    option_letter(o).to_string(),
                    o == key,
                    column.iter().map(|&c| c == o).collect(),
                )
            })
            .collect();
        options.push(stats(
            "omit".into(),
            false,
            column.iter().map(|&c| c == MISSING).collect(),
        ));
        out.push(DistractorItem {
            item: data.items()[j].clone(),
            key: option_letter(key).to_string(),
            group_sizes,
            group_ranges,
            options,
        });
    }
    out
}
