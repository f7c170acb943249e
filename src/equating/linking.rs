//! IRT linking: the constants A and B of `θ_base = A·θ_new + B` that place a new form's item
//! parameters on a base (bank) scale through common items, by mean-mean, mean-sigma, Haebara and
//! Stocking-Lord (Kolen & Brennan, 2004, ch. 6; Kim & Lee, 2006, for mixed formats).
//!
//! On the base scale a new-form item has slope `a/A` and locations `A·b + B` (every difficulty,
//! graded boundary and partial-credit step); asymptotes are unchanged. Equivalently its response
//! function at a base-scale θ is its original one at `(θ − B)/A`, which is how the
//! characteristic-curve criteria and their derivatives are computed here, for every model alike.

use crate::error::{Error, Result};
use crate::irt::PolyItem;
use serde::{Deserialize, Serialize};

/// The linking method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkingMethod {
    /// `A = mean(a_new)/mean(a_base)`, `B = mean(b_base) − A·mean(b_new)` (Loyd & Hoover, 1980).
    MeanMean,
    /// `A = sd(b_base)/sd(b_new)`, `B = mean(b_base) − A·mean(b_new)` (Marco, 1977).
    MeanSigma,
    /// Minimises the squared differences of the common items' category response functions
    /// (Haebara, 1980).
    Haebara,
    /// Minimises the squared difference of the common items' test characteristic curves
    /// (Stocking & Lord, 1983).
    StockingLord,
}

impl LinkingMethod {
    /// Every method, in the order reported.
    pub const ALL: [LinkingMethod; 4] = [
        LinkingMethod::MeanMean,
        LinkingMethod::MeanSigma,
        LinkingMethod::Haebara,
        LinkingMethod::StockingLord,
    ];

    /// The name as the CLI and the JSON spell it.
    pub fn name(self) -> &'static str {
        match self {
            LinkingMethod::MeanMean => "mean-mean",
            LinkingMethod::MeanSigma => "mean-sigma",
            LinkingMethod::Haebara => "haebara",
            LinkingMethod::StockingLord => "stocking-lord",
        }
    }

    /// Whether the method minimises a characteristic-curve criterion.
    pub fn is_curve_method(self) -> bool {
        matches!(self, LinkingMethod::Haebara | LinkingMethod::StockingLord)
    }
}

/// Options of the characteristic-curve methods.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveOptions {
    /// θ points of the criterion (on the base scale; with `symmetric` also on the new scale).
    pub theta: Vec<f64>,
    /// Their weights (same length, not all 0).
    pub weights: Vec<f64>,
    /// Adds the criterion in the other direction (the base items placed on the new scale).
    pub symmetric: bool,
    /// Most Levenberg-Marquardt iterations.
    pub max_iterations: usize,
}

impl Default for CurveOptions {
    /// plink's defaults: 40 equally spaced points on [−4, 4] with equal weights, non-symmetric.
    fn default() -> Self {
        CurveOptions {
            theta: (0..40).map(|i| -4.0 + 8.0 * i as f64 / 39.0).collect(),
            weights: vec![1.0; 40],
            symmetric: false,
            max_iterations: 200,
        }
    }
}

impl CurveOptions {
    /// Checks the points and weights.
    ///
    /// # Errors
    /// No points, lengths that differ, a weight below 0 or not finite, all weights 0.
    pub fn check(&self) -> Result<()> {
        if self.theta.is_empty() || self.theta.len() != self.weights.len() {
            return Err(Error::option(
                "weights",
                format!(
                    "{} θ points but {} weights",
                    self.theta.len(),
                    self.weights.len()
                ),
                "Give one weight per θ point (or neither, for plink's 40 points on [-4, 4]).",
            ));
        }
        if self.theta.iter().any(|t| !t.is_finite())
            || self.weights.iter().any(|w| !w.is_finite() || *w < 0.0)
            || self.weights.iter().all(|w| *w == 0.0)
        {
            return Err(Error::option(
                "weights",
                "θ points must be numbers and weights numbers ≥ 0, not all 0",
                "Check the θ points and weights.",
            ));
        }
        Ok(())
    }
}

