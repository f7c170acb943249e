//! Test Scoring: person ability estimates, the summed-score conversion table, test
//! characteristics and score reporting, from item parameters (a calibration's, or a file's).
//!
//! - ML, MAP and WLE per response pattern ([`person`]); EAP as the mean and SD of the posterior
//!   `π(θ_t) Π_j P_j(x_j | θ_t)` over a rectangular grid (mirt: 61 nodes on [−6, 6]) under a
//!   N(mean, sd²) prior; EAP for summed scores from the Lord-Wingersky (1984) summed-score
//!   likelihoods (Thissen, Pommerich, Billeaud & Williams, 1995).
//! - Summed scores count each item's lowest category as 0 (as mirt), so they equal raw sums for
//!   items scored 0..K−1.
//! - Test characteristics: `TCC(θ) = Σ_j E[X_j | θ]`, `TIF(θ) = Σ_j I_j(θ)`,
//!   `CSEM(θ) = 1/√TIF(θ)`, marginal reliability `σ² / (σ² + Σ_t π_t / TIF(θ_t))` (mirt's
//!   `marginal_rxx`).
//! - Reporting: a linear scale `round(slope·θ + intercept)` clamped to the lowest and highest
//!   obtainable scale scores (which also go to ML's infinite estimates), performance levels from
//!   cut scores on the reported scale, each examinee's probability of being above each cut by the
//!   normal approximation `Φ((θ̂ − θ_cut)/SE)`, and Rudner's (2001) expected classification
//!   accuracy (mean probability of the assigned level) and consistency (mean Σ_l P_l²).

pub mod person;

use crate::data::{ParameterItem, ResponseMatrix, MISSING};
use crate::error::{Error, ErrorCode, InputError, Result, Warning};
use crate::irt::item_fit::{category_tables, lord_wingersky_nodes};
use crate::irt::patterns::Patterns;
use crate::irt::{PolyItem, Quadrature};
use crate::vecmath;
use crate::EngineInfo;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

/// How abilities are estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoringMethod {
    /// Maximum likelihood (Newton; no finite estimate for all-lowest / all-highest patterns).
    Ml,
    /// Maximum a posteriori under the normal prior.
    Map,
    /// Expected a posteriori under the normal prior.
    Eap,
    /// Warm's weighted likelihood.
    Wle,
    /// EAP of the summed score.
    Eapsum,
}

/// A linear transformation of θ to a reporting scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleTransform {
    /// Multiplier of θ.
    pub slope: f64,
    /// Added after multiplying.
    pub intercept: f64,
    /// Decimals kept when rounding (default 0).
    #[serde(default)]
    pub decimals: Option<u32>,
    /// Lowest obtainable scale score.
    #[serde(default)]
    pub min: Option<f64>,
    /// Highest obtainable scale score.
    #[serde(default)]
    pub max: Option<f64>,
}

impl ScaleTransform {
    /// The scale score of θ (rounded, clamped).
    pub fn apply(&self, theta: f64) -> f64 {
        let f = 10f64.powi(self.decimals.unwrap_or(0) as i32);
        let mut v = ((self.slope * theta + self.intercept) * f).round() / f;
        if let Some(m) = self.min {
            v = v.max(m);
        }
        if let Some(m) = self.max {
            v = v.min(m);
        }
        v
    }
}

/// Scoring options.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoringOptions {
    /// Estimation method.
    pub method: ScoringMethod,
    /// The scaling constant D the parameter file's IRT-metric slopes were read with.
    pub d_constant: f64,
    /// Prior mean (MAP, EAP, EAP sum; and the marginal reliability).
    pub prior_mean: f64,
    /// Prior SD.
    pub prior_sd: f64,
    /// Quadrature nodes (EAP, EAP sum), equally spaced on [−6, 6].
    pub quadrature_nodes: usize,
    /// θ values at which the test characteristics are reported.
    pub theta_points: Vec<f64>,
    /// Reporting scale.
    pub scale: Option<ScaleTransform>,
    /// Cut scores on the reported scale (scale scores when a scale is given, else θ), increasing.
    pub cuts: Vec<f64>,
    /// Names of the performance levels (one more than cuts); default "Level 1", ....
    pub levels: Vec<String>,
}

impl Default for ScoringOptions {
    fn default() -> Self {
        ScoringOptions {
            method: ScoringMethod::Eap,
            d_constant: crate::irt::IrtOptions::new(crate::irt::IrtModel::TwoPl).d_constant,
            prior_mean: 0.0,
            prior_sd: 1.0,
            quadrature_nodes: 61,
            // i / 10 rather than −4 + 0.1 i, so the points print as −2.6, not −2.5999999999999996.
            theta_points: (-40..=40).map(|i| i as f64 / 10.0).collect(),
            scale: None,
            cuts: Vec::new(),
            levels: Vec::new(),
        }
    }
}

