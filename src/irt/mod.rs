//! Item response theory: marginal maximum-likelihood calibration by EM (Bock & Aitkin, 1981).
//!
//! - [`quadrature`]: rectangular (mirt's default) and Gauss-Hermite rules.
//! - [`dichotomous`]: Rasch, 1PL, 2PL, 3PL, 4PL response functions and per-item M-steps.
//! - [`patterns`]: identical response patterns collapsed with counts.
//! - [`polytomous`]: graded, (generalized) partial credit and rating scale response functions,
//!   their M-steps, and [`ItemModel`], the model of one item.
//! - the E-step over patterns lives in `binary_em` (tests of 0/1 items under one model, the fast
//!   path) and `item_em` (any mix of models, missing responses, several groups), both driven by
//!   the shared [`crate::em`] driver; `mixed` prepares and reports the general case.

mod binary_em;
pub mod dichotomous;
pub(crate) mod estep;
pub mod fit;
pub mod fit_polytomous;
mod information;
mod item_em;
pub mod item_fit;
pub mod mean_square_fit;
mod mixed;
pub mod patterns;
pub mod polytomous;
pub mod quadrature;

/// Simulated data for the unit tests of this module.
#[cfg(test)]
pub(crate) mod test_data {
    use crate::data::read_responses;

    /// Responses from a 2PL with a fixed pseudo-random sequence; every `missing_every`-th cell
    /// missing (0 for none).
    pub fn simulated(n: usize, k: usize, missing_every: usize) -> crate::data::ResponseMatrix {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut uniform = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut csv = (1..=k)
            .map(|j| format!("i{j}"))
            .collect::<Vec<_>>()
            .join(",");
        csv.push('\n');
        for p in 0..n {
            let theta = crate::math::norm_quantile(uniform().clamp(1e-9, 1.0 - 1e-9));
            let row: Vec<String> = (0..k)
                .map(|j| {
                    if missing_every > 0 && (p * k + j).is_multiple_of(missing_every) {
                        return String::new();
                    }
                    let (a, b) = (0.6 + 0.15 * j as f64, -1.5 + 3.0 * j as f64 / k as f64);
                    let prob = 1.0 / (1.0 + (-a * (theta - b)).exp());
                    ((uniform() < prob) as u8).to_string()
                })
                .collect();
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
        read_responses(csv.as_bytes(), "sim.csv").unwrap()
    }
}

pub use dichotomous::{BetaPrior, DichotomousModel, ItemParams};
pub use polytomous::{ItemModel, PolyItem};
pub use quadrature::Quadrature;

use crate::data::{ResponseMatrix, MISSING};
use crate::em::{run_em, Acceleration, Control, EmOptions, EmReport, Progress, StopReason};
use crate::error::{Error, ErrorCode, InputError, Result, Warning};
use crate::math::finite;
use crate::EngineInfo;
use binary_em::BinaryEm;
use patterns::Patterns;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The model of a calibration: one model for every item, or `mixed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IrtModel {
    /// Dichotomous Rasch.
    Rasch,
    /// Dichotomous, common slope.
    #[serde(rename = "1pl")]
    OnePl,
    /// Dichotomous 2PL.
    #[serde(rename = "2pl")]
    TwoPl,
    /// Dichotomous 3PL.
    #[serde(rename = "3pl")]
    ThreePl,
    /// Dichotomous 4PL.
    #[serde(rename = "4pl")]
    FourPl,
    /// Graded response model for every item (a 0/1 item under it is a 2PL).
    Grm,
    /// Generalized partial credit model for every item (a 0/1 item under it is a 2PL).
    Gpcm,
    /// Partial credit model for every item (a 0/1 item under it is a Rasch item).
    Pcm,
    /// Rating scale model (every item must have the same number of categories).
    Rsm,
    /// Per item: PACER's rule, an item with any score above 1 is polytomous and gets
    /// `polytomous_model`, the others `binary_model`; `item_models` overrides.
    Mixed,
}

impl IrtModel {
    /// The one model of every item, unless `mixed`.
    pub fn item_model(self) -> Option<ItemModel> {
        Some(match self {
            IrtModel::Rasch => ItemModel::Rasch,
            IrtModel::OnePl => ItemModel::OnePl,
            IrtModel::TwoPl => ItemModel::TwoPl,
            IrtModel::ThreePl => ItemModel::ThreePl,
            IrtModel::FourPl => ItemModel::FourPl,
            IrtModel::Grm => ItemModel::Grm,
            IrtModel::Gpcm => ItemModel::Gpcm,
            IrtModel::Pcm => ItemModel::Pcm,
            IrtModel::Rsm => ItemModel::Rsm,
            IrtModel::Mixed => return None,
        })
    }

    /// The name as the CLI and JSON spell it.
    pub fn name(self) -> &'static str {
        self.item_model().map_or("mixed", ItemModel::name)
    }
}

impl From<DichotomousModel> for IrtModel {
    fn from(m: DichotomousModel) -> IrtModel {
        match m {
            DichotomousModel::Rasch => IrtModel::Rasch,
            DichotomousModel::OnePl => IrtModel::OnePl,
            DichotomousModel::TwoPl => IrtModel::TwoPl,
            DichotomousModel::ThreePl => IrtModel::ThreePl,
            DichotomousModel::FourPl => IrtModel::FourPl,
        }
    }
}

/// Which quadrature rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum QuadratureRule {
    /// Equally spaced nodes on [−6, 6] (mirt's default).
    #[default]
    Rectangular,
    /// Gauss-Hermite nodes (PACER's default, 21 nodes).
    GaussHermite,
}

/// Options of an IRT calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IrtOptions {
    /// The model for every item, or `mixed`.
    pub model: IrtModel,
    /// Under `mixed`, the model of items with a score above 1 (`grm`, `gpcm`, `pcm` or `rsm`;
    /// default `grm`).
    #[serde(default = "default_polytomous_model")]
    pub polytomous_model: ItemModel,
    /// Under `mixed`, the model of 0/1 items (`rasch`, `1pl`, `2pl`, `3pl` or `4pl`; default
    /// `2pl`).
    #[serde(default = "default_binary_model")]
    pub binary_model: ItemModel,
    /// Per-item models by item name, overriding `model` (an item-model file's rows).
    #[serde(default)]
    pub item_models: BTreeMap<String, ItemModel>,
    /// Multiple-group calibration by the file's `group` column.
    #[serde(default)]
    pub multigroup: bool,
    /// The reference group (latent N(0, 1)); default: the group of the file's first row.
    #[serde(default)]
    pub reference_group: Option<String>,
    /// Items constrained equal across groups; default (null) all. The others are estimated
    /// per group.
    #[serde(default)]
    pub anchors: Option<Vec<String>>,
    /// Quadrature rule.
    #[serde(default)]
    pub quadrature_rule: QuadratureRule,
    /// Number of quadrature nodes (default 61 rectangular, 21 Gauss-Hermite).
    #[serde(default)]
    pub quadrature_nodes: Option<usize>,
    /// Scaling constant D used to report `a = a1 / D` (1.0 as mirt, 1.702 for the normal-ogive
    /// metric, PACER's default).
    #[serde(default = "default_d", rename = "D")]
    pub d_constant: f64,
    /// Convergence tolerance on the largest absolute parameter change.
    #[serde(default = "default_tol")]
    pub tolerance: f64,
    /// Maximum number of EM iterations.
    #[serde(default = "default_max_iter")]
    pub max_iterations: usize,
    /// EM acceleration.
    #[serde(default)]
    pub acceleration: Acceleration,
    /// Beta prior on the lower asymptote (3PL/4PL), e.g. Beta(5, 17).
    #[serde(default)]
    pub guessing_prior: Option<BetaPrior>,
    /// Whether to compute standard errors.
    #[serde(default)]
    pub se: bool,
    /// M2 is computed for tests of at most this many items (its cost grows with the cube of the
    /// number of margins, k + k(k−1)/2); above it `m2` is null and `fit_note` says why.
    #[serde(default = "default_m2_max_items")]
    pub m2_max_items: usize,
    /// S-X2 item fit is computed for tests of at most this many items (each item needs the
    /// summed-score distribution of the others, so the time grows with the cube of the
    /// items); above it `item_fit` is empty and `item_fit_note` says why.
    #[serde(default = "default_item_fit_max_items")]
    pub item_fit_max_items: usize,
}

/// Default of [`IrtOptions::item_fit_max_items`]: at 200 items S-X2 takes about 0.3 s natively.
pub const DEFAULT_ITEM_FIT_MAX_ITEMS: usize = 200;

fn default_item_fit_max_items() -> usize {
    DEFAULT_ITEM_FIT_MAX_ITEMS
}

/// Why S-X2 is not computed for complete data of `k` items, if it is not.
fn item_fit_note(has_missing: bool, k: usize, max_items: usize) -> Option<String> {
    if has_missing {
        Some("S-X2 needs complete data: with missing responses the summed scores are not comparable.".into())
    } else if k < 3 {
        Some("S-X2 needs at least 3 items.".into())
    } else if k > max_items {
        Some(format!("S-X2 is computed for tests of up to {max_items} items (option item-fit-max-items); this test has {k}, and the time grows with the cube of the items. Raise the limit to compute it."))
    } else {
        None
    }
}

/// Default of [`IrtOptions::m2_max_items`].
///
/// At 60 items (1,830 margins) M2 adds about 0.2 s natively and 1 s in Chromium on a 2-core
/// machine; at 80 items 0.7 s and 4.5 s; the time grows with the sixth power of the items.
pub const DEFAULT_M2_MAX_ITEMS: usize = 60;

fn default_polytomous_model() -> ItemModel {
    ItemModel::Grm
}

fn default_binary_model() -> ItemModel {
    ItemModel::TwoPl
}

fn default_m2_max_items() -> usize {
    DEFAULT_M2_MAX_ITEMS
}

fn default_d() -> f64 {
    1.702
}
fn default_tol() -> f64 {
    1e-4
}
fn default_max_iter() -> usize {
    500
}

impl IrtOptions {
    /// Defaults for a model: 61 rectangular nodes on [−6, 6], D = 1.702, tolerance 1e-4,
    /// 500 iterations, SQUAREM, one group.
    pub fn new(model: impl Into<IrtModel>) -> IrtOptions {
        IrtOptions {
            model: model.into(),
            polytomous_model: default_polytomous_model(),
            binary_model: default_binary_model(),
            item_models: BTreeMap::new(),
            multigroup: false,
            reference_group: None,
            anchors: None,
            quadrature_rule: QuadratureRule::Rectangular,
            quadrature_nodes: None,
            d_constant: default_d(),
            tolerance: default_tol(),
            max_iterations: default_max_iter(),
            acceleration: Acceleration::Squarem,
            guessing_prior: None,
            se: false,
            m2_max_items: DEFAULT_M2_MAX_ITEMS,
            item_fit_max_items: DEFAULT_ITEM_FIT_MAX_ITEMS,
        }
    }

    /// Checks every option before any fitting starts.
    pub fn check(&self) -> Result<Quadrature> {
        if !(self.d_constant.is_finite() && self.d_constant > 0.0) {
            return Err(Error::option(
                "D",
                format!("D = {} is not a positive number", self.d_constant),
                "Use 1 (logistic metric, as mirt) or 1.702 (normal-ogive metric).",
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(Error::option(
                "tol",
                format!("the tolerance {} is not a positive number", self.tolerance),
                "Use a small positive number such as 1e-4.",
            ));
        }
        if self.max_iterations == 0 {
            return Err(Error::option(
                "max-iter",
                "the iteration limit is 0",
                "Allow at least one iteration (default 500).",
            ));
        }
        if self.polytomous_model.is_dichotomous() {
            return Err(Error::option(
                "polytomous-model",
                format!(
                    "'{}' is a model for 0/1 items",
                    self.polytomous_model.name()
                ),
                "Use grm, gpcm, pcm or rsm for the items with scores above 1.",
            ));
        }
        if !self.binary_model.is_dichotomous() {
            return Err(Error::option(
                "binary-model",
                format!(
                    "'{}' is not a model for 0/1 items",
                    self.binary_model.name()
                ),
                "Use rasch, 1pl, 2pl, 3pl or 4pl for the 0/1 items.",
            ));
        }
        if let Some(b) = self.guessing_prior {
            if !(b.alpha >= 1.0 && b.beta >= 1.0 && b.alpha.is_finite() && b.beta.is_finite()) {
                return Err(Error::option(
                    "guessing-prior",
                    format!("Beta({}, {}) is not a usable prior", b.alpha, b.beta),
                    "Use shapes of at least 1, e.g. Beta(5, 17).",
                ));
            }
        }
        match self.quadrature_rule {
            QuadratureRule::Rectangular => {
                Quadrature::rectangular(self.quadrature_nodes.unwrap_or(61), 6.0)
            }
            QuadratureRule::GaussHermite => {
                Quadrature::gauss_hermite(self.quadrature_nodes.unwrap_or(21))
            }
        }
    }
}

/// One item's estimates.
///
/// Slope-intercept form as mirt reports it (`a1`, `intercepts`), and the IRT form with the
/// scaling constant D (`a = a1 / D`, `thresholds`): for 0/1 items `b = −d / a1`; for graded
/// items the category boundaries `b_k = −d_k / a1`; for (generalized) partial credit items the
/// step parameters `b_k = −(d_k − d_{k−1}) / a1` and their mean as `location`; for rating scale
/// items the shared thresholds τ_k and the item's location δ (see [`polytomous`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemEstimate {
    /// Item name.
    pub item: String,
    /// The group whose examinees this item's estimates are for, when the item is estimated per
    /// group (a multiple-group calibration with anchors); null when it is common to all.
    pub group: Option<String>,
    /// Model name (`"2pl"`, `"grm"`, ...).
    pub model: &'static str,
    /// Number of categories K (2 for 0/1 items).
    pub categories: usize,
    /// The observed score of each category 0..K−1 (scores nobody had are not categories).
    pub scores: Vec<u8>,
    /// Slope (slope-intercept form).
    pub a1: f64,
    /// Intercept (0/1 items; null otherwise).
    pub d: Option<f64>,
    /// Lower asymptote (0/1 items).
    pub g: Option<f64>,
    /// Upper asymptote (0/1 items).
    pub u: Option<f64>,
    /// Discrimination in the IRT form, a1 / D.
    pub a: f64,
    /// Difficulty, −d / a1 (0/1 items; null when the slope is 0).
    pub b: Option<f64>,
    /// Lower asymptote (= g; 0/1 items).
    pub c: Option<f64>,
    /// Intercepts d_1..d_{K−1} (`[d]` for 0/1 items).
    pub intercepts: Vec<f64>,
    /// IRT-form thresholds b_1..b_{K−1} (`[b]` for 0/1 items); null where undefined (a slope
    /// of 0).
    pub thresholds: Vec<Option<f64>>,
    /// Item location: b for 0/1 items, the mean of the thresholds for graded and partial credit
    /// items, δ for rating scale items (null when the slope is 0).
    pub location: Option<f64>,
    /// Parameters at a bound of their range (e.g. `["g"]` for a guessing parameter at 0).
    pub on_bound: Vec<&'static str>,
    /// Standard errors (null when not requested, fixed, or on a bound).
    pub se_a1: Option<f64>,
    /// SE of d.
    pub se_d: Option<f64>,
    /// SE of g (delta method from logit g).
    pub se_g: Option<f64>,
    /// SE of u (delta method from logit u).
    pub se_u: Option<f64>,
    /// SE of a = a1 / D.
    pub se_a: Option<f64>,
    /// SE of b = −d / a1 (delta method with the covariance of a1 and d).
    pub se_b: Option<f64>,
    /// SE of c (= SE of g).
    pub se_c: Option<f64>,
    /// SEs of the intercepts (empty when SEs were not requested).
    pub se_intercepts: Vec<Option<f64>>,
    /// SEs of the thresholds (delta method).
    pub se_thresholds: Vec<Option<f64>>,
    /// SE of the location.
    pub se_location: Option<f64>,
}

/// One group's latent distribution in a multiple-group calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupEstimate {
    /// The group's name (its value in the `group` column).
    pub group: String,
    /// Examinees in the group.
    pub n: usize,
    /// Whether it is the reference group (mean and variance fixed).
    pub reference: bool,
    /// Latent mean.
    pub mean: f64,
    /// Latent variance.
    pub variance: f64,
    /// SE of the mean (focal groups, when SEs were requested).
    pub se_mean: Option<f64>,
    /// SE of the variance.
    pub se_variance: Option<f64>,
}

/// Latent-trait distribution parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Latent {
    /// Mean (fixed at 0).
    pub mean: f64,
    /// Variance (fixed at 1, estimated for the Rasch model).
    pub variance: f64,
    /// Whether the variance was estimated.
    pub variance_estimated: bool,
    /// SE of the variance when estimated and SEs were requested.
    pub se_variance: Option<f64>,
}

/// The result of [`calibrate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IrtCalibration {
    /// Always `"irt_calibration"`.
    pub tool: &'static str,
    /// Engine name and version.
    pub engine: EngineInfo,
    /// The file calibrated.
    pub file: String,
    /// The options in effect.
    pub options: IrtOptions,
    /// The quadrature rule used.
    pub quadrature: Quadrature,
    /// Examinees.
    pub n_persons: usize,
    /// Items.
    pub n_items: usize,
    /// Distinct response patterns.
    pub n_patterns: usize,
    /// Item estimates.
    pub items: Vec<ItemEstimate>,
    /// Latent distribution (of the reference group in a multiple-group calibration).
    pub latent: Latent,
    /// Each group's latent distribution (multiple-group calibrations; empty otherwise).
    pub groups: Vec<GroupEstimate>,
    /// Marginal log-likelihood at the estimates.
    pub loglik: f64,
    /// Number of free parameters.
    pub npar: usize,
    /// −2 logL + 2 npar.
    pub aic: f64,
    /// −2 logL + npar · ln N.
    pub bic: f64,
    /// −2 logL + npar · ln((N + 2) / 24) (sample-size adjusted BIC).
    pub sabic: f64,
    /// Whether EM converged.
    pub converged: bool,
    /// Why EM stopped.
    pub stop_reason: StopReason,
    /// EM iterations.
    pub iterations: usize,
    /// Largest parameter change of the last iteration.
    pub last_change: f64,
    /// Log-likelihood after each E-step.
    pub loglik_trace: Vec<f64>,
    /// How standard errors were computed (null when not requested).
    pub se_method: Option<&'static str>,
    /// Limited-information fit (M2, RMSEA, SRMSR); null when it cannot be computed (see
    /// `fit_note`).
    pub m2: Option<fit::M2>,
    /// Why `m2` is null, when it is.
    pub fit_note: Option<String>,
    /// S-X2 item fit per item (Orlando & Thissen); empty when `item_fit_note` says why.
    pub item_fit: Vec<item_fit::SX2>,
    /// Why `item_fit` is empty, when it is.
    pub item_fit_note: Option<String>,
    /// Infit and outfit per item at the EAP abilities: the Rasch model only, empty otherwise.
    pub infit_outfit: Vec<mean_square_fit::MeanSquareFit>,
    /// Curves for plotting.
    pub curves: Curves,
    /// Non-fatal findings.
    pub warnings: Vec<Warning>,
}

/// Curves for plotting, from the estimates: on an equally spaced θ grid from −4 to 4 (81 points),
/// each item's expected score curve, category response curves and information, the test
/// information and its conditional SE `1/√I(θ)`. For the Rasch-family models θ is on the
/// estimated latent metric (variance as reported).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curves {
    /// θ values.
    pub theta: Vec<f64>,
    /// Expected item score E[X | θ] per item (in categories 0..K−1): P(X = 1 | θ) for 0/1
    /// items.
    pub icc: Vec<Vec<f64>>,
    /// P(X = k | θ) per item, per category k = 0..K−1.
    pub category_curves: Vec<Vec<Vec<f64>>>,
    /// Item information per item.
    pub item_information: Vec<Vec<f64>>,
    /// Sum of the item informations.
    pub test_information: Vec<f64>,
    /// 1 / √(test information); `None` where the information is 0 (far from every item it
    /// underflows).
    pub test_se: Vec<Option<f64>>,
}

