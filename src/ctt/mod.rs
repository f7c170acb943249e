//! Classical test theory: item statistics and reliability (the Item Analysis tool).
//!
//! [`item_analysis`] computes, per item, the number answering, omits, mean, SD, SE of the mean,
//! maximum score, p-value, item-rest and item-total correlations, biserial / polyserial
//! correlation, alpha if item deleted and score frequencies; and for the test the total-score
//! mean and SD, Cronbach's alpha (KR-20 when every item is binary), the SEM and the score
//! distribution.
//!
//! All correlations and alpha are functions of the item covariance matrix `C` through three
//! quantities per analysis: `v_j = C_jj`, `c_j = Σ_k C_jk` (the covariance of item j with the
//! total) and `V = Σ_jk C_jk` (the total-score variance), exactly as `psych::alpha` derives them.
//! With complete data (or listwise deletion) they are the ordinary sample covariances of each item
//! with the total score; with missing data and pairwise handling `C` is the pairwise covariance
//! matrix (each entry over the examinees who answered both items).

mod correlation;
pub mod distractors;
mod moments;
mod reliability;

pub use correlation::polyserial_ad_hoc;
pub use reliability::{alpha_from_covariances, alpha_if_deleted};

use crate::data::ResponseMatrix;
use crate::error::{ErrorCode, InputError, Result, Warning};
use crate::EngineInfo;
use serde::{Deserialize, Serialize};

/// Items with a p-value below this are flagged `p_low` (too hard).
pub const P_LOW: f64 = 0.15;
/// Items with a p-value above this are flagged `p_high` (too easy).
pub const P_HIGH: f64 = 0.85;
/// Items whose item-rest correlation is below this are flagged `item_rest_low`.
pub const ITEM_REST_LOW: f64 = 0.20;

/// How missing responses enter the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingHandling {
    /// Each statistic uses every examinee who answered the items involved; covariances are
    /// pairwise (the default, as `psych::alpha`).
    #[default]
    Pairwise,
    /// Only examinees who answered every item are used.
    Listwise,
}

impl std::str::FromStr for MissingHandling {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "pairwise" => Ok(MissingHandling::Pairwise),
            "listwise" => Ok(MissingHandling::Listwise),
            _ => Err(crate::Error::option(
                "missing",
                format!("'{s}' is not a way of handling missing data"),
                "Use 'pairwise' (the default) or 'listwise'.",
            )),
        }
    }
}

/// Options of the item analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemAnalysisOptions {
    /// Missing-data handling (default pairwise).
    #[serde(default)]
    pub missing: MissingHandling,
}

/// Statistics of one item. Undefined values (e.g. the correlations of a constant item) are `None`
/// (JSON `null`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemStatistics {
    /// Item name (the column header).
    pub item: String,
    /// Examinees who answered the item (among those used).
    pub n: usize,
    /// Examinees with a missing response to the item (in the whole file).
    pub omits: usize,
    /// Mean score.
    pub mean: f64,
    /// Standard deviation of the scores (denominator n − 1).
    pub sd: Option<f64>,
    /// Standard error of the mean, sd / √n.
    pub se_mean: Option<f64>,
    /// Highest observed score (at least 1).
    pub max_score: u8,
    /// Mean divided by the maximum score (the proportion correct for a binary item).
    pub p_value: f64,
    /// Pearson correlation of the item with the total of the other items (corrected item-total).
    pub item_rest_r: Option<f64>,
    /// Pearson correlation of the item with the total score including the item.
    pub item_total_r: Option<f64>,
    /// Biserial correlation with the rest score (binary items only).
    pub biserial_r: Option<f64>,
    /// Polyserial correlation with the rest score (polytomous items only).
    pub polyserial_r: Option<f64>,
    /// Alpha of the test without this item (None with fewer than three items).
    pub alpha_if_deleted: Option<f64>,
    /// Count of each score 0..=max_score among those who answered.
    pub frequencies: Vec<usize>,
    /// Flags: `p_low`, `p_high`, `item_rest_low`, `constant`.
    pub flags: Vec<&'static str>,
}