impl ScoringOptions {
    /// Checks the options.
    ///
    /// # Errors
    /// A prior SD not above 0, too few nodes, cut scores out of order, level names not one more
    /// than the cuts, a scale slope of 0.
    pub fn check(&self) -> Result<()> {
        // Above SD 1,000 the prior is flat over any θ scale (and its variance may overflow).
        if !(self.prior_sd > 0.0 && self.prior_sd <= 1e3 && self.prior_mean.is_finite()) {
            return Err(Error::option(
                "prior-sd",
                format!(
                    "the prior N({}, {}²) is not usable",
                    self.prior_mean, self.prior_sd
                ),
                "Give a finite mean and an SD above 0 and at most 1000 (default N(0, 1)).",
            ));
        }
        if !(self.d_constant > 0.0 && self.d_constant.is_finite()) {
            return Err(Error::option(
                "D",
                format!("D = {} is not positive", self.d_constant),
                "Use 1 (logistic metric) or 1.702 (normal-ogive metric).",
            ));
        }
        if self.quadrature_nodes < 5 {
            return Err(Error::option(
                "quadrature",
                format!("{} nodes are too few", self.quadrature_nodes),
                "Use at least 5 (mirt's default is 61).",
            ));
        }
        if self.cuts.windows(2).any(|w| w[1] <= w[0]) || self.cuts.iter().any(|c| !c.is_finite()) {
            return Err(Error::option(
                "cuts",
                format!("the cut scores {:?} are not increasing numbers", self.cuts),
                "List the cut scores from lowest to highest, e.g. -0.5,0.8.",
            ));
        }
        if !self.levels.is_empty() && self.levels.len() != self.cuts.len() + 1 {
            return Err(Error::option(
                "levels",
                format!(
                    "{} level names for {} cut scores",
                    self.levels.len(),
                    self.cuts.len()
                ),
                "Give one more level name than cut scores (the levels below, between and above them).",
            ));
        }
        if let Some(s) = &self.scale {
            if !(s.slope != 0.0 && s.slope.is_finite() && s.intercept.is_finite()) {
                return Err(Error::option(
                    "scale",
                    format!("the scale slope {} and intercept {} are not usable", s.slope, s.intercept),
                    "Give a non-zero slope and a finite intercept, e.g. slope 15 and intercept 100.",
                ));
            }
        }
        Ok(())
    }
}

/// One examinee's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonScore {
    /// The examinee's position in the response file (1-based; the file row is this + 1).
    pub row: usize,
    /// Ability estimate (null when there is none: ML for all-lowest / all-highest patterns, or
    /// no item answered).
    pub theta: Option<f64>,
    /// Its standard error (posterior SD for EAP).
    pub se: Option<f64>,
    /// Summed score over the answered items (lowest category counted 0).
    pub sum_score: u32,
    /// Items answered.
    pub answered: usize,
    /// `"minimum"` / `"maximum"` when every answered item is in its lowest / highest category.
    pub extreme: Option<&'static str>,
    /// Scale score (with a scale): ML's infinite estimates get the lowest / highest obtainable.
    pub scale_score: Option<f64>,
    /// Performance level (0-based), with cut scores.
    pub level: Option<usize>,
    /// Probability of being above each cut (normal approximation).
    pub p_above: Vec<f64>,
}

/// One row of the summed-score conversion table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SumScoreRow {
    /// Summed score (lowest categories counted 0).
    pub sum_score: u32,
    /// EAP of θ given the summed score (`None` when the score's probability underflows to 0).
    pub theta: Option<f64>,
    /// Posterior SD (`None` as `theta`).
    pub se: Option<f64>,
    /// Its scale score (with a scale).
    pub scale_score: Option<f64>,
    /// Examinees answering every item with this summed score.
    pub n: usize,
    /// Expected number of them under the model and prior (complete responders × P(s)).
    pub expected: f64,
}

/// Test characteristics at the requested θ points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Characteristics {
    /// θ points.
    pub theta: Vec<f64>,
    /// Test characteristic curve: expected summed score.
    pub tcc: Vec<f64>,
    /// Test information.
    pub tif: Vec<f64>,
    /// Conditional standard error of measurement, 1/√TIF; `None` where the information is 0
    /// (far from every item it underflows).
    pub csem: Vec<Option<f64>>,
    /// Highest summed score.
    pub max_score: u32,
}