impl Curves {
    /// Curves of 0/1 items in slope-intercept form.
    pub fn new(items: &[ItemParams]) -> Curves {
        let poly: Vec<PolyItem> = items
            .iter()
            .map(|p| PolyItem {
                model: if p.g > 0.0 || p.u < 1.0 {
                    ItemModel::FourPl
                } else {
                    ItemModel::TwoPl
                },
                a1: p.a1,
                d: vec![p.d],
                g: p.g,
                u: p.u,
            })
            .collect();
        Curves::of_items(&poly)
    }

    /// Curves of items of any model. The per-item curves (`icc`, `category_curves`,
    /// `item_information`) are left empty above [`ITEM_CURVES_MAX_ITEMS`] items, where they
    /// would make the result hundreds of megabytes; the test curves are always there.
    pub fn of_items(items: &[PolyItem]) -> Curves {
        let theta: Vec<f64> = (0..81).map(|i| -4.0 + 0.1 * i as f64).collect();
        let per_item = items.len() <= ITEM_CURVES_MAX_ITEMS;
        let information: Vec<Vec<f64>> = items
            .iter()
            .map(|p| theta.iter().map(|&t| p.information(t)).collect())
            .collect();
        let test_information: Vec<f64> = (0..theta.len())
            .map(|i| information.iter().map(|c| c[i]).sum())
            .collect();
        let test_se = test_information
            .iter()
            .map(|&i| (i > 0.0).then(|| 1.0 / i.sqrt()))
            .collect();
        let (items, item_information) = if per_item {
            (items, information)
        } else {
            (&[][..], Vec::new())
        };
        let category_curves: Vec<Vec<Vec<f64>>> = items
            .iter()
            .map(|it| {
                let mut p = vec![0.0; it.categories()];
                let mut rows = vec![Vec::with_capacity(theta.len()); it.categories()];
                for &t in &theta {
                    it.probs(t, &mut p);
                    rows.iter_mut().zip(&p).for_each(|(r, v)| r.push(*v));
                }
                rows
            })
            .collect();
        let icc: Vec<Vec<f64>> = category_curves
            .iter()
            .map(|rows| {
                (0..theta.len())
                    .map(|i| rows.iter().enumerate().map(|(k, r)| k as f64 * r[i]).sum())
                    .collect()
            })
            .collect();
        Curves {
            theta,
            icc,
            category_curves,
            item_information,
            test_information,
            test_se,
        }
    }
}

