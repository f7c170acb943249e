//! Cognitive diagnosis models of the G-DINA family (de la Torre, 2011): each item j requires the
//! K_j attributes its Q-matrix row marks, and its success probability depends on which of them
//! an examinee masters, one probability `P_jl` per reduced attribute pattern l (2^{K_j} of them).
//!
//! - G-DINA: every `P_jl` free (saturated).
//! - DINA: `P = 1 − s_j` for examinees mastering every required attribute, `g_j` otherwise.
//! - DINO: `P = g_j` for examinees mastering none of them, `1 − s_j` otherwise.
//!
//! Estimation is marginal maximum likelihood by EM ([`estimation`]) over the 2^K latent classes,
//! from several seeded starts, keeping the best log-likelihood; convergence is the largest change
//! of any success probability and class proportion (GDINA's `conv.type = c("ip", "mp")`).

pub mod additive;
pub mod design;
pub mod estimation;
pub mod fit;
pub mod higher_order;
pub mod patterns;
pub mod profile;
pub mod qvalidation;

use crate::data::{QMatrix, ResponseMatrix, MISSING};
use crate::em::{run_em, Acceleration, Control, EmOptions, Progress, StopReason};
use crate::error::{Error, ErrorCode, InputError, Result, Warning};
use crate::irt::patterns::Patterns;
use crate::EngineInfo;
pub use design::Link;
use estimation::CdmEm;
use patterns::{attribute_patterns, pattern_label};
use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// The largest number of attributes accepted: 2^12 = 4,096 latent classes.
pub const MAX_ATTRIBUTES: usize = 12;

/// The measurement model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CdmModel {
    /// Generalized DINA: one success probability per reduced attribute pattern.
    Gdina,
    /// Deterministic input, noisy "and" gate: guess and slip.
    Dina,
    /// Deterministic input, noisy "or" gate: guess and slip.
    Dino,
    /// Additive CDM: an intercept and a main effect per required attribute, identity link.
    Acdm,
    /// Linear logistic model: the additive model on the logit scale.
    Llm,
    /// Reduced reparametrized unified model: the additive model on the log scale.
    Rrum,
}

impl CdmModel {
    /// Every model, in the order the documentation lists them.
    pub const ALL: [CdmModel; 6] = [
        CdmModel::Gdina,
        CdmModel::Dina,
        CdmModel::Dino,
        CdmModel::Acdm,
        CdmModel::Llm,
        CdmModel::Rrum,
    ];

    /// The name used in options and output.
    pub fn name(self) -> &'static str {
        match self {
            CdmModel::Gdina => "gdina",
            CdmModel::Dina => "dina",
            CdmModel::Dino => "dino",
            CdmModel::Acdm => "acdm",
            CdmModel::Llm => "llm",
            CdmModel::Rrum => "rrum",
        }
    }

    /// The link of an additive model (its parameters are estimated on it); `None` for G-DINA,
    /// DINA and DINO, whose probabilities are estimated directly.
    pub fn additive_link(self) -> Option<Link> {
        match self {
            CdmModel::Acdm => Some(Link::Identity),
            CdmModel::Llm => Some(Link::Logit),
            CdmModel::Rrum => Some(Link::Log),
            CdmModel::Gdina | CdmModel::Dina | CdmModel::Dino => None,
        }
    }

    /// Free item parameters of an item requiring `kj` attributes.
    fn item_parameters(self, kj: usize) -> usize {
        match self {
            CdmModel::Gdina => 1 << kj,
            CdmModel::Dina | CdmModel::Dino => 2,
            CdmModel::Acdm | CdmModel::Llm | CdmModel::Rrum => kj + 1,
        }
    }
}

/// The structure of the latent class proportions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AttributeDistribution {
    /// One free proportion per class (2^K − 1 parameters).
    #[default]
    Saturated,
    /// Attributes mastered independently (K parameters).
    Independent,
    /// One latent trait underlies the attributes (2K parameters; de la Torre & Douglas, 2004).
    #[serde(rename = "higher-order")]
    HigherOrder,
}

/// Options of [`calibrate`].
#[derive(Debug, Clone, PartialEq)]
pub struct CdmOptions {
    /// The model.
    pub model: CdmModel,
    /// The structure of the class proportions.
    pub distribution: AttributeDistribution,
    /// Convergence: largest change of any success probability or class proportion (GDINA's
    /// default 1e-4).
    pub tolerance: f64,
    /// Iteration limit per start.
    pub max_iterations: usize,
    /// Number of starts (the first from fixed values, the others random from `seed`).
    pub starts: usize,
    /// Seed of the random starts.
    pub seed: u64,
    /// EM iterations of each start before the best one is run on to convergence.
    pub screen_iterations: usize,
    /// Bounds of the success probabilities (GDINA's 1e-4 and 0.9999).
    pub bounds: (f64, f64),
    /// The scale of the reported delta coefficients of G-DINA, DINA and DINO (identity when
    /// `None`); an additive model's is its own link.
    pub link: Option<Link>,
    /// M2 is computed for tests of at most this many items (its cost grows with the cube of the
    /// number of margins, J(J + 1)/2); above it `m2` is null and `fit_note` says why.
    pub m2_max_items: usize,
}