/// Distribution of the estimates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreSummary {
    /// Examinees with an estimate.
    pub n_scored: usize,
    /// Examinees with an all-lowest or all-highest pattern.
    pub n_extreme: usize,
    /// Mean, SD (N − 1), minimum and maximum of the estimates.
    pub mean: Option<f64>,
    /// SD.
    pub sd: Option<f64>,
    /// Minimum.
    pub min: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
}

/// One performance level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    /// Name.
    pub name: String,
    /// Examinees assigned to it.
    pub n: usize,
}

/// Classification into performance levels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// Cut scores on the reported scale.
    pub cuts: Vec<f64>,
    /// The levels.
    pub levels: Vec<Level>,
    /// Rudner's expected classification accuracy.
    pub accuracy: f64,
    /// Expected classification consistency (two parallel administrations).
    pub consistency: f64,
}

/// The result of [`score`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestScoring {
    /// Always `"test_scoring"`.
    pub tool: &'static str,
    /// Engine name and version.
    pub engine: EngineInfo,
    /// Response file.
    pub file: String,
    /// Parameter file (or `"calibration"`).
    pub params_file: String,
    /// The options used.
    pub options: ScoringOptions,
    /// Examinees.
    pub n_persons: usize,
    /// Items.
    pub n_items: usize,
    /// Item names.
    pub items: Vec<String>,
    /// One record per examinee, in input order.
    pub persons: Vec<PersonScore>,
    /// Summed-score conversion table (EAP of each summed score).
    pub eapsum_table: Vec<SumScoreRow>,
    /// Test characteristics.
    pub characteristics: Characteristics,
    /// Marginal reliability.
    pub marginal_reliability: f64,
    /// Distribution of the estimates.
    pub summary: ScoreSummary,
    /// Performance levels (with cut scores).
    pub classification: Option<Classification>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// Matches the response file's items to the parameter file's and recodes scores to categories.
///
/// # Errors
/// An item without parameters, parameters for an item the file does not have, a response that is
/// not one of the item's scores.
pub fn match_items(
    data: &ResponseMatrix,
    params: &[ParameterItem],
    params_file: &str,
) -> Result<(Vec<PolyItem>, Vec<u8>)> {
    let names = data.items();
    for p in params {
        if !names.contains(&p.item) {
            return Err(InputError::new(
                ErrorCode::ItemMismatch,
                params_file,
                format!(
                    "the parameter file has item '{}', which the response file '{}' does not have",
                    p.item,
                    data.file()
                ),
            )
            .row(p.row)
            .column("item")
            .value(p.item.clone())
            .hint("Use the item names of the response file's header, or remove the row.")
            .build());
        }
    }
    let mut items = Vec::with_capacity(names.len());
    let mut lookup = Vec::with_capacity(names.len());
    for name in names {
        let Some(p) = params.iter().find(|p| &p.item == name) else {
            return Err(InputError::new(
                ErrorCode::ItemMismatch,
                data.file(),
                format!("item '{name}' has no parameters in '{params_file}'"),
            )
            .column(name.clone())
            .hint("Add a row for it to the parameter file, or remove the column from the response file.")
            .build());
        };
        let mut table = [MISSING; 256];
        for (c, &s) in p.scores.iter().enumerate() {
            table[s as usize] = c as u8;
        }
        items.push(p.params.clone());
        lookup.push((table, p));
    }
    // The usual case: every item's scores are 0, 1, ..., and no observed score lies beyond them,
    // so the scores are the categories.
    let identity = lookup.iter().zip(data.max_scores()).all(|((_, p), &max)| {
        (max as usize) < p.scores.len()
            && p.scores.iter().enumerate().all(|(c, &s)| s as usize == c)
    });
    if identity {
        return Ok((items, data.codes().to_vec()));
    }
    let k = names.len();
    let mut codes = Vec::with_capacity(data.codes().len());
    for (i, row) in data.codes().chunks_exact(k).enumerate() {
        for (j, &x) in row.iter().enumerate() {
            if x == MISSING {
                codes.push(MISSING);
                continue;
            }
            let c = lookup[j].0[x as usize];
            if c == MISSING {
                let p = lookup[j].1;
                return Err(InputError::new(
                    ErrorCode::ScoreOutOfRange,
                    data.file(),
                    format!(
                        "item '{}' has the score {x}, but its parameters ({}) have the scores {:?}",
                        names[j],
                        p.params.model.name(),
                        p.scores
                    ),
                )
                .row(i + 2)
                .column(names[j].clone())
                .value(x.to_string())
                .hint("Check that the parameters belong to this test; give the item's scores in the parameter file's 'scores' column (e.g. 1;2;3;4) if its categories do not start at 0.")
                .build());
            }
            codes.push(c);
        }
    }
    Ok((items, codes))
}