/// `se_method` of the standard errors from differences of the gradient.
const SE_BY_DIFFERENCES: &str = "observed information: central differences of the analytic gradient of the marginal log-likelihood (Fisher's identity), inverted over the parameters not on a bound";

/// How [`calibrate`] computes standard errors for a model (reported as `se_method`).
pub fn se_method(model: DichotomousModel) -> &'static str {
    if model.has_guessing() || model.has_upper() {
        SE_BY_DIFFERENCES
    } else {
        "observed information in closed form (Louis' identity: expected complete-data information minus the posterior covariance of the complete-data scores), inverted"
    }
}

/// The warning that EM stopped before converging (iteration limit or cancel), if it did.
fn not_converged(report: &EmReport, tolerance: f64) -> Option<Warning> {
    (!report.converged).then(|| Warning {
        code: "not_converged".into(),
        item: None,
        message: format!(
            "EM stopped after {} iterations ({}) with a largest parameter change of {:.3e}, above the tolerance {:.1e}; the estimates are not final.",
            report.iterations,
            match report.stop_reason {
                StopReason::Cancelled => "cancelled",
                _ => "iteration limit",
            },
            report.last_change,
            tolerance
        ),
    })
}

/// Checks that the data suit a dichotomous IRT model.
fn check_data(data: &ResponseMatrix) -> Result<()> {
    for (j, name) in data.items().iter().enumerate() {
        let max = data.max_scores()[j];
        if max > 1 {
            return Err(InputError::new(ErrorCode::InvalidOption, data.file(), format!("item '{name}' has scores up to {max}, but the dichotomous models need 0/1 scores"))
                .column(name.clone())
                .hint("Recode the item to 0/1, or calibrate it with a polytomous model.")
                .build());
        }
        let ones = (0..data.n_persons())
            .filter(|&p| data.person(p)[j] == 1)
            .count();
        let answered = data.answered()[j];
        if ones == 0 || ones == answered {
            let all = if ones == 0 { 0 } else { 1 };
            return Err(InputError::new(ErrorCode::TooFewData, data.file(), format!("everyone who answered item '{name}' scored {all}, so its parameters cannot be estimated (they go to infinity)"))
                .column(name.clone())
                .hint("Remove the item from the calibration; it carries no information about the latent trait.")
                .build());
        }
    }
    check_size(data)
}