impl Default for CdmOptions {
    fn default() -> Self {
        CdmOptions {
            model: CdmModel::Gdina,
            distribution: AttributeDistribution::Saturated,
            tolerance: 1e-4,
            max_iterations: 2000,
            starts: 3,
            seed: 123_456,
            screen_iterations: 10,
            bounds: (1e-4, 0.9999),
            link: None,
            m2_max_items: crate::irt::DEFAULT_M2_MAX_ITEMS,
        }
    }
}

impl CdmOptions {
    /// The scale of the delta coefficients: an additive model's own link, otherwise `link`
    /// (identity by default).
    pub fn delta_link(&self) -> Link {
        self.model
            .additive_link()
            .unwrap_or(self.link.unwrap_or_default())
    }

    fn check(&self) -> Result<()> {
        if let (Some(own), Some(asked)) = (self.model.additive_link(), self.link) {
            if own != asked {
                return Err(Error::option(
                    "link",
                    format!(
                        "the {} model is defined on the {} link, not the {} link",
                        self.model.name(),
                        own.name(),
                        asked.name()
                    ),
                    "Leave the link out for A-CDM, LLM and R-RUM (identity, logit and log); the link option sets the scale of G-DINA's, DINA's and DINO's delta coefficients.",
                ));
            }
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(Error::option(
                "tol",
                format!("the tolerance {} is not a positive number", self.tolerance),
                "Use a small positive number such as 1e-4 (GDINA's default).",
            ));
        }
        if self.max_iterations == 0 {
            return Err(Error::option(
                "maxIter",
                "the iteration limit is 0",
                "Allow at least one iteration (2000 is GDINA's default).",
            ));
        }
        if !(1..=100).contains(&self.starts) {
            return Err(Error::option(
                "starts",
                format!("{} starts", self.starts),
                "Use 1 to 100 starts (3 is GDINA's default).",
            ));
        }
        let (lo, hi) = self.bounds;
        if !(lo > 0.0 && lo < hi && hi < 1.0) {
            return Err(Error::option(
                "bounds",
                format!("the bounds ({lo}, {hi}) of the success probabilities are not inside (0, 1) in order"),
                "Use bounds such as 1e-4 and 0.9999 (GDINA's defaults).",
            ));
        }
        Ok(())
    }
}

/// One reduced attribute pattern of an item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupProbability {
    /// The pattern over the item's required attributes, in the Q-matrix's column order (e.g.
    /// "10": the first mastered, the second not).
    pub pattern: String,
    /// Success probability.
    pub prob: f64,
    /// Its standard error (null when the information matrix is singular).
    pub se: Option<f64>,
}

/// One delta coefficient (on the result's `link`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delta {
    /// `d0` (intercept), `d1`, `d2`, … (main effects of the required attributes, numbered in
    /// the item's order), `d12`, … (interactions).
    pub param: String,
    /// Value.
    pub value: f64,
    /// Standard error.
    pub se: Option<f64>,
}

/// One item's estimates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CdmItem {
    /// Item name.
    pub item: String,
    /// The attributes it requires.
    pub required: Vec<String>,
    /// Success probability of each reduced pattern (GDINA's order).
    pub groups: Vec<GroupProbability>,
    /// `P` of the pattern mastering none of the required attributes.
    pub guess: f64,
    /// `1 − P` of the pattern mastering all of them.
    pub slip: f64,
    /// Standard error of the guess.
    pub guess_se: Option<f64>,
    /// Standard error of the slip.
    pub slip_se: Option<f64>,
    /// Item discrimination index `1 − s − g`.
    pub idi: f64,
    /// Delta coefficients (on the result's `link`).
    pub delta: Vec<Delta>,
    /// Patterns whose success probability falls when one more required attribute is mastered
    /// (e.g. "10 > 11").
    pub monotonicity_violations: Vec<String>,
}

/// One start of the EM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StartReport {
    /// Log-likelihood reached.
    pub loglik: f64,
    /// EM iterations.
    pub iterations: usize,
    /// Whether it converged.
    pub converged: bool,
}

/// A latent class's estimated proportion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassProportion {
    /// Attribute pattern (attribute 1 first).
    pub pattern: String,
    /// Proportion.
    pub proportion: f64,
}

/// One attribute's higher-order parameters: `P(α_k = 1 | θ) = logistic(intercept + slope·θ)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HigherOrderParameter {
    /// Attribute name.
    pub attribute: String,
    /// `λ_0k`.
    pub intercept: f64,
    /// `λ_1k`.
    pub slope: f64,
}

/// An attribute's estimated prevalence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prevalence {
    /// Attribute name.
    pub attribute: String,
    /// `P(α_k = 1)`.
    pub prevalence: f64,
}

