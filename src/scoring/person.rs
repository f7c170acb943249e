//! Ability estimates of one response pattern under fixed item parameters: maximum likelihood,
//! maximum a posteriori and Warm's weighted likelihood. (EAP is a quadrature sum; see
//! [`super::score`].)
//!
//! With `P_jc(θ)` the probability of the observed category of item j and primes θ-derivatives,
//! the log-likelihood's derivatives are `ℓ' = Σ_j P'/P` and `ℓ'' = Σ_j (P''/P − (P'/P)²)`; the
//! test information is `I = Σ_j Σ_c P'_jc² / P_jc` and Warm's term `J = Σ_j Σ_c P'_jc P''_jc / P_jc`.

use crate::data::MISSING;
use crate::irt::PolyItem;

/// Largest |θ| an estimate may reach; beyond it the pattern is treated as having no finite
/// estimate.
pub const THETA_LIMIT: f64 = 20.0;

/// The θ-derivatives of a pattern's log-likelihood at one θ.
#[derive(Debug, Clone, Copy, Default)]
pub struct Derivatives {
    /// ℓ'(θ).
    pub d1: f64,
    /// ℓ''(θ).
    pub d2: f64,
    /// Test information over the answered items.
    pub info: f64,
    /// Warm's `J(θ)` over the answered items.
    pub warm: f64,
}

/// Work space for [`derivatives`], sized for the largest item.
pub struct Scratch {
    p: Vec<f64>,
    dp: Vec<f64>,
    d2p: Vec<f64>,
}

impl Scratch {
    /// Buffers for items of up to `k` categories.
    pub fn new(k: usize) -> Scratch {
        Scratch {
            p: vec![0.0; k],
            dp: vec![0.0; k],
            d2p: vec![0.0; k],
        }
    }
}

/// ℓ', ℓ'', I and J at θ of the pattern `x` (categories, [`MISSING`] for unanswered items).
pub fn derivatives(items: &[PolyItem], x: &[u8], theta: f64, s: &mut Scratch) -> Derivatives {
    let mut out = Derivatives::default();
    for (it, &c) in items.iter().zip(x) {
        if c == MISSING {
            continue;
        }
        let k = it.categories();
        it.derivatives(theta, &mut s.p, &mut s.dp, &mut s.d2p);
        let (p, dp, d2p) = (
            s.p[c as usize].max(1e-300),
            s.dp[c as usize],
            s.d2p[c as usize],
        );
        out.d1 += dp / p;
        out.d2 += d2p / p - (dp / p).powi(2);
        for v in 0..k {
            let pv = s.p[v].max(1e-300);
            out.info += s.dp[v] * s.dp[v] / pv;
            out.warm += s.dp[v] * s.d2p[v] / pv;
        }
    }
    out
}

/// Newton's method for the maximum of a concave-ish function from its first and second
/// derivatives; where the second derivative is not negative, a Fisher-scoring step with
/// `fallback` (the information) is taken instead. Steps are at most 1 in size. Returns the
/// maximiser, or None when it runs past ±[`THETA_LIMIT`] or does not settle in 200 steps.
fn maximise(mut f: impl FnMut(f64) -> (f64, f64, f64), start: f64) -> Option<f64> {
    let mut theta = start;
    for _ in 0..200 {
        let (d1, d2, fallback) = f(theta);
        let curvature = if d2 < 0.0 { -d2 } else { fallback };
        if curvature.is_nan() || curvature <= 0.0 || !d1.is_finite() {
            return None;
        }
        let step = (d1 / curvature).clamp(-1.0, 1.0);
        theta += step;
        if theta.abs() > THETA_LIMIT {
            return None;
        }
        if step.abs() < 1e-10 {
            return Some(theta);
        }
    }
    None
}

/// Maximum likelihood estimate and its standard error from the observed information,
/// `1/√(−ℓ''(θ̂))` (as mirt); None when the likelihood has no finite maximum (all answers in the
/// lowest or highest category) or it is not reached.
pub fn ml(items: &[PolyItem], x: &[u8], s: &mut Scratch) -> Option<(f64, f64)> {
    let theta = maximise(
        |t| {
            let d = derivatives(items, x, t, s);
            (d.d1, d.d2, d.info)
        },
        0.0,
    )?;
    let d2 = derivatives(items, x, theta, s).d2;
    (d2 < 0.0).then(|| (theta, 1.0 / (-d2).sqrt()))
}

/// Maximum a posteriori estimate under a N(mean, sd²) prior, with the standard error from the
/// observed information of the posterior, `1/√(−ℓ''(θ̂) + 1/sd²)` (as mirt).
pub fn map(
    items: &[PolyItem],
    x: &[u8],
    mean: f64,
    sd: f64,
    s: &mut Scratch,
) -> Option<(f64, f64)> {
    let v = sd * sd;
    let theta = maximise(
        |t| {
            let d = derivatives(items, x, t, s);
            (d.d1 - (t - mean) / v, d.d2 - 1.0 / v, d.info + 1.0 / v)
        },
        mean,
    )?;
    let d2 = derivatives(items, x, theta, s).d2;
    let curvature = -d2 + 1.0 / v;
    (curvature > 0.0).then(|| (theta, 1.0 / curvature.sqrt()))
}

/// Warm's (1989) weighted likelihood estimate: the root of `ℓ'(θ) + J(θ) / (2 I(θ))`, found by
/// the Illinois variant of regula falsi on a bracket widened from [−1, 1] up to ±THETA_LIMIT;
/// standard error `1/√(−g'(θ̂))` with g that estimating function (as mirt). It is finite for
/// every pattern of models without asymptotes.
pub fn wle(items: &[PolyItem], x: &[u8], s: &mut Scratch) -> Option<(f64, f64)> {
    let mut g = |t: f64| {
        let d = derivatives(items, x, t, s);
        d.d1 + d.warm / (2.0 * d.info)
    };
    let (mut a, mut b) = (-1.0, 1.0);
    let (mut fa, mut fb) = (g(a), g(b));
    while fa.signum() == fb.signum() {
        if (fa > 0.0 && b >= THETA_LIMIT) || (fa < 0.0 && a <= -THETA_LIMIT) || fa.is_nan() {
            return None;
        }
        if fa > 0.0 {
            (a, fa) = (b, fb);
            b = (b * 2.0).min(THETA_LIMIT);
            fb = g(b);
        } else {
            (b, fb) = (a, fa);
            a = (a * 2.0).max(-THETA_LIMIT);
            fa = g(a);
        }
    }
    let mut side = 0;
    let mut theta = 0.5 * (a + b);
    for _ in 0..200 {
        theta = (a * fb - b * fa) / (fb - fa);
        let ft = g(theta);
        if ft.abs() < 1e-13 || (b - a).abs() < 1e-12 {
            break;
        }
        if ft.signum() == fb.signum() {
            (b, fb) = (theta, ft);
            if side == 1 {
                fa *= 0.5;
            }
            side = 1;
        } else {
            (a, fa) = (theta, ft);
            if side == -1 {
                fb *= 0.5;
            }
            side = -1;
        }
        if (b - a).abs() < 1e-11 {
            break;
        }
    }
    // SE from the slope of the estimating equation, by a central difference.
    let h = 1e-4;
    let slope = (g(theta + h) - g(theta - h)) / (2.0 * h);
    (theta.is_finite() && slope < 0.0).then(|| (theta, 1.0 / (-slope).sqrt()))
}