/// At least two items, and at least two examinees who answered any item (every calibration).
fn check_size(data: &ResponseMatrix) -> Result<()> {
    if data.n_items() < 2 {
        return Err(InputError::new(
            ErrorCode::TooFewData,
            data.file(),
            "an IRT calibration needs at least two items",
        )
        .hint("Add items to the file.")
        .build());
    }
    let answered_any = (0..data.n_persons())
        .filter(|&p| data.person(p).iter().any(|&c| c != MISSING))
        .count();
    if answered_any < 2 {
        return Err(InputError::new(
            ErrorCode::TooFewData,
            data.file(),
            "fewer than two examinees answered any item",
        )
        .hint("Add examinees.")
        .build());
    }
    Ok(())
}

/// Calibrates a dichotomous IRT model by marginal maximum likelihood with EM.
///
/// Missing responses are left out of each examinee's likelihood (no deletion); examinees who
/// answered nothing contribute a constant and do not change the estimates. `observer` sees the
/// progress after every EM iteration and may cancel.
///
/// # Errors
/// Invalid options; items that are not 0/1 or that everyone answered alike; fewer than two
/// items or examinees.
pub fn calibrate(
    data: &ResponseMatrix,
    options: &IrtOptions,
    observer: &mut dyn FnMut(&Progress) -> Control,
) -> Result<IrtCalibration> {
    let result = calibrate_any(data, options, observer)?;
    check_finite_estimates(&result, data.file())?;
    Ok(result)
}