/// The result of [`calibrate`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CdmCalibration {
    /// `"cdm"`.
    pub tool: &'static str,
    /// Engine name and version.
    pub engine: EngineInfo,
    /// The model.
    pub model: CdmModel,
    /// The class proportions' structure.
    pub attribute_distribution: AttributeDistribution,
    /// The scale of the delta coefficients.
    pub link: Link,
    /// Examinees.
    pub n_persons: usize,
    /// Items.
    pub n_items: usize,
    /// Attributes.
    pub n_attributes: usize,
    /// Latent classes 2^K.
    pub n_classes: usize,
    /// Attribute names.
    pub attributes: Vec<String>,
    /// Marginal log-likelihood.
    pub loglik: f64,
    /// −2 log-likelihood.
    pub deviance: f64,
    /// Free parameters (items + population).
    pub npar: usize,
    /// Free item parameters.
    pub npar_items: usize,
    /// Free population parameters.
    pub npar_population: usize,
    /// `deviance + 2·npar`.
    pub aic: f64,
    /// `deviance + npar·ln N`.
    pub bic: f64,
    /// `deviance + npar·(ln N + 1)`.
    pub caic: f64,
    /// `AIC + 2·npar·(npar + 1)/(N − npar − 1)` (null when N ≤ npar + 1).
    pub aicc: Option<f64>,
    /// `deviance + npar·ln((N + 2)/24)`.
    pub sabic: f64,
    /// Whether the best start converged.
    pub converged: bool,
    /// Why the best start stopped.
    pub stop_reason: StopReason,
    /// Its EM iterations.
    pub iterations: usize,
    /// Its last largest change.
    pub last_change: f64,
    /// The convergence tolerance.
    pub tolerance: f64,
    /// Every start, in order.
    pub starts: Vec<StartReport>,
    /// The start kept (0-based).
    pub best_start: usize,
    /// Per item, in the response file's order.
    pub items: Vec<CdmItem>,
    /// Attribute prevalences.
    pub attribute_prevalence: Vec<Prevalence>,
    /// Class proportions (GDINA's order of patterns).
    pub classes: Vec<ClassProportion>,
    /// The higher-order distribution's parameters (null for the other distributions).
    pub higher_order: Option<Vec<HigherOrderParameter>>,
    /// How the standard errors were computed.
    pub se_method: &'static str,
    /// Standardized root mean squared residual of the item-pair correlations (null when a
    /// correlation is undefined).
    pub srmsr: Option<f64>,
    /// Limited-information fit: M2, df, p, RMSEA2 with its 90% interval, SRMSR (null when not
    /// defined; `fit_note` says why).
    pub m2: Option<crate::margins::M2>,
    /// Why `m2` is null, when it is.
    pub fit_note: Option<String>,
    /// Q-matrix validation (GDI / PVAF) from this fit's posterior.
    pub q_validation: qvalidation::QValidation,
    /// Notes: non-convergence, boundary estimates, singular information.
    pub warnings: Vec<Warning>,
}

/// The items of the Q-matrix in the response file's order, with their required attributes.
///
/// # Errors
/// An item of either file missing from the other.
fn match_items(data: &ResponseMatrix, q: &QMatrix, q_file: &str) -> Result<Vec<Vec<usize>>> {
    let mut required = Vec::with_capacity(data.n_items());
    for item in data.items() {
        match q.items.iter().position(|i| i == item) {
            Some(j) => required.push(q.required(j)),
            None => {
                return Err(InputError::new(
                    ErrorCode::ItemMismatch,
                    q_file,
                    format!(
                        "the item '{item}' of the response file '{}' has no row in the Q-matrix",
                        data.file()
                    ),
                )
                .column(item.clone())
                .value(item.clone())
                .hint("Add a row for it to the Q-matrix (its name in the first column, 0/1 per attribute), or remove its column from the response file.")
                .build())
            }
        }
    }
    for (j, item) in q.items.iter().enumerate() {
        if !data.items().contains(item) {
            return Err(InputError::new(
                ErrorCode::ItemMismatch,
                q_file,
                format!(
                    "the Q-matrix's item '{item}' is not a column of the response file '{}'",
                    data.file()
                ),
            )
            .row(q.rows[j])
            .value(item.clone())
            .hint("Check the spelling against the response file's header, or delete the Q-matrix row.")
            .build());
        }
    }
    Ok(required)
}

/// Checks that every response is 0, 1 or missing.
fn check_binary(data: &ResponseMatrix) -> Result<()> {
    let k = data.n_items();
    for (j, &max) in data.max_scores().iter().enumerate() {
        if max > 1 {
            let p = (0..data.n_persons())
                .find(|&p| {
                    let v = data.codes()[p * k + j];
                    v != MISSING && v > 1
                })
                .unwrap_or(0);
            let v = data.codes()[p * k + j];
            return Err(InputError::new(
                ErrorCode::ScoreOutOfRange,
                data.file(),
                format!(
                    "item '{}' has the score {v}; cognitive diagnosis models need 0/1 responses",
                    data.items()[j]
                ),
            )
            .row(p + 2)
            .column(data.items()[j].clone())
            .value(v.to_string())
            .hint(
                "Score the responses right (1) or wrong (0) first; leave missing responses empty.",
            )
            .build());
        }
    }
    Ok(())
}

/// Refuses more than [`MAX_ATTRIBUTES`] attributes, saying why.
fn check_attribute_count(q: &QMatrix, q_file: &str) -> Result<()> {
    let k = q.n_attributes();
    if k > MAX_ATTRIBUTES {
        return Err(InputError::new(
            ErrorCode::TooFewData,
            q_file,
            format!(
                "the Q-matrix has {k} attributes: {} latent classes, more than pacer handles (at most {MAX_ATTRIBUTES} attributes, {} classes)",
                1u64 << k,
                1 << MAX_ATTRIBUTES
            ),
        )
        .hint("Split the attributes into separate analyses, or merge attributes that are always required together.")
        .build());
    }
    Ok(())
}