/// Posterior mean and SD over `nodes` for each pattern, by the E-step's row kernel: the base row
/// is `log π + Σ_j log P_j0` (every item in its lowest category); an answer in category c > 0
/// adds the row `log P_jc − log P_j0`, a missing answer subtracts `log P_j0`. When every item's
/// log-probability is concave in θ (no asymptotes), a complete pattern's row is first tried
/// over the window of its summed score's posterior (`hints`), which the kernel verifies.
fn eap_patterns(
    patterns: &Patterns,
    items: &[PolyItem],
    nodes: &[f64],
    log_prior: &[f64],
    hints: &[crate::irt::estep::Window],
) -> Vec<Option<(f64, f64)>> {
    let q = nodes.len();
    let stride = vecmath::padded(q);
    let k = items.len();
    // Rows: per item its categories 1..K−1 (differences), then per item log P_j0.
    let offsets: Vec<usize> = items
        .iter()
        .scan(0, |acc, it| {
            let o = *acc;
            *acc += it.categories() - 1;
            Some(o)
        })
        .collect();
    let zero_rows: usize = items.iter().map(|it| it.categories() - 1).sum();
    let mut table = vec![0.0; (zero_rows + k) * stride];
    let mut base = vec![f64::NEG_INFINITY; stride];
    base[..q].copy_from_slice(log_prior);
    let mut lp = vec![0.0; items.iter().map(|i| i.categories()).max().unwrap_or(2)];
    for (j, it) in items.iter().enumerate() {
        for (t, &theta) in nodes.iter().enumerate() {
            it.log_probs(theta, &mut lp);
            base[t] += lp[0];
            table[(zero_rows + j) * stride + t] = lp[0];
            for c in 1..it.categories() {
                table[(offsets[j] + c - 1) * stride + t] = lp[c] - lp[0];
            }
        }
    }
    let log_concave = items.iter().all(|it| !it.model.has_asymptote());
    let mut padded_nodes = vec![0.0; stride];
    padded_nodes[..q].copy_from_slice(nodes);
    let kernel = EapKernel {
        codes: &patterns.codes,
        k,
        offsets: &offsets,
        zero_rows,
        table: &table,
        base: &base,
        stride,
        nodes: &padded_nodes,
        hints,
        log_concave,
    };
    let n = patterns.counts.len();
    let per = n.div_ceil(crate::irt::estep::CHUNKS).max(1);
    let chunks: Vec<std::ops::Range<usize>> =
        (0..n).step_by(per).map(|s| s..(s + per).min(n)).collect();
    let parts = crate::parallel::map_indices(chunks.len(), |ci| {
        let mut scratch = EapScratch {
            w: vec![0.0; stride],
            add: Vec::with_capacity(k),
            sub: Vec::new(),
        };
        let mut out = Vec::with_capacity(chunks[ci].len());
        for s in chunks[ci].clone().step_by(crate::parallel::BLOCK) {
            let end = (s + crate::parallel::BLOCK).min(chunks[ci].end);
            kernel.block(s..end, &mut scratch, &mut out);
        }
        out
    });
    parts.into_iter().flatten().collect()
}

/// What [`eap_patterns`] computes each pattern's posterior from.
struct EapKernel<'a> {
    codes: &'a [u8],
    k: usize,
    /// Per item, its first row of category differences in `table`.
    offsets: &'a [usize],
    /// Rows before the per-item `log P_j0` rows.
    zero_rows: usize,
    table: &'a [f64],
    base: &'a [f64],
    stride: usize,
    /// The nodes, padded to `stride` with zeros.
    nodes: &'a [f64],
    hints: &'a [crate::irt::estep::Window],
    log_concave: bool,
}

struct EapScratch {
    w: Vec<f64>,
    add: Vec<u32>,
    sub: Vec<u32>,
}