/// Refuses a calibration whose estimates went to infinity: data that a model separates
/// perfectly (e.g. two examinees, one answering everything right and one everything wrong)
/// have no finite maximum, and the EM (with its extrapolation) walks off to infinity.
fn check_finite_estimates(r: &IrtCalibration, file: &str) -> Result<()> {
    let mut numbers = r
        .items
        .iter()
        .flat_map(|it| it.intercepts.iter().chain([&it.a1]))
        .chain([&r.latent.mean, &r.latent.variance])
        .chain(r.groups.iter().flat_map(|g| [&g.mean, &g.variance]));
    if !r.loglik.is_finite() {
        return Err(diverged(r, file));
    }
    // Beyond these magnitudes the parameters are on their way to infinity (a logit of 1e6 is
    // certainty to any precision), and their information functions overflow.
    if numbers.all(|x| x.is_finite() && x.abs() < 1e6) && r.latent.variance < 1e12 {
        return Ok(());
    }
    Err(diverged(r, file))
}

fn diverged(r: &IrtCalibration, file: &str) -> Error {
    InputError::new(
        ErrorCode::TooFewData,
        file,
        format!(
            "the estimates went to infinity within {} iterations: these responses have no finite maximum-likelihood estimate under this model (typically very few examinees, or examinees who answer every item alike)",
            r.iterations
        ),
    )
    .hint("Add examinees, use a model with fewer parameters (1PL or Rasch), or leave out the items that split the examinees perfectly.")
    .build()
}