/// Starting success probabilities of an item with `kj` required attributes: guess `g` and
/// `1 − s` at the ends, the patterns between by the share of required attributes mastered.
fn start_probs(kj: usize, model: CdmModel, g: f64, top: f64) -> Vec<f64> {
    attribute_patterns(kj)
        .into_iter()
        .map(|m| {
            let share = m.count_ones() as f64 / kj as f64;
            match model {
                CdmModel::Gdina | CdmModel::Acdm | CdmModel::Llm | CdmModel::Rrum => {
                    g + (top - g) * share
                }
                CdmModel::Dina => {
                    if share == 1.0 {
                        top
                    } else {
                        g
                    }
                }
                CdmModel::Dino => {
                    if m == 0 {
                        g
                    } else {
                        top
                    }
                }
            }
        })
        .collect()
}

/// Calibrates a model of the G-DINA family on binary responses `data` with the Q-matrix `q`
/// (read from `q_file`). `observer` sees every EM iteration (of every start) and may cancel.
///
/// # Errors
/// Items of one file missing from the other, non-binary responses, more than
/// [`MAX_ATTRIBUTES`] attributes, unusable options.
pub fn calibrate(
    data: &ResponseMatrix,
    q: &QMatrix,
    q_file: &str,
    options: &CdmOptions,
    observer: &mut dyn FnMut(&Progress) -> Control,
) -> Result<CdmCalibration> {
    options.check()?;
    let required = match_items(data, q, q_file)?;
    check_binary(data)?;
    check_attribute_count(q, q_file)?;
    let k = q.n_attributes();
    let classes = attribute_patterns(k);
    let c = classes.len();
    let patterns = Patterns::new(data);
    let j_items = data.n_items();

    let mut rng = Xoshiro256PlusPlus::seed_from_u64(options.seed);
    let mut uniform = move |lo: f64, hi: f64| {
        lo + (hi - lo) * ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64)
    };
    let em_options = EmOptions {
        tolerance: options.tolerance,
        max_iterations: options.max_iterations,
        acceleration: Acceleration::Squarem,
    };
    // Each start runs at most `screen_iterations` EM iterations; the best of them by
    // log-likelihood then runs on to convergence (a start that converges while screened is done).
    let screen = EmOptions {
        max_iterations: options.screen_iterations.min(options.max_iterations),
        ..em_options
    };
    let mut best: Option<(f64, usize, CdmEm<'_>, crate::em::EmReport)> = None;
    let mut starts = Vec::with_capacity(options.starts);
    let cancelled = std::cell::Cell::new(false);
    let mut watch = |p: &Progress| {
        let r = observer(p);
        if r == Control::Cancel {
            cancelled.set(true);
        }
        r
    };
    for s in 0..options.starts {
        let probs: Vec<Vec<f64>> = required
            .iter()
            .map(|r| {
                let (g, top) = if s == 0 {
                    (0.2, 0.8)
                } else {
                    (uniform(0.05, 0.3), uniform(0.7, 0.95))
                };
                start_probs(r.len(), options.model, g, top)
            })
            .collect();
        let mut problem = CdmEm::new(
            &patterns.codes,
            &patterns.counts,
            j_items,
            &classes,
            k,
            &required,
            options.model,
            options.distribution,
            options.bounds,
            probs,
            vec![1.0 / c as f64; c],
        );
        let report = run_em(&mut problem, &screen, &mut watch);
        let loglik = *report.loglik_trace.last().unwrap_or(&f64::NEG_INFINITY);
        starts.push(StartReport {
            loglik,
            iterations: report.iterations,
            converged: report.converged,
        });
        if best.as_ref().is_none_or(|b| loglik > b.0) {
            best = Some((loglik, s, problem, report));
        }
        if cancelled.get() {
            break;
        }
    }
    if let Some((loglik, _, problem, report)) = best.as_mut() {
        if report.stop_reason == StopReason::IterationLimit
            && report.iterations < options.max_iterations
        {
            let rest = EmOptions {
                max_iterations: options.max_iterations - report.iterations,
                ..em_options
            };
            let more = run_em(problem, &rest, &mut watch);
            report.iterations += more.iterations;
            report.stop_reason = more.stop_reason;
            report.converged = more.converged;
            report.last_change = more.last_change;
            report.loglik_trace.extend(more.loglik_trace);
            *loglik = *report.loglik_trace.last().unwrap_or(loglik);
        }
    }
    let (loglik, best_start, problem, report) = best.expect("at least one start");
    Ok(results(
        data, q, &required, options, problem, loglik, best_start, starts, report,
    ))
}