/// A and B of one method, and for the curve methods how the minimisation ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Constants {
    /// The method.
    pub method: LinkingMethod,
    /// Slope of `θ_base = A·θ_new + B`.
    #[serde(rename = "A")]
    pub a: f64,
    /// Intercept.
    #[serde(rename = "B")]
    pub b: f64,
    /// The criterion at (A, B) (curve methods; null for the moment methods).
    pub criterion: Option<f64>,
    /// Iterations of the minimisation (0 for the moment methods).
    pub iterations: usize,
    /// Whether the minimisation converged (always true for the moment methods).
    pub converged: bool,
}

/// The locations of an item in the IRT metric: the difficulty of a 0/1 item, the boundaries of
/// a graded item, the step parameters of a partial-credit item (`b = −d/a1`, resp. the steps
/// `−(d_k − d_{k−1})/a1`).
pub fn locations(item: &PolyItem) -> Vec<f64> {
    if item.model.divide_by_total() {
        let mut prev = 0.0;
        item.d
            .iter()
            .map(|&d| {
                let step = -(d - prev) / item.a1;
                prev = d;
                step
            })
            .collect()
    } else {
        item.d.iter().map(|&d| -d / item.a1).collect()
    }
}

/// The item on the base scale: slope `a1/A` and intercepts of `(a1/A)·θ + d − a1·B/A` per
/// boundary (graded, 0/1) or `k·(a1/A)·θ + d_k − k·a1·B/A` per category (partial credit), so
/// that its response function at θ equals the original one at `(θ − B)/A`.
pub fn transform(item: &PolyItem, a: f64, b: f64) -> PolyItem {
    let shift = item.a1 * b / a;
    let d = if item.model.divide_by_total() {
        item.d
            .iter()
            .enumerate()
            .map(|(k, &d)| d - (k + 1) as f64 * shift)
            .collect()
    } else {
        item.d.iter().map(|&d| d - shift).collect()
    };
    PolyItem {
        a1: item.a1 / a,
        d,
        ..item.clone()
    }
}

/// Mean and population SD.
fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (
        m,
        (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n).sqrt(),
    )
}

/// Mean-mean or mean-sigma constants from the common items' pairs `(new, base)`: all their
/// slopes and all their locations (difficulties, boundaries, steps), as plink pools them.
///
/// # Errors
/// Locations without spread (mean-sigma), or items whose pairs do not have the same number of
/// locations.
pub fn moment_constants(
    pairs: &[(&PolyItem, &PolyItem)],
    method: LinkingMethod,
) -> Result<(f64, f64)> {
    let mut b_new = Vec::new();
    let mut b_base = Vec::new();
    for (n, b) in pairs {
        b_new.extend(locations(n));
        b_base.extend(locations(b));
    }
    let (mb_new, sd_new) = mean_sd(&b_new);
    let (mb_base, sd_base) = mean_sd(&b_base);
    let a = match method {
        LinkingMethod::MeanMean => {
            let a_new = pairs.iter().map(|(n, _)| n.a1).sum::<f64>();
            let a_base = pairs.iter().map(|(_, b)| b.a1).sum::<f64>();
            a_new / a_base
        }
        _ => {
            if sd_new <= 0.0 || sd_base <= 0.0 {
                return Err(Error::option(
                    "method",
                    "mean-sigma needs common items whose difficulties differ in both forms",
                    "Use mean-mean or a characteristic-curve method, or add common items.",
                ));
            }
            sd_base / sd_new
        }
    };
    let b = mb_base - a * mb_new;
    if !(a.is_finite() && a > 0.0 && b.is_finite()) {
        // Common items with (nearly) equal difficulties, or slopes or difficulties so extreme
        // that the ratios overflow.
        return Err(Error::option(
            "method",
            format!("{} gives no usable constants for these common items (A = {a}, B = {b})", method.name()),
            "Check the common items' parameters (slopes and difficulties of the usual size, difficulties that differ), or use another method.",
        ));
    }
    Ok((a, b))
}