fn calibrate_any(
    data: &ResponseMatrix,
    options: &IrtOptions,
    observer: &mut dyn FnMut(&Progress) -> Control,
) -> Result<IrtCalibration> {
    let quadrature = options.check()?;
    let model = match options.model.item_model().and_then(ItemModel::dichotomous) {
        Some(m) if options.item_models.is_empty() && !options.multigroup => m,
        _ => return mixed::calibrate_general(data, options, quadrature, observer),
    };
    check_data(data)?;
    let patterns = Patterns::new(data);
    let items = starting_values(data, model);
    let mut em = BinaryEm::new(
        &patterns,
        model,
        quadrature.nodes.clone(),
        quadrature.weights.clone(),
        items,
        options.guessing_prior,
    );
    let em_options = EmOptions {
        tolerance: options.tolerance,
        max_iterations: options.max_iterations,
        acceleration: options.acceleration,
    };
    let report: EmReport = run_em(&mut em, &em_options, observer);

    let n = data.n_persons() as f64;
    let k = data.n_items();
    let npar = match model {
        DichotomousModel::Rasch | DichotomousModel::OnePl => k + 1,
        DichotomousModel::TwoPl => 2 * k,
        DichotomousModel::ThreePl => 3 * k,
        DichotomousModel::FourPl => 4 * k,
    };
    let loglik = em.loglik;
    let mut warnings = Vec::new();
    if let Some(w) = not_converged(&report, options.tolerance) {
        warnings.push(w);
    }
    let d_const = options.d_constant;
    let mut latent = Latent {
        mean: 0.0,
        variance: 1.0,
        variance_estimated: false,
        se_variance: None,
    };
    let cov = if options.se {
        Some(covariance(&mut em))
    } else {
        None
    };
    if cov.as_ref().is_some_and(|c| c.values.is_none()) {
        warnings.push(Warning {
            code: "information_not_positive_definite".into(),
            item: None,
            message: "The information matrix is not positive definite, so no standard errors are reported: the model is not identified by these data (e.g. a 2PL with two items) or the estimates are not at a maximum.".into(),
        });
    }
    let common = em.items[0].a1;
    let items: Vec<ItemEstimate> = em
        .items
        .iter()
        .zip(data.items())
        .enumerate()
        .map(|(j, (p, name))| {
            // The Rasch model is fitted as a 1PL: the common slope is the latent SD.
            let (a1, d) = if model == DichotomousModel::Rasch {
                (1.0, p.d)
            } else {
                (p.a1, p.d)
            };
            let mut on_bound = Vec::new();
            if model.has_guessing() && p.g < 1e-4 {
                on_bound.push("g");
            }
            if model.has_upper() && p.u > 1.0 - 1e-4 {
                on_bound.push("u");
            }
            let se = cov
                .as_ref()
                .map(|c| item_standard_errors(c, model, j, p))
                .unwrap_or_default();
            ItemEstimate {
                item: name.clone(),
                group: None,
                model: model.name(),
                categories: 2,
                scores: vec![0, 1],
                a1,
                d: Some(d),
                g: Some(p.g),
                u: Some(p.u),
                a: a1 / d_const,
                b: finite(-d / a1),
                c: Some(p.g),
                intercepts: vec![d],
                thresholds: vec![finite(-d / a1)],
                location: finite(-d / a1),
                se_intercepts: if options.se { vec![se.d] } else { Vec::new() },
                se_thresholds: if options.se { vec![se.b] } else { Vec::new() },
                se_location: se.b,
                on_bound,
                se_a1: se.a1,
                se_d: se.d,
                se_g: se.g,
                se_u: se.u,
                se_a: se.a1.map(|s| s / d_const),
                se_b: se.b,
                se_c: se.g,
            }
        })
        .collect();
    if model == DichotomousModel::Rasch {
        latent.variance = common * common;
        latent.variance_estimated = true;
        // Var(σ²) by the delta method: (2a)² Var(a).
        latent.se_variance = cov
            .as_ref()
            .and_then(|c| c.get(0, 0))
            .map(|v| 2.0 * common.abs() * v.sqrt());
    }
    warnings.extend(estimate_warnings(&items));
    let (m2, fit_note) = if data.has_missing() {
        (None, Some("M2 needs complete data: with missing responses the observed bivariate margins are not comparable across item pairs, so it is not computed.".to_string()))
    } else if k > options.m2_max_items {
        (None, Some(format!("M2 is computed for tests of up to {} items (option m2-max-items); this test has {k}, so its Ξ matrix would have {} rows and the time to factorise it grows with the cube of that. Raise the limit to compute it.", options.m2_max_items, fit::m2_margins(k))))
    } else {
        match fit::m2(data.codes(), data.n_persons(), &em.items, model, &em.nodes, &em.prior) {
            Some(m) => (Some(m), None),
            None => (None, Some("M2 has no degrees of freedom for this model and number of items (or its matrices are singular).".to_string())),
        }
    };
    let item_fit_note = item_fit_note(data.has_missing(), k, options.item_fit_max_items);
    let item_fit = if item_fit_note.is_some() {
        Vec::new()
    } else {
        // Parameters each item depends on, a shared slope or variance counted fully (as mirt).
        let free = match model {
            DichotomousModel::Rasch | DichotomousModel::OnePl | DichotomousModel::TwoPl => 2,
            DichotomousModel::ThreePl => 3,
            DichotomousModel::FourPl => 4,
        };
        let probs: Vec<Vec<f64>> = em
            .items
            .iter()
            .map(|p| {
                let p1: Vec<f64> = em.nodes.iter().map(|&t| p.prob(t)).collect();
                p1.iter()
                    .map(|v| 1.0 - v)
                    .chain(p1.iter().copied())
                    .collect()
            })
            .collect();
        item_fit::s_x2(
            &item_fit::SummedScoreFit {
                codes: data.codes(),
                names: data.items(),
                probs: &probs,
                weights: &em.prior,
                free: &vec![free; k],
                group: None,
            },
            1.0,
        )
    };
    let infit_outfit = if model == DichotomousModel::Rasch {
        // EAP ability of each pattern on the fitted scale (the common slope carries σ).
        let nodes = em.nodes.clone();
        let eap = em
            .fold_posterior_chunks(estep::CHUNKS, Vec::new, |eap, _, lo, w| {
                eap.push(crate::vecmath::dot(w, &nodes[lo..lo + w.len()]))
            })
            .concat();
        mean_square_fit::mean_square_fit(&patterns, &em.items, &eap, data.items())
    } else {
        Vec::new()
    };
    let reported: Vec<ItemParams> = items
        .iter()
        .zip(&em.items)
        .map(|(i, p)| ItemParams {
            a1: i.a1,
            d: p.d,
            g: p.g,
            u: p.u,
        })
        .collect();
    let curves = Curves::new(&reported);
    Ok(IrtCalibration {
        tool: "irt_calibration",
        engine: EngineInfo::current(),
        file: data.file().to_string(),
        options: options.clone(),
        quadrature,
        n_persons: data.n_persons(),
        n_items: k,
        n_patterns: patterns.len(),
        items,
        latent,
        groups: Vec::new(),
        loglik,
        npar,
        aic: -2.0 * loglik + 2.0 * npar as f64,
        bic: -2.0 * loglik + npar as f64 * n.ln(),
        sabic: -2.0 * loglik + npar as f64 * ((n + 2.0) / 24.0).ln(),
        converged: report.converged,
        stop_reason: report.stop_reason,
        iterations: report.iterations,
        last_change: report.last_change,
        loglik_trace: report.loglik_trace,
        se_method: options.se.then_some(se_method(model)),
        m2,
        fit_note,
        item_fit,
        item_fit_note,
        infit_outfit,
        curves,
        warnings,
    })
}