/// Assembles the result from the best start's final state.
#[allow(clippy::too_many_arguments)]
fn results(
    data: &ResponseMatrix,
    q: &QMatrix,
    required: &[Vec<usize>],
    options: &CdmOptions,
    problem: CdmEm<'_>,
    loglik: f64,
    best_start: usize,
    starts: Vec<StartReport>,
    report: crate::em::EmReport,
) -> CdmCalibration {
    let k = q.n_attributes();
    let n = data.n_persons();
    let classes = problem.classes;
    let mut warnings = Vec::new();
    if !report.converged {
        warnings.push(Warning {
            code: "not_converged".into(),
            item: None,
            message: format!(
                "the EM did not converge in {} iterations (last change {:.2e}, tolerance {:.0e}): the estimates are the last ones reached",
                report.iterations, report.last_change, options.tolerance
            ),
        });
    }
    let ses = estimation_se(&problem, &mut warnings);
    let (lo, hi) = options.bounds;
    let mut items = Vec::with_capacity(data.n_items());
    for (j, name) in data.items().iter().enumerate() {
        let kj = required[j].len();
        let order = attribute_patterns(kj);
        let probs = &problem.probs[j];
        let se_j = ses.as_ref().map(|s| &s[j]);
        let groups: Vec<GroupProbability> = order
            .iter()
            .enumerate()
            .map(|(l, &m)| GroupProbability {
                pattern: pattern_label(m, kj),
                prob: probs[l],
                se: se_j.and_then(|s| s.group_se[l]),
            })
            .collect();
        let top = probs.len() - 1;
        if probs.iter().any(|&p| p <= lo || p >= hi) {
            warnings.push(Warning {
                code: "boundary".into(),
                item: Some(name.clone()),
                message: format!(
                    "item '{name}' has a success probability at a bound ({lo} or {hi}): its standard errors are not reliable"
                ),
            });
        }
        let delta = deltas(probs, &order, kj, options.model, options.delta_link(), se_j);
        let mut violations = Vec::new();
        for (l, &m) in order.iter().enumerate() {
            for i in 0..kj {
                if m >> i & 1 == 0 {
                    let up = m | (1 << i);
                    let lu = order.iter().position(|&x| x == up).unwrap_or(0);
                    if probs[lu] < probs[l] - 1e-8 {
                        violations.push(format!(
                            "{} > {}",
                            pattern_label(m, kj),
                            pattern_label(up, kj)
                        ));
                    }
                }
            }
        }
        items.push(CdmItem {
            item: name.clone(),
            required: required[j]
                .iter()
                .map(|&a| q.attributes[a].clone())
                .collect(),
            guess: probs[0],
            slip: 1.0 - probs[top],
            guess_se: se_j.and_then(|s| s.group_se[0]),
            slip_se: se_j.and_then(|s| s.group_se[top]),
            idi: probs[top] - probs[0],
            groups,
            delta,
            monotonicity_violations: violations,
        });
    }
    let attribute_prevalence = (0..k)
        .map(|a| Prevalence {
            attribute: q.attributes[a].clone(),
            prevalence: classes
                .iter()
                .zip(&problem.pi)
                .filter(|(&m, _)| m >> a & 1 == 1)
                .map(|(_, p)| p)
                .sum(),
        })
        .collect();
    let by_class: Vec<Vec<f64>> = (0..data.n_items())
        .map(|j| {
            problem.group[j]
                .iter()
                .map(|&g| problem.probs[j][g as usize])
                .collect()
        })
        .collect();
    let counts = fit::PairCounts::new(data);
    let srmsr = fit::srmsr(&counts, &by_class, &problem.pi);
    let (m2, fit_note) = if data.n_items() > options.m2_max_items {
        (None, Some(format!("M2 is computed for tests of up to {} items (option m2-max-items); this test has {}, so its Ξ matrix would have {} rows and the time to factorise it grows with the cube of that. Raise the limit to compute it.", options.m2_max_items, data.n_items(), crate::margins::binary_margins(data.n_items()))))
    } else {
        match fit::m2(&counts, n, &problem, &by_class, srmsr, &slopes(&problem)) {
            Ok(m) => (Some(m), None),
            Err(note) => (None, Some(note)),
        }
    };
    let q_validation = qvalidation::QValidation {
        method: "GDI / PVAF (de la Torre & Chiu, 2016) from this fit's posterior: per item, the best q-vector with 1, 2, ... attributes, and the first whose PVAF reaches epsilon (the Q-matrix's own kept when it has no more attributes and reaches epsilon)",
        epsilon: qvalidation::EPSILON,
        items: (0..data.n_items())
            .map(|j| {
                let (n, r) = problem.class_counts(j);
                let original = required[j].iter().fold(0u32, |m, &a| m | (1 << a));
                qvalidation::validate_item(&data.items()[j], original, classes, k, &n, &r)
            })
            .collect(),
    };
    let npar_items: usize = required
        .iter()
        .map(|r| options.model.item_parameters(r.len()))
        .sum();
    let npar_population = match options.distribution {
        AttributeDistribution::Saturated => classes.len() - 1,
        AttributeDistribution::Independent => k,
        AttributeDistribution::HigherOrder => 2 * k,
    };
    let npar = npar_items + npar_population;
    let deviance = -2.0 * loglik;
    let (nf, pf) = (n as f64, npar as f64);
    CdmCalibration {
        tool: "cdm",
        engine: EngineInfo::current(),
        model: options.model,
        attribute_distribution: options.distribution,
        link: options.delta_link(),
        n_persons: n,
        n_items: data.n_items(),
        n_attributes: k,
        n_classes: classes.len(),
        attributes: q.attributes.clone(),
        loglik,
        deviance,
        npar,
        npar_items,
        npar_population,
        aic: deviance + 2.0 * pf,
        bic: deviance + pf * nf.ln(),
        caic: deviance + pf * (nf.ln() + 1.0),
        aicc: (nf > pf + 1.0).then(|| deviance + 2.0 * pf + 2.0 * pf * (pf + 1.0) / (nf - pf - 1.0)),
        sabic: deviance + pf * ((nf + 2.0) / 24.0).ln(),
        converged: report.converged,
        stop_reason: report.stop_reason,
        iterations: report.iterations,
        last_change: report.last_change,
        tolerance: options.tolerance,
        starts,
        best_start,
        items,
        attribute_prevalence,
        classes: classes
            .iter()
            .zip(&problem.pi)
            .map(|(&m, &p)| ClassProportion {
                pattern: pattern_label(m, k),
                proportion: p,
            })
            .collect(),
        se_method: "outer product of the per-examinee gradients of the item parameters (incomplete information, GDINA's SE.type = 2); probabilities and deltas by the delta method",
        higher_order: (options.distribution == AttributeDistribution::HigherOrder).then(|| {
            (0..k)
                .map(|a| HigherOrderParameter {
                    attribute: q.attributes[a].clone(),
                    intercept: problem.lambda[2 * a],
                    slope: problem.lambda[2 * a + 1],
                })
                .collect()
        }),
        srmsr,
        m2,
        fit_note,
        q_validation,
        warnings,
    }
}