/// Test-level statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestStatistics {
    /// Examinees whose total score enters the statistics.
    pub n_persons: usize,
    /// Number of items.
    pub n_items: usize,
    /// Mean total score.
    pub mean: f64,
    /// SD of the total scores (n − 1).
    pub sd: Option<f64>,
    /// Coefficient alpha.
    pub alpha: Option<f64>,
    /// `"KR-20"` when every item is binary, else `"Cronbach"`.
    pub alpha_kind: &'static str,
    /// Standard error of measurement, sd · √(1 − alpha).
    pub sem: Option<f64>,
    /// Lowest observed total score.
    pub min_score: u64,
    /// Highest observed total score.
    pub max_score: u64,
    /// Sum of the items' maximum scores.
    pub max_possible: u64,
}

/// How many examinees obtained a total score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ScoreCount {
    /// The total score.
    pub score: u64,
    /// Number of examinees with it.
    pub count: usize,
}

/// The result of [`item_analysis`]; documented field by field in `docs/json/items.md`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemAnalysis {
    /// Always `"item_analysis"`.
    pub tool: &'static str,
    /// Engine name and version.
    pub engine: EngineInfo,
    /// The file analysed.
    pub file: String,
    /// The options in effect.
    pub options: ItemAnalysisOptions,
    /// Examinees in the file.
    pub n_persons: usize,
    /// Examinees used (after listwise deletion; with pairwise handling, those who answered at least one item).
    pub n_persons_used: usize,
    /// Items analysed.
    pub n_items: usize,
    /// `"id"` when the file had an id column.
    pub id_column: Option<&'static str>,
    /// `"group"` when the file had a group column.
    pub group_column: Option<&'static str>,
    /// Per-item statistics, in file order.
    pub items: Vec<ItemStatistics>,
    /// Test-level statistics.
    pub test: TestStatistics,
    /// Total-score distribution from 0 to the maximum possible score.
    pub score_distribution: Vec<ScoreCount>,
    /// The answer key's summary when the file held raw choices (null otherwise).
    pub key: Option<KeySummary>,
    /// Distractor analysis of the multiple-choice items (null without an answer key).
    pub distractors: Option<Vec<distractors::DistractorItem>>,
    /// Non-fatal findings.
    pub warnings: Vec<Warning>,
}

/// What the answer key did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeySummary {
    /// The key file's name.
    pub file: String,
    /// Options A.. up to the highest letter in the response file.
    pub n_options: u8,
    /// Multiple-choice items (rescored 0/1).
    pub multiple_choice_items: usize,
    /// Items keyed `scored` (passed through).
    pub scored_items: usize,
    /// How omits were scored: `"wrong"` (0) or `"missing"`.
    pub omits: crate::data::OmitScoring,
}

/// Item analysis of raw choices rescored with an answer key: [`item_analysis`] of the rescored
/// matrix, with the key's summary and the distractor analysis.
///
/// # Errors
/// As [`item_analysis`].
pub fn item_analysis_with_key(
    choices: &crate::data::ScoredChoices,
    key_file: &str,
    omits: crate::data::OmitScoring,
    options: &ItemAnalysisOptions,
) -> Result<ItemAnalysis> {
    let mut result = item_analysis(&choices.scored, options)?;
    let mc = choices.keys.iter().filter(|k| k.is_some()).count();
    result.key = Some(KeySummary {
        file: key_file.to_string(),
        n_options: choices.n_options,
        multiple_choice_items: mc,
        scored_items: choices.keys.len() - mc,
        omits,
    });
    result.distractors = Some(distractors::distractor_analysis(choices));
    Ok(result)
}