impl EapKernel<'_> {
    /// Posterior mean and SD of the patterns `range`, appended to `out`; out of line and called
    /// per block of patterns (see [`crate::parallel::BLOCK`]); on x86-64 processors with AVX2,
    /// in the AVX2 build of the loop.
    #[inline(never)]
    fn block(
        &self,
        range: std::ops::Range<usize>,
        s: &mut EapScratch,
        out: &mut Vec<Option<(f64, f64)>>,
    ) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, checked just above.
            return unsafe { self.block_avx2(range, s, out) };
        }
        self.block_body(range, s, out)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn block_avx2(
        &self,
        range: std::ops::Range<usize>,
        s: &mut EapScratch,
        out: &mut Vec<Option<(f64, f64)>>,
    ) {
        self.block_body(range, s, out)
    }

    #[inline(always)]
    fn block_body(
        &self,
        range: std::ops::Range<usize>,
        s: &mut EapScratch,
        out: &mut Vec<Option<(f64, f64)>>,
    ) {
        let k = self.k;
        for p in range {
            s.add.clear();
            s.sub.clear();
            let mut sum = 0usize;
            for (j, &c) in self.codes[p * k..(p + 1) * k].iter().enumerate() {
                if c == MISSING {
                    s.sub.push((self.zero_rows + j) as u32);
                } else if c > 0 {
                    s.add.push((self.offsets[j] + c as usize - 1) as u32);
                    sum += c as usize;
                }
            }
            let hint = if s.sub.is_empty() {
                self.hints[sum]
            } else {
                [0, 0]
            };
            let row = crate::irt::estep::posterior_row(
                &mut s.w,
                self.base,
                self.table,
                self.stride,
                &s.add,
                &s.sub,
                hint,
                self.log_concave,
            );
            let ws = &s.w[row.lo..row.hi];
            let th = &self.nodes[row.lo..row.hi];
            let mean = vecmath::dot(ws, th) / row.sum;
            let second: f64 = ws.iter().zip(th).map(|(a, b)| a * b * b).sum::<f64>() / row.sum;
            out.push(Some((mean, (second - mean * mean).max(0.0).sqrt())));
        }
    }
}

/// What [`score`] reports each examinee's record from.
struct Reporter<'a> {
    options: &'a ScoringOptions,
    /// The cut scores on the θ metric.
    cuts_theta: &'a [f64],
    /// Whether the scale rises with θ (no scale, or a positive slope).
    rising: bool,
    normal: Normal,
    estimates: &'a [Option<(f64, f64)>],
    extreme: &'a [Option<&'static str>],
    s_sum: &'a [u32],
    answered: &'a [usize],
}

/// Sums over examinees for the classification summary.
#[derive(Default)]
struct Tally {
    level_counts: Vec<usize>,
    acc_sum: f64,
    cons_sum: f64,
    n_class: usize,
}

impl Reporter<'_> {
    /// The records of the examinees `first..` whose patterns are `block`, appended to `persons`;
    /// out of line and called per block of examinees (see [`crate::parallel::BLOCK`]).
    #[inline(never)]
    fn block(
        &self,
        first: usize,
        block: &[u32],
        persons: &mut Vec<PersonScore>,
        tally: &mut Tally,
    ) {
        for (i, &p) in block.iter().enumerate() {
            let p = p as usize;
            let est = self.estimates[p];
            let ext = self.extreme[p];
            let infinite =
                est.is_none() && self.options.method == ScoringMethod::Ml && ext.is_some();
            let scale_score = match (&self.options.scale, est) {
                (Some(s), Some((t, _))) => Some(s.apply(t)),
                (Some(s), None) if infinite => {
                    if (ext == Some("maximum")) == self.rising {
                        s.max
                    } else {
                        s.min
                    }
                }
                _ => None,
            };
            let reported = if self.options.scale.is_some() {
                scale_score
            } else {
                est.map(|e| e.0)
            };
            let (level, p_above) = if self.options.cuts.is_empty() {
                (None, Vec::new())
            } else {
                let p_above: Vec<f64> = self
                    .cuts_theta
                    .iter()
                    .map(|&c| match est {
                        Some((t, se)) if se > 0.0 => {
                            let z = self.normal.cdf((t - c) / se);
                            if self.rising {
                                z
                            } else {
                                1.0 - z
                            }
                        }
                        Some((t, _)) => f64::from(u8::from((t > c) == self.rising)),
                        None if infinite => f64::from(u8::from(ext == Some("maximum"))),
                        None => f64::NAN,
                    })
                    .collect();
                let level = reported
                    .map(|v| self.options.cuts.iter().filter(|&&c| v >= c).count())
                    .or_else(|| {
                        infinite.then(|| {
                            if ext == Some("maximum") {
                                self.options.cuts.len()
                            } else {
                                0
                            }
                        })
                    });
                if let Some(l) = level {
                    tally.level_counts[l] += 1;
                    if p_above.iter().all(|v| v.is_finite()) {
                        // P(level l) = P(above cut l−1) − P(above cut l).
                        let probs: Vec<f64> = (0..=self.options.cuts.len())
                            .map(|l| {
                                let above_lower = if l == 0 { 1.0 } else { p_above[l - 1] };
                                let above_upper = p_above.get(l).copied().unwrap_or(0.0);
                                (above_lower - above_upper).max(0.0)
                            })
                            .collect();
                        tally.acc_sum += probs[l];
                        tally.cons_sum += probs.iter().map(|v| v * v).sum::<f64>();
                        tally.n_class += 1;
                    }
                }
                (
                    level,
                    p_above
                        .into_iter()
                        .map(|v| if v.is_nan() { 0.0 } else { v })
                        .collect(),
                )
            };
            persons.push(PersonScore {
                row: first + i + 1,
                theta: est.map(|e| e.0),
                se: est.map(|e| e.1),
                sum_score: self.s_sum[p],
                answered: self.answered[p],
                extreme: ext,
                scale_score,
                level,
                p_above,
            });
        }
    }
}