/// Standard errors of one item's parameters.
struct ItemSe {
    /// Per reduced group.
    group_se: Vec<Option<f64>>,
    /// Covariance of the group probabilities (row-major, g × g).
    cov: Vec<f64>,
}

/// Standard errors of the item parameters from the outer product of the per-pattern gradients
/// of the log-likelihood with respect to the free item parameters δ (the class proportions held
/// fixed: GDINA's SE.type = 2), and the covariance of the success probabilities by the delta
/// method, `J Cov(δ) Jᵀ` with `J_lf = h'(η_l) X_lf` (see [`design`]). With
/// `P_l = h(x_lᵀ δ)`, examinee pattern p contributes to parameter f of item j
/// `Σ_l X_lf h'(η_l) (x_pj − P_l)/(P_l(1 − P_l)) Σ_{c: g_j(c) = l} post_pc`.
fn estimation_se(problem: &CdmEm<'_>, warnings: &mut Vec<Warning>) -> Option<Vec<ItemSe>> {
    let nj = problem.n_items;
    let offsets: Vec<usize> = problem
        .designs
        .iter()
        .scan(0, |s, d| {
            let o = *s;
            *s += d.n_params;
            Some(o)
        })
        .collect();
    let m: usize = problem.designs.iter().map(|d| d.n_params).sum();
    let slopes = slopes(problem);
    let info = opg_information(problem, &slopes, &offsets, m);
    let inverse = crate::math::spd_inverse(&info, m);
    let Some(cov) = inverse else {
        warnings.push(Warning {
            code: "singular_information".into(),
            item: None,
            message:
                "the information matrix of the item parameters is singular: no standard errors"
                    .into(),
        });
        return None;
    };
    Some(
        (0..nj)
            .map(|j| {
                let design = &problem.designs[j];
                let g = design.n_rows();
                let o = offsets[j];
                let mut cov_j = vec![0.0; g * g];
                for a in 0..g {
                    for b in 0..g {
                        let mut v = 0.0;
                        for &(f, x) in &design.rows[a] {
                            for &(e, y) in &design.rows[b] {
                                v += x * y * cov[(o + f) * m + o + e];
                            }
                        }
                        cov_j[a * g + b] = slopes[j][a] * slopes[j][b] * v;
                    }
                }
                ItemSe {
                    group_se: (0..g)
                        .map(|l| {
                            let v = cov_j[l * g + l];
                            (v.is_finite() && v >= 0.0).then(|| v.sqrt())
                        })
                        .collect(),
                    cov: cov_j,
                }
            })
            .collect(),
    )
}

/// Standard errors of the success probabilities at `problem`'s current parameters (its last
/// E-step's posteriors are not used; see [`estimation_se`]): per item, per reduced pattern;
/// `None` when the information matrix is singular.
pub fn success_probability_se(problem: &CdmEm<'_>) -> Option<Vec<Vec<Option<f64>>>> {
    estimation_se(problem, &mut Vec::new())
        .map(|items| items.into_iter().map(|s| s.group_se).collect())
}

/// Per item and reduced pattern, `dP/dη` on the scale the item parameters are estimated on (1
/// for G-DINA, DINA and DINO).
fn slopes(problem: &CdmEm<'_>) -> Vec<Vec<f64>> {
    problem
        .probs
        .iter()
        .map(|probs| {
            probs
                .iter()
                .map(|&p| problem.additive_link.map_or(1.0, |link| link.slope(p)))
                .collect()
        })
        .collect()
}

/// Patterns per rank update of the information matrix.
const RANK: usize = 4;

