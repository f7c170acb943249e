//! Item response theory: marginal maximum-likelihood calibration by EM (Bock & Aitkin, 1981).
//!
//! - [`quadrature`]: rectangular (mirt's default) and Gauss-Hermite rules.
//! - [`dichotomous`]: Rasch, 1PL, 2PL, 3PL, 4PL response functions and per-item M-steps.
//! - [`patterns`]: identical response patterns collapsed with counts.
//! - the E-step over patterns lives in `binary_em`, driven by the shared [`crate::em`] driver.

mod binary_em;
pub mod dichotomous;
pub mod fit;
mod information;
pub mod mean_square_fit;
pub mod patterns;
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
pub use quadrature::Quadrature;

use crate::data::{ResponseMatrix, MISSING};
use crate::em::{run_em, Acceleration, Control, EmOptions, EmReport, Progress, StopReason};
use crate::error::{Error, ErrorCode, InputError, Result, Warning};
use crate::EngineInfo;
use binary_em::BinaryEm;
use patterns::Patterns;
use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IrtOptions {
    /// The model for every item.
    pub model: DichotomousModel,
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
}

/// Default of [`IrtOptions::m2_max_items`].
///
/// At 60 items (1,830 margins) M2 adds about 0.2 s natively and 1 s in Chromium on a 2-core
/// machine; at 80 items 0.7 s and 4.5 s; the time grows with the sixth power of the items.
pub const DEFAULT_M2_MAX_ITEMS: usize = 60;

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
    /// 500 iterations, SQUAREM.
    pub fn new(model: DichotomousModel) -> IrtOptions {
        IrtOptions {
            model,
            quadrature_rule: QuadratureRule::Rectangular,
            quadrature_nodes: None,
            d_constant: default_d(),
            tolerance: default_tol(),
            max_iterations: default_max_iter(),
            acceleration: Acceleration::Squarem,
            guessing_prior: None,
            se: false,
            m2_max_items: DEFAULT_M2_MAX_ITEMS,
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemEstimate {
    /// Item name.
    pub item: String,
    /// Model name (`"2pl"`, ...).
    pub model: &'static str,
    /// Slope (slope-intercept form).
    pub a1: f64,
    /// Intercept.
    pub d: f64,
    /// Lower asymptote.
    pub g: f64,
    /// Upper asymptote.
    pub u: f64,
    /// Discrimination in the IRT form, a1 / D.
    pub a: f64,
    /// Difficulty, −d / a1.
    pub b: f64,
    /// Lower asymptote (= g).
    pub c: f64,
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
    /// Latent distribution.
    pub latent: Latent,
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
    /// S-X2 item fit per item (Orlando & Thissen); empty when `fit_note` says it is not
    /// computed.
    pub item_fit: Vec<fit::SX2>,
    /// Infit and outfit per item at the EAP abilities: the Rasch model only, empty otherwise.
    pub infit_outfit: Vec<mean_square_fit::MeanSquareFit>,
    /// Curves for plotting.
    pub curves: Curves,
    /// Non-fatal findings.
    pub warnings: Vec<Warning>,
}

/// Curves for plotting, from the estimates: on an equally spaced θ grid from −4 to 4 (81 points),
/// each item's characteristic curve and information, the test information and its conditional
/// SE `1/√I(θ)`. For the Rasch model θ is on the estimated latent metric (variance as reported).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curves {
    /// θ values.
    pub theta: Vec<f64>,
    /// P(X = 1 | θ) per item.
    pub icc: Vec<Vec<f64>>,
    /// Item information per item.
    pub item_information: Vec<Vec<f64>>,
    /// Sum of the item informations.
    pub test_information: Vec<f64>,
    /// 1 / √(test information).
    pub test_se: Vec<f64>,
}

impl Curves {
    /// Curves of items in slope-intercept form.
    pub fn new(items: &[ItemParams]) -> Curves {
        let theta: Vec<f64> = (0..81).map(|i| -4.0 + 0.1 * i as f64).collect();
        let icc: Vec<Vec<f64>> = items
            .iter()
            .map(|p| theta.iter().map(|&t| p.prob(t)).collect())
            .collect();
        let item_information: Vec<Vec<f64>> = items
            .iter()
            .map(|p| theta.iter().map(|&t| p.information(t)).collect())
            .collect();
        let test_information: Vec<f64> = (0..theta.len())
            .map(|i| item_information.iter().map(|c| c[i]).sum())
            .collect();
        let test_se = test_information
            .iter()
            .map(|&i| {
                if i > 0.0 {
                    1.0 / i.sqrt()
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        Curves {
            theta,
            icc,
            item_information,
            test_information,
            test_se,
        }
    }
}

/// How [`calibrate`] computes standard errors for a model (reported as `se_method`).
pub fn se_method(model: DichotomousModel) -> &'static str {
    if model.has_guessing() || model.has_upper() {
        "observed information: central differences of the analytic gradient of the marginal log-likelihood (Fisher's identity), inverted over the parameters not on a bound"
    } else {
        "observed information in closed form (Louis' identity: expected complete-data information minus the posterior covariance of the complete-data scores), inverted"
    }
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
    let quadrature = options.check()?;
    check_data(data)?;
    let patterns = Patterns::new(data);
    let model = options.model;
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
    if !report.converged {
        warnings.push(Warning {
            code: "not_converged".into(),
            item: None,
            message: format!(
                "EM stopped after {} iterations ({}) with a largest parameter change of {:.3e}, above the tolerance {:.1e}; the estimates are not final.",
                report.iterations,
                match report.stop_reason { StopReason::Cancelled => "cancelled", _ => "iteration limit" },
                report.last_change,
                options.tolerance
            ),
        });
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
                model: model.name(),
                a1,
                d,
                g: p.g,
                u: p.u,
                a: a1 / d_const,
                b: -d / a1,
                c: p.g,
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
    for it in &items {
        if !it.on_bound.is_empty() {
            warnings.push(Warning {
                code: "parameter_on_bound".into(),
                item: Some(it.item.clone()),
                message: format!("Item '{}': {} at the bound of its range; its standard error is not meaningful.", it.item, it.on_bound.join(", ")),
            });
        }
    }
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
    let item_fit = if data.has_missing() || k < 3 {
        Vec::new()
    } else {
        let free_per_item = match model {
            DichotomousModel::Rasch | DichotomousModel::OnePl => 1,
            DichotomousModel::TwoPl => 2,
            DichotomousModel::ThreePl => 3,
            DichotomousModel::FourPl => 4,
        };
        fit::s_x2(data, &em.items, free_per_item, &em.nodes, &em.prior, 1.0)
    };
    let infit_outfit = if model == DichotomousModel::Rasch {
        // EAP ability of each pattern on the fitted scale (the common slope carries σ).
        let nodes = em.nodes.clone();
        let mut eap = vec![0.0; patterns.len()];
        em.for_each_posterior(|p, lo, w| {
            eap[p] = crate::vecmath::dot(w, &nodes[lo..lo + w.len()]);
        });
        mean_square_fit::mean_square_fit(&patterns, &em.items, &eap, data.items())
    } else {
        Vec::new()
    };
    let reported: Vec<ItemParams> = items
        .iter()
        .map(|i| ItemParams {
            a1: i.a1,
            d: i.d,
            g: i.g,
            u: i.u,
        })
        .collect();
    let curves = Curves::new(&reported);
    Ok(IrtCalibration {
        tool: "irt_calibration",
        engine: EngineInfo::current(),
        file: data.file().to_string(),
        options: *options,
        quadrature,
        n_persons: data.n_persons(),
        n_items: k,
        n_patterns: patterns.len(),
        items,
        latent,
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
    fn get(&self, i: usize, k: usize) -> Option<f64> {
        let (a, b) = (self.index.get(i).copied()??, self.index.get(k).copied()??);
        self.values.as_ref().map(|v| v[a * self.free + b])
    }
}

fn covariance(em: &mut BinaryEm<'_>) -> Covariance {
    let info = if em.model.has_guessing() || em.model.has_upper() {
        em.observed_information()
    } else {
        information::logistic_observed_information(em)
    };
    let params = em.internal_parameters();
    let n = params.len();
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
    let mut index = vec![None; n];
    let mut free = 0;
    for i in 0..n {
        if !on_bound(i) {
            index[i] = Some(free);
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
    let sd = |i: usize| cov.get(i, i).filter(|v| *v >= 0.0).map(f64::sqrt);
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
                (v >= 0.0).then(|| v.sqrt())
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