/// Per pattern of `codes` (rows of `max_cat.len()` categories): its summed score, the number of
/// answered items and whether every answer is in the item's lowest ("minimum") or highest
/// ("maximum") category; appended to the three lists. Out of line and called per block of
/// patterns (see [`crate::parallel::BLOCK`]).
#[inline(never)]
fn pattern_totals(
    codes: &[u8],
    max_cat: &[u8],
    s_sum: &mut Vec<u32>,
    answered: &mut Vec<usize>,
    extreme: &mut Vec<Option<&'static str>>,
) {
    for x in codes.chunks_exact(max_cat.len()) {
        let (mut lo, mut hi) = (true, true);
        let (mut n, mut sum) = (0usize, 0u32);
        for (&c, &top) in x.iter().zip(max_cat) {
            if c == MISSING {
                continue;
            }
            n += 1;
            sum += c as u32;
            lo &= c == 0;
            hi &= c == top;
        }
        s_sum.push(sum);
        answered.push(n);
        extreme.push(match (n > 0, lo, hi) {
            (true, true, _) => Some("minimum"),
            (true, false, true) => Some("maximum"),
            _ => None,
        });
    }
}

/// The response patterns to estimate: distinct patterns when the test has few enough possible
/// patterns (at most 2^24) for repeats to be likely, otherwise every examinee's row as it is
/// (collapsing a million mostly distinct rows costs more than it saves).
fn distinct_rows(codes: &[u8], items: &[PolyItem]) -> Patterns {
    let k = items.len();
    let bits: f64 = items.iter().map(|it| (it.categories() as f64).log2()).sum();
    if bits <= 24.0 {
        return Patterns::from_codes(codes, k, None);
    }
    let n = codes.len() / k.max(1);
    Patterns {
        n_items: k,
        codes: codes.to_vec(),
        counts: vec![1.0; n],
        person_pattern: (0..n as u32).collect(),
        groups: vec![0; n],
    }
}