/// The lower triangle of `Σ_p n_p g_p g_pᵀ` (row-major, m × m), `g_p` the gradient of pattern
/// p's log-likelihood with respect to the free item parameters (see [`estimation_se`]).
/// Patterns are taken [`RANK`] at a time, so each row of the matrix is updated once per group.
fn opg_information(
    problem: &CdmEm<'_>,
    slopes: &[Vec<f64>],
    offsets: &[usize],
    m: usize,
) -> Vec<f64> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, checked just above.
        return unsafe { opg_information_avx2(problem, slopes, offsets, m) };
    }
    opg_information_generic(problem, slopes, offsets, m)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn opg_information_avx2(
    problem: &CdmEm<'_>,
    slopes: &[Vec<f64>],
    offsets: &[usize],
    m: usize,
) -> Vec<f64> {
    opg_information_generic(problem, slopes, offsets, m)
}

#[inline(always)]
fn opg_information_generic(
    problem: &CdmEm<'_>,
    slopes: &[Vec<f64>],
    offsets: &[usize],
    m: usize,
) -> Vec<f64> {
    let nj = problem.n_items;
    let mut info = vec![0.0; m * m];
    let mut grads = vec![0.0; RANK * m];
    let mut weights = [0.0; RANK];
    let mut filled = 0;
    let mut group_mass = Vec::new();
    let tables = problem.tables();
    let mut post = vec![0.0; problem.stride];
    let np = problem.counts.len();
    for p in 0..np {
        problem.posterior(&tables, p, &mut post);
        let grad = &mut grads[filled * m..(filled + 1) * m];
        grad.iter_mut().for_each(|v| *v = 0.0);
        for j in 0..nj {
            let x = problem.codes[p * nj + j];
            if x == MISSING {
                continue;
            }
            group_mass.clear();
            group_mass.resize(problem.n_groups[j], 0.0);
            for (t, &g) in problem.group[j].iter().enumerate() {
                group_mass[g as usize] += post[t];
            }
            let probs = &problem.probs[j];
            for (l, row) in problem.designs[j].rows.iter().enumerate() {
                let pl = probs[l];
                let w = group_mass[l] * (f64::from(x) - pl) / (pl * (1.0 - pl)) * slopes[j][l];
                for &(f, c) in row {
                    grad[offsets[j] + f] += c * w;
                }
            }
        }
        weights[filled] = problem.counts[p];
        filled += 1;
        if filled == RANK || p + 1 == np {
            // Unused slots (at the end) have weight 0.
            weights[filled..].iter_mut().for_each(|w| *w = 0.0);
            grads[filled * m..].iter_mut().for_each(|v| *v = 0.0);
            let (g0, rest) = grads.split_at(m);
            let (g1, rest) = rest.split_at(m);
            let (g2, g3) = rest.split_at(m);
            for a in 0..m {
                let c = [
                    weights[0] * g0[a],
                    weights[1] * g1[a],
                    weights[2] * g2[a],
                    weights[3] * g3[a],
                ];
                let row = &mut info[a * m..a * m + a + 1];
                for (b, v) in row.iter_mut().enumerate() {
                    *v += c[0] * g0[b] + c[1] * g1[b] + c[2] * g2[b] + c[3] * g3[b];
                }
            }
            filled = 0;
        }
    }
    info
}