/// Classical item analysis of a response matrix.
///
/// # Formulas
/// With `v_j`, `c_j`, `V` as in the module documentation and `k` items:
/// - item-total r: `c_j / √(v_j V)`; item-rest r: `(c_j − v_j) / √(v_j (V − 2c_j + v_j))`;
/// - alpha: `k/(k−1) · (1 − Σ v_j / V)` (Cronbach, 1951), which is KR-20 for binary items
///   (Kuder & Richardson, 1937);
/// - alpha if item j is deleted: the same with `k−1` items, `Σv − v_j` and `V − 2c_j + v_j`;
/// - SEM: `sd_total · √(1 − alpha)`;
/// - biserial / polyserial: the ad hoc estimator `r_rest · σ_x / Σ_k φ(τ_k)` (Olsson, Drasgow &
///   Dorans, 1982), τ_k = Φ⁻¹(P(X < k)), σ_x the item's population SD.
///
/// # Errors
/// Listwise deletion that leaves fewer than two examinees.
pub fn item_analysis(data: &ResponseMatrix, options: &ItemAnalysisOptions) -> Result<ItemAnalysis> {
    let k = data.n_items();
    let mut warnings = data.warnings().to_vec();
    let m = moments::Moments::compute(data, options.missing);
    if m.n_used < 2 {
        let (code, problem, hint) = match options.missing {
            MissingHandling::Listwise => (
                ErrorCode::NoCompleteRows,
                format!("only {} examinee(s) answered every item, so listwise deletion leaves too few", m.n_used),
                "Use pairwise handling of missing data, or remove the items most examinees skipped.",
            ),
            MissingHandling::Pairwise => (
                ErrorCode::TooFewData,
                format!("only {} examinee(s) answered any item", m.n_used),
                "Item analysis needs at least two examinees.",
            ),
        };
        return Err(InputError::new(code, data.file(), problem)
            .hint(hint)
            .build());
    }
    warnings.extend(m.warnings.iter().cloned());

    let v: Vec<f64> = m.item_var.iter().map(|x| x.unwrap_or(0.0)).collect();
    let sum_v: f64 = v.iter().sum();
    let alpha = alpha_from_covariances(k, sum_v, m.total_cov);
    let all_binary = m.freq.iter().all(|f| f.len() <= 2);

    let mut items = Vec::with_capacity(k);
    for j in 0..k {
        let n = m.n[j];
        let freq = &m.freq[j];
        let max_score = (freq.len().saturating_sub(1)).max(1) as u8;
        let mean = m.sum[j] as f64 / n as f64;
        let var = m.item_var[j];
        let sd = var.map(f64::sqrt);
        let constant = freq.iter().filter(|&&c| c > 0).count() <= 1;
        let (item_total_r, item_rest_r) = if constant {
            (None, None)
        } else {
            reliability::item_correlations(v[j], m.item_total_cov[j], m.total_cov)
        };
        let pop_sd = var.map(|x| (x * (n as f64 - 1.0) / n as f64).sqrt());
        let serial = match (item_rest_r, pop_sd) {
            (Some(r), Some(s)) => polyserial_ad_hoc(r, s, freq),
            _ => None,
        };
        let binary = freq.len() <= 2;
        let p_value = mean / max_score as f64;
        let mut flags = Vec::new();
        if p_value < P_LOW {
            flags.push("p_low");
        }
        if p_value > P_HIGH {
            flags.push("p_high");
        }
        if item_rest_r.is_some_and(|r| r < ITEM_REST_LOW) {
            flags.push("item_rest_low");
        }
        if constant {
            flags.push("constant");
        }
        items.push(ItemStatistics {
            item: data.items()[j].clone(),
            n,
            omits: data.n_persons() - data.answered()[j],
            mean,
            sd,
            se_mean: sd.map(|s| s / (n as f64).sqrt()),
            max_score,
            p_value,
            item_rest_r,
            item_total_r,
            biserial_r: if binary { serial } else { None },
            polyserial_r: if binary { None } else { serial },
            alpha_if_deleted: alpha_if_deleted(k, sum_v, m.total_cov, v[j], m.item_total_cov[j]),
            frequencies: freq.clone(),
            flags,
        });
    }

    let totals = &m.totals;
    let sd_total = totals.sd();
    let test = TestStatistics {
        n_persons: totals.n,
        n_items: k,
        mean: totals.mean(),
        sd: sd_total,
        alpha,
        alpha_kind: if all_binary { "KR-20" } else { "Cronbach" },
        sem: match (sd_total, alpha) {
            (Some(s), Some(a)) if a <= 1.0 => Some(s * (1.0 - a).max(0.0).sqrt()),
            _ => None,
        },
        min_score: totals.min,
        max_score: totals.max,
        max_possible: m.max_possible,
    };
    let score_distribution = totals
        .counts
        .iter()
        .enumerate()
        .map(|(s, &count)| ScoreCount {
            score: s as u64,
            count,
        })
        .collect();

    Ok(ItemAnalysis {
        tool: "item_analysis",
        engine: EngineInfo::current(),
        file: data.file().to_string(),
        options: *options,
        n_persons: data.n_persons(),
        n_persons_used: m.n_used,
        n_items: k,
        id_column: data.ids().map(|_| "id"),
        group_column: data.groups().map(|_| "group"),
        items,
        test,
        score_distribution,
        key: None,
        distractors: None,
        warnings,
    })
}