/// Residuals `r` and their derivatives with respect to A and B (`ja`, `jb`) of the
/// characteristic-curve criterion `Σ r²` at (A, B).
///
/// Non-symmetric (base direction), at each base-scale point θ_q with weight w_q and
/// `u = (θ_q − B)/A`: Haebara `√w_q·(P_jk^base(θ_q) − P_jk^new(u))` for every common item j and
/// category k (0/1 items: the correct answer only, as Haebara, 1980; polytomous items every
/// category, as Kim & Lee, 2006); Stocking-Lord `√w_q·Σ_j (E_j^base(θ_q) − E_j^new(u))` with E
/// the expected item score. Derivatives: `∂u/∂A = −u/A`, `∂u/∂B = −1/A`. Symmetric adds the new-
/// scale terms at `v = A·θ_q + B`: `√w_q·(P^new(θ_q) − P^base(v))`, `∂v/∂A = θ_q`, `∂v/∂B = 1`.
struct Criterion<'a> {
    pairs: &'a [(&'a PolyItem, &'a PolyItem)],
    method: LinkingMethod,
    options: &'a CurveOptions,
}

/// Scratch of [`Criterion::residuals`].
#[derive(Default)]
struct Residuals {
    r: Vec<f64>,
    ja: Vec<f64>,
    jb: Vec<f64>,
}

impl Criterion<'_> {
    fn residuals(&self, a: f64, b: f64, out: &mut Residuals) {
        out.r.clear();
        out.ja.clear();
        out.jb.clear();
        let kmax = self
            .pairs
            .iter()
            .map(|(n, b)| n.categories().max(b.categories()))
            .max()
            .unwrap_or(2);
        let (mut pf, mut dpf, mut p2) = (vec![0.0; kmax], vec![0.0; kmax], vec![0.0; kmax]);
        let (mut pm, mut dpm) = (vec![0.0; kmax], vec![0.0; kmax]);
        let directions: &[bool] = if self.options.symmetric {
            &[false, true]
        } else {
            &[false]
        };
        for &reverse in directions {
            for (&theta, &w) in self.options.theta.iter().zip(&self.options.weights) {
                let sw = w.sqrt();
                // fixed: the curve at θ itself; moved: the other form's curve at u (or v).
                let (arg, darg_a, darg_b) = if reverse {
                    (a * theta + b, theta, 1.0)
                } else {
                    let u = (theta - b) / a;
                    (u, -u / a, -1.0 / a)
                };
                let (mut tcc, mut dtcc) = (0.0, 0.0);
                for (new, base) in self.pairs {
                    let (fixed, moved) = if reverse { (new, base) } else { (base, new) };
                    let kf = fixed.categories();
                    let km = moved.categories();
                    fixed.derivatives(theta, &mut pf[..kf], &mut dpf[..kf], &mut p2[..kf]);
                    moved.derivatives(arg, &mut pm[..km], &mut dpm[..km], &mut p2[..km]);
                    match self.method {
                        LinkingMethod::Haebara => {
                            let cats = if kf == 2 && km == 2 {
                                1..2
                            } else {
                                0..kf.max(km)
                            };
                            for k in cats {
                                let f = pf.get(k).filter(|_| k < kf).copied().unwrap_or(0.0);
                                let (m, dm) = if k < km { (pm[k], dpm[k]) } else { (0.0, 0.0) };
                                out.r.push(sw * (f - m));
                                out.ja.push(-sw * dm * darg_a);
                                out.jb.push(-sw * dm * darg_b);
                            }
                        }
                        _ => {
                            let e = |p: &[f64]| {
                                p.iter().enumerate().map(|(k, v)| k as f64 * v).sum::<f64>()
                            };
                            tcc += e(&pf[..kf]) - e(&pm[..km]);
                            dtcc += e(&dpm[..km]);
                        }
                    }
                }
                if self.method == LinkingMethod::StockingLord {
                    out.r.push(sw * tcc);
                    out.ja.push(-sw * dtcc * darg_a);
                    out.jb.push(-sw * dtcc * darg_b);
                }
            }
        }
    }

    fn value(&self, a: f64, b: f64, s: &mut Residuals) -> f64 {
        self.residuals(a, b, s);
        s.r.iter().map(|r| r * r).sum()
    }
}

