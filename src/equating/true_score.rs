//! IRT true-score equating (Lord, 1980; Kolen & Brennan, 2004, sec. 6.6): a new-form summed
//! score x is given the θ at which the new form's test characteristic curve equals x, and its
//! base-form equivalent is the base form's test characteristic curve at that θ. Both forms'
//! parameters must be on one scale (the new form's linked to the base form's).

use crate::irt::PolyItem;
use serde::Serialize;

/// One row of the conversion table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrueScoreRow {
    /// New-form summed score (categories counted from 0).
    pub score: u32,
    /// θ with `τ_new(θ) = score` (null where there is none: at or below the new form's lowest
    /// true score, and at its highest).
    pub theta: Option<f64>,
    /// Base-form equivalent `τ_base(θ)`.
    pub equivalent: f64,
}

/// The conversion table and the forms' reachable true scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrueScoreEquating {
    /// One row per new-form score 0..max.
    pub rows: Vec<TrueScoreRow>,
    /// The new form's lowest true score `Σ c_j` (as θ → −∞; 0 without guessing).
    pub lowest_new: f64,
    /// The base form's.
    pub lowest_base: f64,
    /// The new form's highest true score (`Σ u_j` over 0/1 items plus the polytomous maxima).
    pub highest_new: f64,
    /// The base form's.
    pub highest_base: f64,
    /// How scores without a θ were equated.
    pub note: String,
}

/// Test characteristic curve `τ(θ) = Σ_j Σ_k k·P_jk(θ)` and its derivative.
fn tcc(
    items: &[PolyItem],
    theta: f64,
    p: &mut [f64],
    dp: &mut [f64],
    d2p: &mut [f64],
) -> (f64, f64) {
    let (mut t, mut dt) = (0.0, 0.0);
    for it in items {
        let k = it.categories();
        it.derivatives(theta, &mut p[..k], &mut dp[..k], &mut d2p[..k]);
        for c in 1..k {
            t += c as f64 * p[c];
            dt += c as f64 * dp[c];
        }
    }
    (t, dt)
}

/// Limits of the test characteristic curve as θ → −∞ and +∞.
fn limits(items: &[PolyItem]) -> (f64, f64) {
    items.iter().fold((0.0, 0.0), |(lo, hi), it| {
        if it.categories() == 2 {
            (lo + it.g, hi + it.u)
        } else {
            (lo, hi + (it.categories() - 1) as f64)
        }
    })
}

/// The θ with `τ(θ) = x` for `lowest < x < highest`: Newton steps kept inside a bisection
/// bracket (τ increases in θ), to |τ(θ) − x| < 1e-12 or a bracket narrower than 1e-13.
fn solve(items: &[PolyItem], x: f64, scratch: &mut [Vec<f64>; 3]) -> f64 {
    let [p, dp, d2p] = scratch;
    let (mut lo, mut hi) = (-1.0, 1.0);
    while tcc(items, lo, p, dp, d2p).0 > x && lo > -1e3 {
        lo *= 2.0;
    }
    while tcc(items, hi, p, dp, d2p).0 < x && hi < 1e3 {
        hi *= 2.0;
    }
    let mut theta = 0.5 * (lo + hi);
    for _ in 0..200 {
        let (t, dt) = tcc(items, theta, p, dp, d2p);
        let f = t - x;
        if f.abs() < 1e-12 {
            break;
        }
        if f > 0.0 {
            hi = theta;
        } else {
            lo = theta;
        }
        let newton = theta - f / dt;
        theta = if dt > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if hi - lo < 1e-13 {
            break;
        }
    }
    theta
}

/// True-score equating of every new-form summed score 0..max to the base form. Scores at or
/// below the new form's lowest true score (the sum of its guessing parameters) have no θ; as in
/// Kolen & Brennan (2004, p. 178) and plink they are equated linearly from (0, 0) to (lowest_new,
/// lowest_base). The highest score, reached only as θ → ∞, is equated to the base form's highest.
pub fn true_score_equating(new: &[PolyItem], base: &[PolyItem]) -> TrueScoreEquating {
    let kmax = new
        .iter()
        .chain(base)
        .map(|i| i.categories())
        .max()
        .unwrap_or(2);
    let mut scratch = [vec![0.0; kmax], vec![0.0; kmax], vec![0.0; kmax]];
    let (lowest_new, highest_new) = limits(new);
    let (lowest_base, highest_base) = limits(base);
    let max: u32 = new.iter().map(|i| (i.categories() - 1) as u32).sum();
    let rows = (0..=max)
        .map(|s| {
            let x = f64::from(s);
            if x <= lowest_new {
                let equivalent = if lowest_new > 0.0 {
                    x * lowest_base / lowest_new
                } else {
                    0.0
                };
                TrueScoreRow {
                    score: s,
                    theta: None,
                    equivalent,
                }
            } else if x >= highest_new {
                TrueScoreRow {
                    score: s,
                    theta: None,
                    equivalent: highest_base,
                }
            } else {
                let theta = solve(new, x, &mut scratch);
                let [p, dp, d2p] = &mut scratch;
                TrueScoreRow {
                    score: s,
                    theta: Some(theta),
                    equivalent: tcc(base, theta, p, dp, d2p).0,
                }
            }
        })
        .collect();
    TrueScoreEquating {
        rows,
        lowest_new,
        lowest_base,
        highest_new,
        highest_base,
        note: format!(
            "New-form scores at or below {lowest_new:.4} (the sum of the new form's lower asymptotes) have no θ; they are equated linearly from (0, 0) to ({lowest_new:.4}, {lowest_base:.4}), as Kolen & Brennan (2004) and plink do. The highest score is equated to the base form's highest."
        ),
    }
}