/// Starting values: slope 1, intercept from the proportion correct p as
/// `logit(p) · √(1 + π²/8)` (the marginal of a unit-slope logistic item over N(0, 1)), g = .1
/// (3PL/4PL), u = .95 (4PL).
fn starting_values(data: &ResponseMatrix, model: DichotomousModel) -> Vec<ItemParams> {
    (0..data.n_items())
        .map(|j| {
            let ones = (0..data.n_persons())
                .filter(|&p| data.person(p)[j] == 1)
                .count() as f64;
            let p = (ones / data.answered()[j] as f64).clamp(0.01, 0.99);
            let scale = (1.0 + std::f64::consts::PI.powi(2) / 8.0).sqrt();
            ItemParams {
                a1: 1.0,
                d: (p / (1.0 - p)).ln() * scale,
                g: if model.has_guessing() { 0.1 } else { 0.0 },
                u: if model.has_upper() { 0.95 } else { 1.0 },
            }
        })
        .collect()
}

/// The covariance matrix of the internal parameters, with parameters on a bound left out
/// (their rows and columns are `None`).
struct Covariance {
    /// For each internal parameter, its index among the free ones.
    index: Vec<Option<usize>>,
    free: usize,
    values: Option<Vec<f64>>,
}

impl Covariance {
    /// Inverts the information matrix over the parameters not on a bound.
    fn from_information(info: &[f64], n: usize, on_bound: impl Fn(usize) -> bool) -> Covariance {
        let mut index = vec![None; n];
        let mut free = 0;
        for (i, slot) in index.iter_mut().enumerate() {
            if !on_bound(i) {
                *slot = Some(free);
                free += 1;
            }
        }
        let mut reduced = vec![0.0; free * free];
        for i in 0..n {
            for k in 0..n {
                if let (Some(a), Some(b)) = (index[i], index[k]) {
                    reduced[a * free + b] = info[i * n + k];
                }
            }
        }
        Covariance {
            index,
            free,
            values: crate::math::spd_inverse(&reduced, free),
        }
    }

    fn get(&self, i: usize, k: usize) -> Option<f64> {
        let (a, b) = (self.index.get(i).copied()??, self.index.get(k).copied()??);
        self.values.as_ref().map(|v| v[a * self.free + b])
    }

    /// SE of the linear combination `Σ c_i β_i` (the delta method when the c are the
    /// gradient of a function of β): `√(cᵀ Σ c)`; None when a term's parameter has no variance
    /// or the variance is negative.
    fn linear_se(&self, terms: &[(usize, f64)]) -> Option<f64> {
        let mut v = 0.0;
        for &(i, a) in terms {
            for &(k, b) in terms {
                v += a * b * self.get(i, k)?;
            }
        }
        (v >= 0.0).then(|| v.sqrt()).and_then(finite)
    }
}

fn covariance(em: &mut BinaryEm<'_>) -> Covariance {
    let info = if em.model.has_guessing() || em.model.has_upper() {
        information::observed_information_by_differences(em)
    } else {
        information::logistic_observed_information(em)
    };
    let params = em.internal_parameters();
    // Asymptotes within 1e-4 of 0 or 1 sit on their bound: no standard error.
    let on_bound = |i: usize| -> bool {
        if em.model.common_slope() {
            return false;
        }
        let per = 2 + em.model.has_guessing() as usize + em.model.has_upper() as usize;
        let k = i % per;
        if k < 2 {
            return false;
        }
        let v = dichotomous::logistic(params[i]);
        !(1e-4..=1.0 - 1e-4).contains(&v)
    };
    Covariance::from_information(&info, params.len(), on_bound)
}