/// Minimises a characteristic-curve criterion over (A, B) by Levenberg-Marquardt from `start`
/// (the criterion is a sum of squares, so Gauss-Newton steps with analytic derivatives, damped
/// while they do not lower it). Converged when a step changes A and B by less than 1e-10
/// (relative) or the gradient vanishes.
///
/// # Errors
/// Unusable options.
pub fn curve_constants(
    pairs: &[(&PolyItem, &PolyItem)],
    method: LinkingMethod,
    options: &CurveOptions,
    start: (f64, f64),
) -> Result<Constants> {
    options.check()?;
    let crit = Criterion {
        pairs,
        method,
        options,
    };
    let mut s = Residuals::default();
    let (mut a, mut b) = start;
    if !(a.is_finite() && a > 0.0 && b.is_finite()) {
        (a, b) = (1.0, 0.0);
    }
    let mut f = crit.value(a, b, &mut s);
    let mut lambda = 1e-3;
    let mut converged = false;
    let mut iterations = 0;
    while iterations < options.max_iterations {
        iterations += 1;
        crit.residuals(a, b, &mut s);
        let (mut haa, mut hab, mut hbb, mut ga, mut gb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for ((r, ja), jb) in s.r.iter().zip(&s.ja).zip(&s.jb) {
            haa += ja * ja;
            hab += ja * jb;
            hbb += jb * jb;
            ga += ja * r;
            gb += jb * r;
        }
        if ga.abs().max(gb.abs()) <= 1e-15 * f.max(1e-300).sqrt().max(1e-12) || f == 0.0 {
            converged = true;
            break;
        }
        let mut accepted = false;
        for _ in 0..40 {
            let (daa, dbb) = (haa * (1.0 + lambda), hbb * (1.0 + lambda));
            let det = daa * dbb - hab * hab;
            if det <= 0.0 || !det.is_finite() {
                lambda *= 10.0;
                continue;
            }
            let da = -(dbb * ga - hab * gb) / det;
            let db = -(daa * gb - hab * ga) / det;
            let (na, nb) = (a + da, b + db);
            if na > 0.0 {
                let nf = crit.value(na, nb, &mut s);
                if nf <= f {
                    let small = da.abs() <= 1e-10 * na.abs().max(1.0)
                        && db.abs() <= 1e-10 * nb.abs().max(1.0);
                    (a, b, f) = (na, nb, nf);
                    lambda = (lambda / 10.0).max(1e-12);
                    accepted = true;
                    converged = small;
                    break;
                }
            }
            lambda *= 10.0;
        }
        if !accepted {
            // No step lowers the criterion: (A, B) is its minimum to working precision.
            converged = true;
        }
        if converged {
            break;
        }
    }
    Ok(Constants {
        method,
        a,
        b,
        criterion: Some(f),
        iterations,
        converged,
    })
}

/// The constants of `method` from the common items' pairs `(new, base)` (slope-intercept
/// parameters with D applied); the curve methods start from mean-sigma (mean-mean when the
/// locations have no spread).
///
/// # Errors
/// As [`moment_constants`] and [`CurveOptions::check`].
pub fn constants(
    pairs: &[(&PolyItem, &PolyItem)],
    method: LinkingMethod,
    options: &CurveOptions,
) -> Result<Constants> {
    if !method.is_curve_method() {
        let (a, b) = moment_constants(pairs, method)?;
        return Ok(Constants {
            method,
            a,
            b,
            criterion: None,
            iterations: 0,
            converged: true,
        });
    }
    let start = moment_constants(pairs, LinkingMethod::MeanSigma)
        .or_else(|_| moment_constants(pairs, LinkingMethod::MeanMean))?;
    curve_constants(pairs, method, options, start)
}

/// An item's parameters in the IRT metric, as the parameter files write them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IrtMetricItem {
    /// Item name.
    pub item: String,
    /// Model name (`2pl`, `grm`, ...).
    pub model: &'static str,
    /// Slope `a1/D`.
    pub a: f64,
    /// Locations ([`locations`]).
    pub b: Vec<f64>,
    /// Lower asymptote.
    pub c: f64,
    /// Upper asymptote.
    pub u: f64,
}

impl IrtMetricItem {
    /// `item` in the IRT metric with scaling constant `d_constant`.
    pub fn new(name: &str, item: &PolyItem, d_constant: f64) -> IrtMetricItem {
        IrtMetricItem {
            item: name.to_string(),
            model: item.model.name(),
            a: item.a1 / d_constant,
            b: locations(item),
            c: item.g,
            u: item.u,
        }
    }
}