/// Scores every examinee of `data` with the items' parameters (`codes`: categories per
/// examinee and item, from [`match_items`]).
///
/// # Errors
/// Unusable options.
pub fn score(
    data: &ResponseMatrix,
    items: &[PolyItem],
    codes: &[u8],
    params_file: &str,
    options: &ScoringOptions,
) -> Result<TestScoring> {
    options.check()?;
    let k = items.len();
    let n = data.n_persons();
    let quad = Quadrature::rectangular(options.quadrature_nodes, 6.0)?;
    let nodes = quad.nodes.clone();
    let q = nodes.len();
    let prior = quad.normal_weights(options.prior_mean, options.prior_sd);
    if !prior.iter().all(|w| w.is_finite()) {
        return Err(Error::option(
            "prior-mean",
            format!(
                "the prior N({}, {}²) puts no weight on the {} quadrature nodes from −6 to 6",
                options.prior_mean, options.prior_sd, options.quadrature_nodes
            ),
            "Give a prior mean within [−6, 6] (θ's scale), a larger prior SD, or more quadrature nodes.",
        ));
    }
    let log_prior: Vec<f64> = prior.iter().map(|w| w.ln()).collect();
    let patterns = distinct_rows(codes, items);
    let np = patterns.counts.len();
    let max_cat: Vec<u8> = items.iter().map(|it| (it.categories() - 1) as u8).collect();

    // Summed-score table over all items.
    let probs = category_tables(&items.iter().collect::<Vec<_>>(), &nodes);
    let full = lord_wingersky_nodes(probs.iter().map(|p| p.as_slice()), q);
    let max_score = full.len() / q - 1;
    // Posterior mean and SD of θ given a summed score, and the score's marginal probability;
    // the mean and SD are None when that probability underflows to 0.
    let posterior_of = |f: &[f64]| -> (Option<f64>, Option<f64>, f64) {
        let mut m = 0.0;
        let mut t2 = 0.0;
        let mut total = 0.0;
        for t in 0..q {
            let w = prior[t] * f[t];
            total += w;
            m += w * nodes[t];
            t2 += w * nodes[t] * nodes[t];
        }
        if total <= 0.0 {
            return (None, None, total);
        }
        let mean = m / total;
        (
            crate::math::finite(mean),
            crate::math::finite((t2 / total - mean * mean).max(0.0).sqrt()),
            total,
        )
    };
    // Per summed score over all items: posterior mean, SD and marginal probability.
    let by_sum: Vec<(Option<f64>, Option<f64>, f64)> = (0..=max_score)
        .map(|s| posterior_of(&full[s * q..(s + 1) * q]))
        .collect();

    // Per pattern: (θ, SE) or None, and the extreme flag.
    let mut s_sum = Vec::with_capacity(np);
    let mut extreme: Vec<Option<&'static str>> = Vec::with_capacity(np);
    let mut answered = Vec::with_capacity(np);
    for block in patterns.codes.chunks(k * crate::parallel::BLOCK) {
        pattern_totals(block, &max_cat, &mut s_sum, &mut answered, &mut extreme);
    }
    let estimates: Vec<Option<(f64, f64)>> = match options.method {
        ScoringMethod::Eap => {
            // Each summed score's posterior window (nodes within e^−CUT of its largest).
            let hints: Vec<crate::irt::estep::Window> = (0..=max_score)
                .map(|s| {
                    let lw: Vec<f64> = (0..q)
                        .map(|t| log_prior[t] + full[s * q + t].max(1e-300).ln())
                        .collect();
                    let top = lw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let keep = |t: &usize| lw[*t] >= top - crate::irt::estep::CUT;
                    let lo = (0..q).find(keep).unwrap_or(0);
                    let hi = (0..q).rev().find(keep).map_or(q, |t| t + 1);
                    [lo as u32, hi as u32]
                })
                .collect();
            eap_patterns(&patterns, items, &nodes, &log_prior, &hints)
        }
        ScoringMethod::Eapsum => {
            (0..np)
                .map(|p| {
                    let x = &patterns.codes[p * k..(p + 1) * k];
                    if answered[p] == k {
                        let (m, sd, _) = by_sum[s_sum[p] as usize];
                        return m.zip(sd);
                    }
                    // Missing responses: the recursion over the answered items only.
                    let f = lord_wingersky_nodes(
                        (0..k)
                            .filter(|&j| x[j] != MISSING)
                            .map(|j| probs[j].as_slice()),
                        q,
                    );
                    let s = s_sum[p] as usize;
                    let (m, sd, _) = posterior_of(&f[s * q..(s + 1) * q]);
                    m.zip(sd)
                })
                .collect()
        }
        method => {
            let cats = items.iter().map(|i| i.categories()).max().unwrap_or(2);
            crate::parallel::map_indices(np, |p| {
                let x = &patterns.codes[p * k..(p + 1) * k];
                let mut s = person::Scratch::new(cats);
                if answered[p] == 0 && method != ScoringMethod::Map {
                    return None;
                }
                match method {
                    ScoringMethod::Ml if extreme[p].is_some() => None,
                    ScoringMethod::Ml => person::ml(items, x, &mut s),
                    ScoringMethod::Map => {
                        person::map(items, x, options.prior_mean, options.prior_sd, &mut s)
                    }
                    _ => person::wle(items, x, &mut s),
                }
            })
        }
    };
    let mut warnings = Vec::new();
    let unreached = (0..np)
        .filter(|&p| {
            estimates[p].is_none()
                && !(options.method == ScoringMethod::Ml && extreme[p].is_some())
                && answered[p] > 0
        })
        .count();
    if unreached > 0 {
        warnings.push(Warning {
            code: "no_estimate".into(),
            item: None,
            message: format!("{unreached} response pattern(s) have no {} estimate within ±{}: their θ and SE are null.", format!("{:?}", options.method).to_uppercase(), person::THETA_LIMIT),
        });
    }
    let n_extreme_ml = (0..np)
        .filter(|&p| options.method == ScoringMethod::Ml && extreme[p].is_some())
        .map(|p| patterns.counts[p] as usize)
        .sum::<usize>();
    if n_extreme_ml > 0 {
        warnings.push(Warning {
            code: "ml_extreme_patterns".into(),
            item: None,
            message: format!("{n_extreme_ml} examinee(s) answered every item in its lowest or highest category: the likelihood has no maximum, so their ML θ and SE are null (flagged 'extreme'; with a scale they get the lowest or highest obtainable scale score). WLE, MAP or EAP give finite estimates for them."),
        });
    }

    // Reporting.
    let normal = Normal::new(0.0, 1.0).map_err(|e| Error::option("cuts", e.to_string(), ""))?;
    let to_theta = |cut: f64| match &options.scale {
        Some(s) => (cut - s.intercept) / s.slope,
        None => cut,
    };
    let cuts_theta: Vec<f64> = options.cuts.iter().map(|&c| to_theta(c)).collect();
    let reporter = Reporter {
        options,
        cuts_theta: &cuts_theta,
        rising: options.scale.as_ref().is_none_or(|s| s.slope > 0.0),
        normal,
        estimates: &estimates,
        extreme: &extreme,
        s_sum: &s_sum,
        answered: &answered,
    };
    let mut persons = Vec::with_capacity(n);
    let mut tally = Tally {
        level_counts: vec![0usize; options.cuts.len() + 1],
        ..Tally::default()
    };
    for (b, block) in patterns
        .person_pattern
        .chunks(crate::parallel::BLOCK)
        .enumerate()
    {
        reporter.block(b * crate::parallel::BLOCK, block, &mut persons, &mut tally);
    }
    let Tally {
        level_counts,
        acc_sum,
        cons_sum,
        n_class,
    } = tally;
    let classification = (!options.cuts.is_empty()).then(|| Classification {
        cuts: options.cuts.clone(),
        levels: level_counts
            .iter()
            .enumerate()
            .map(|(l, &n)| Level {
                name: options
                    .levels
                    .get(l)
                    .cloned()
                    .unwrap_or_else(|| format!("Level {}", l + 1)),
                n,
            })
            .collect(),
        accuracy: acc_sum / n_class.max(1) as f64,
        consistency: cons_sum / n_class.max(1) as f64,
    });

    // Conversion table (complete responders' observed counts).
    let mut observed = vec![0usize; max_score + 1];
    let mut complete = 0usize;
    for &p in &patterns.person_pattern {
        if answered[p as usize] == k {
            observed[s_sum[p as usize] as usize] += 1;
            complete += 1;
        }
    }
    let eapsum_table = (0..=max_score)
        .map(|s| {
            let (m, sd, ps) = by_sum[s];
            SumScoreRow {
                sum_score: s as u32,
                theta: m,
                se: sd,
                scale_score: options.scale.as_ref().zip(m).map(|(t, m)| t.apply(m)),
                n: observed[s],
                expected: complete as f64 * ps,
            }
        })
        .collect();

    // Test characteristics.
    let tcc = options
        .theta_points
        .iter()
        .map(|&t| items.iter().map(|it| it.expected_score(t)).sum())
        .collect();
    let tif: Vec<f64> = options
        .theta_points
        .iter()
        .map(|&t| items.iter().map(|it| it.information(t)).sum())
        .collect();
    let csem = tif
        .iter()
        .map(|&i: &f64| (i > 0.0).then(|| 1.0 / i.sqrt()))
        .collect();
    // E[1/I(θ)] under the prior; nodes whose prior weight underflows to 0 add nothing (and
    // would add 0/0 where the information underflows too).
    let error_variance: f64 = nodes
        .iter()
        .zip(&prior)
        .filter(|(_, &w)| w > 0.0)
        .map(|(&t, w)| {
            // Information that underflows to 0 (or rounds below it) makes the error variance
            // infinite there: the reliability is then 0, not 0/0.
            let info = items.iter().map(|it| it.information(t)).sum::<f64>();
            if info > 0.0 {
                w / info
            } else {
                f64::INFINITY
            }
        })
        .sum();
    let var = options.prior_sd * options.prior_sd;
    let thetas: Vec<f64> = persons.iter().filter_map(|p| p.theta).collect();
    let m = thetas.len();
    let mean = (m > 0).then(|| thetas.iter().sum::<f64>() / m as f64);
    let sd = (m > 1).then(|| {
        let mu = mean.unwrap_or(0.0);
        (thetas.iter().map(|t| (t - mu).powi(2)).sum::<f64>() / (m - 1) as f64).sqrt()
    });
    let summary = ScoreSummary {
        n_scored: m,
        n_extreme: persons.iter().filter(|p| p.extreme.is_some()).count(),
        mean,
        sd,
        min: thetas.iter().copied().reduce(f64::min),
        max: thetas.iter().copied().reduce(f64::max),
    };
    Ok(TestScoring {
        tool: "test_scoring",
        engine: EngineInfo::current(),
        file: data.file().to_string(),
        params_file: params_file.to_string(),
        options: options.clone(),
        n_persons: n,
        n_items: k,
        items: data.items().to_vec(),
        persons,
        eapsum_table,
        characteristics: Characteristics {
            theta: options.theta_points.clone(),
            tcc,
            tif,
            csem,
            max_score: max_score as u32,
        },
        marginal_reliability: var / (var + error_variance),
        summary,
        classification,
        warnings,
    })
}