#[derive(Default)]
struct ItemSe {
    a1: Option<f64>,
    d: Option<f64>,
    g: Option<f64>,
    u: Option<f64>,
    b: Option<f64>,
}

/// Standard errors of item j's parameters from the covariance of the internal parameters; the IRT
/// difficulty b = −d / a1 by the delta method (∂b/∂a1 = d / a1², ∂b/∂d = −1 / a1), g and u from
/// their logits (∂g/∂logit g = g(1 − g)).
fn item_standard_errors(
    cov: &Covariance,
    model: DichotomousModel,
    j: usize,
    p: &ItemParams,
) -> ItemSe {
    let sd = |i: usize| {
        cov.get(i, i)
            .filter(|v| *v >= 0.0)
            .and_then(|v| finite(v.sqrt()))
    };
    let (ia, id) = if model.common_slope() {
        (0, j + 1)
    } else {
        let per = 2 + model.has_guessing() as usize + model.has_upper() as usize;
        (j * per, j * per + 1)
    };
    let slope_fixed = model == DichotomousModel::Rasch;
    let a1 = if slope_fixed { 1.0 } else { p.a1 };
    let b = if slope_fixed {
        sd(id)
    } else {
        match (cov.get(ia, ia), cov.get(id, id), cov.get(ia, id)) {
            (Some(vaa), Some(vdd), Some(vad)) => {
                let (ga, gd) = (p.d / (a1 * a1), -1.0 / a1);
                let v = ga * ga * vaa + gd * gd * vdd + 2.0 * ga * gd * vad;
                // Undefined (None) with a slope of 0, where b itself is.
                (v >= 0.0).then(|| v.sqrt()).and_then(finite)
            }
            _ => None,
        }
    };
    let mut se = ItemSe {
        a1: if slope_fixed { None } else { sd(ia) },
        d: sd(id),
        b,
        ..Default::default()
    };
    if !model.common_slope() {
        let mut i = ia + 2;
        if model.has_guessing() {
            se.g = sd(i).map(|s| s * p.g * (1.0 - p.g));
            i += 1;
        }
        if model.has_upper() {
            se.u = sd(i).map(|s| s * p.u * (1.0 - p.u));
        }
    }
    se
}

/// Tests of more items than this get no per-item curves in the result (see [`Curves::of_items`]).
pub const ITEM_CURVES_MAX_ITEMS: usize = 2_000;

/// Standardised factor loading above which a slope counts as a Heywood-like case: 0.99, i.e.
/// a normal-ogive slope a1/1.702 above λ/√(1 − λ²) ≈ 7.0.
pub const HEYWOOD_LOADING: f64 = 0.99;

/// Warnings about estimates at or beyond the edge of what the data can identify:
///
/// - `parameter_on_bound`: a guessing or upper asymptote held at its bound;
/// - `zero_slope`: a slope of 0, so the item does not discriminate and its IRT-form difficulty
///   and thresholds are undefined (reported as null);
/// - `negative_slope`: higher ability makes higher scores less likely (often a miskeyed item);
/// - `heywood_slope`: a slope so steep that its standardised loading
///   `λ = (a1/1.702) / √(1 + (a1/1.702)²)` exceeds [`HEYWOOD_LOADING`], the IRT counterpart of
///   a Heywood case in factor analysis (a communality near 1): the item splits the examinees
///   almost deterministically, the estimate drifts with the iteration limit and its SE is not
///   meaningful;
/// - `item_curves_omitted`: more than [`ITEM_CURVES_MAX_ITEMS`] items, so no per-item curves.
pub fn estimate_warnings(items: &[ItemEstimate]) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let k = items
        .iter()
        .map(|it| it.item.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if k > ITEM_CURVES_MAX_ITEMS {
        warnings.push(Warning {
            code: "item_curves_omitted".into(),
            item: None,
            message: format!("The test has {k} items: the result holds the test information and its SE, but no curves per item (they are kept for tests of up to {ITEM_CURVES_MAX_ITEMS} items)."),
        });
    }
    for it in items {
        let name = match &it.group {
            Some(g) => format!("Item '{}' (group '{g}')", it.item),
            None => format!("Item '{}'", it.item),
        };
        let mut push = |code: &str, message: String| {
            warnings.push(Warning {
                code: code.into(),
                item: Some(it.item.clone()),
                message,
            })
        };
        if !it.on_bound.is_empty() {
            push(
                "parameter_on_bound",
                format!(
                    "{name}: {} at the bound of its range; its standard error is not meaningful.",
                    it.on_bound.join(", ")
                ),
            );
        }
        let normal_slope = it.a1 / 1.702;
        let loading = normal_slope.abs() / (1.0 + normal_slope * normal_slope).sqrt();
        if it.a1 == 0.0 {
            push("zero_slope", format!("{name}: the slope is 0, so the item does not discriminate and its difficulty (thresholds, location) is undefined; check the item, or leave it out."));
        } else if it.a1 < 0.0 {
            push("negative_slope", format!("{name}: the slope is negative (a1 = {:.3}): examinees with higher ability score lower on it. Check its key, or reverse-score it.", it.a1));
        }
        if loading > HEYWOOD_LOADING || !it.a1.is_finite() {
            push("heywood_slope", format!("{name}: the slope a1 = {:.3} is extreme (standardised loading {loading:.4}, a Heywood-like case): the item separates examinees almost perfectly, the estimate depends on the iteration limit and its standard error is not meaningful. Common with few examinees or an item that duplicates another.", it.a1));
        }
    }
    warnings
}