/// Delta coefficients on the scale of `link` with their standard errors, each a linear
/// combination `Σ_l w_l h⁻¹(P_l)` of the linked success probabilities. G-DINA: the Möbius
/// inversion `δ_S = Σ_{T ⊆ S} (−1)^{|S|−|T|} h⁻¹(P_T)` over the item's reduced patterns, named
/// `d` + the attributes of S (d0 for the empty set); DINA and DINO: `d0 = h⁻¹(g)`,
/// `d1 = h⁻¹(1 − s) − h⁻¹(g)`; additive models: `d0` the intercept and `dk` the main effect of
/// the k-th required attribute, `h⁻¹(P_{e_k}) − h⁻¹(P_0)`. SEs by the delta method from the
/// probabilities' covariance, `∂h⁻¹(P)/∂P = 1/h'(η)`.
fn deltas(
    probs: &[f64],
    order: &[u32],
    kj: usize,
    model: CdmModel,
    link: Link,
    se: Option<&ItemSe>,
) -> Vec<Delta> {
    let g = probs.len();
    let position = |m: u32| order.iter().position(|&x| x == m).unwrap_or(0);
    let contrast = |up: usize| {
        let mut w = vec![0.0; g];
        w[up] += 1.0;
        w[0] -= 1.0;
        w
    };
    let mut d0 = vec![0.0; g];
    d0[0] = 1.0;
    let rows: Vec<(String, Vec<f64>)> = match model {
        CdmModel::Gdina => order
            .iter()
            .map(|&s| {
                let mut w = vec![0.0; g];
                for (l, &t) in order.iter().enumerate() {
                    if t & !s == 0 {
                        let sign = if (s.count_ones() - t.count_ones()) % 2 == 0 {
                            1.0
                        } else {
                            -1.0
                        };
                        w[l] = sign;
                    }
                }
                let name = if s == 0 {
                    "d0".to_string()
                } else {
                    format!(
                        "d{}",
                        (0..kj)
                            .filter(|i| s >> i & 1 == 1)
                            .map(|i| (i + 1).to_string())
                            .collect::<String>()
                    )
                };
                (name, w)
            })
            .collect(),
        CdmModel::Dina | CdmModel::Dino => vec![
            ("d0".into(), d0),
            ("d1".into(), contrast(position((1u32 << kj) - 1))),
        ],
        CdmModel::Acdm | CdmModel::Llm | CdmModel::Rrum => std::iter::once(("d0".into(), d0))
            .chain((0..kj).map(|k| (format!("d{}", k + 1), contrast(position(1 << k)))))
            .collect(),
    };
    let eta: Vec<f64> = probs.iter().map(|&p| link.eta(p)).collect();
    let inverse_slope: Vec<f64> = probs.iter().map(|&p| 1.0 / link.slope(p)).collect();
    rows.into_iter()
        .map(|(param, w)| {
            let value = w.iter().zip(&eta).map(|(a, b)| a * b).sum();
            let se = se.and_then(|s| {
                let mut v = 0.0;
                for a in 0..g {
                    for b in 0..g {
                        v += w[a] * inverse_slope[a] * s.cov[a * g + b] * inverse_slope[b] * w[b];
                    }
                }
                (v.is_finite() && v >= 0.0).then(|| v.sqrt())
            });
            Delta { param, value, se }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::em::EmProblem;

    /// The per-pattern gradients behind the standard errors are the derivatives of the
    /// patterns' log-likelihoods with respect to the free item parameters: the OPG matrix equals
    /// the one built from central differences, for every model (and so every link).
    #[test]
    fn opg_gradients_are_the_log_likelihood_derivatives() {
        let required = vec![vec![0], vec![1], vec![0, 1], vec![0, 1], vec![1]];
        let (nj, k) = (required.len(), 2);
        let classes = attribute_patterns(k);
        // Every response pattern of 5 items once, with varying counts; one missing response.
        let mut codes = Vec::new();
        let mut counts = Vec::new();
        for p in 0..32u32 {
            for j in 0..nj {
                codes.push(if p == 7 && j == 2 {
                    MISSING
                } else {
                    (p >> j & 1) as u8
                });
            }
            counts.push(1.0 + f64::from(p % 5));
        }
        for model in CdmModel::ALL {
            let probs: Vec<Vec<f64>> = required
                .iter()
                .enumerate()
                .map(|(j, r)| start_probs(r.len(), model, 0.15 + 0.02 * j as f64, 0.8))
                .collect();
            let pi = vec![0.1, 0.2, 0.3, 0.4];
            let make = || {
                CdmEm::new(
                    &codes,
                    &counts,
                    nj,
                    &classes,
                    k,
                    &required,
                    model,
                    AttributeDistribution::Saturated,
                    (1e-4, 0.9999),
                    probs.clone(),
                    pi.clone(),
                )
            };
            let problem = make();
            let offsets: Vec<usize> = problem
                .designs
                .iter()
                .scan(0, |s, d| {
                    let o = *s;
                    *s += d.n_params;
                    Some(o)
                })
                .collect();
            let m: usize = problem.designs.iter().map(|d| d.n_params).sum();
            let analytic = opg_information(&problem, &slopes(&problem), &offsets, m);
            // The free parameters: the additive models' deltas, otherwise one probability per
            // design column (the first pattern it covers).
            let free: Vec<f64> = if problem.additive_link.is_some() {
                problem.deltas.iter().flatten().copied().collect()
            } else {
                problem
                    .designs
                    .iter()
                    .zip(&problem.probs)
                    .flat_map(|(d, p)| {
                        (0..d.n_params)
                            .map(|f| p[d.rows.iter().position(|r| r[0].0 == f).unwrap()])
                            .collect::<Vec<_>>()
                    })
                    .collect()
            };
            let loglik_at = |params: &[f64]| -> Vec<f64> {
                let mut em = make();
                if em.additive_link.is_some() {
                    let mut all = params.to_vec();
                    all.extend_from_slice(&pi);
                    assert!(em.set_parameters(&all));
                } else {
                    let mut at = 0;
                    for (j, d) in problem.designs.iter().enumerate() {
                        for (l, row) in d.rows.iter().enumerate() {
                            // Every design column of G-DINA, DINA and DINO is an indicator.
                            em.probs[j][l] = params[at + row[0].0];
                        }
                        at += d.n_params;
                    }
                }
                let tables = em.tables();
                let mut out = vec![0.0; em.stride];
                (0..counts.len())
                    .map(|p| em.posterior(&tables, p, &mut out))
                    .collect()
            };
            let h = 1e-6;
            let grads: Vec<Vec<f64>> = (0..m)
                .map(|f| {
                    let mut up = free.clone();
                    up[f] += h;
                    let mut down = free.clone();
                    down[f] -= h;
                    let (a, b) = (loglik_at(&up), loglik_at(&down));
                    a.iter().zip(&b).map(|(x, y)| (x - y) / (2.0 * h)).collect()
                })
                .collect();
            for a in 0..m {
                for b in 0..=a {
                    let numeric: f64 = (0..counts.len())
                        .map(|p| counts[p] * grads[a][p] * grads[b][p])
                        .sum();
                    let ours = analytic[a * m + b];
                    assert!(
                        (ours - numeric).abs() < 1e-5 * (1.0 + numeric.abs()),
                        "{model:?} ({a}, {b}): {ours} vs {numeric}"
                    );
                }
            }
        }
    }
}
