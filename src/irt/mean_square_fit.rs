//! Infit and outfit mean squares of the Rasch model (Wright & Masters, 1982, ch. 5), evaluated at
//! each examinee's EAP ability, as mirt's `itemfit(mod, 'infit')` does by default.
//!
//! For examinee i and item j answered, with P = P_j(θ̂_i): the residual `y = x − P`, its
//! variance `W = P(1 − P)` and fourth central moment `C = PQ(P³ + Q³)`. Over the N_j examinees
//! answering item j:
//! - outfit `= Σ (y² / W) / N_j`, with `q² = Σ (C / W²) / N_j² − 1 / N_j`;
//! - infit `= Σ y² / Σ W`, with `q² = Σ (C − W²) / (Σ W)²`;
//! - each standardised by the Wilson–Hilferty cube root, `z = (MS^(1/3) − 1)(3/q) + q/3`, with q
//!   capped at √2 (mirt's cap).
//!
//! Missing responses are left out (each sum runs over the examinees who answered the item).
//! With EAP abilities from the same responses the z statistics lean towards overfit and are
//! descriptive only.

use super::dichotomous::ItemParams;
use super::patterns::Patterns;
use crate::data::MISSING;
use crate::math::finite;
use serde::Serialize;

/// Infit and outfit of one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeanSquareFit {
    /// Item name.
    pub item: String,
    /// Examinees who answered the item.
    pub n: usize,
    /// Unweighted mean square of the standardised residuals (`None` when undefined: a
    /// probability of exactly 0 or 1 makes a residual's variance 0).
    pub outfit: Option<f64>,
    /// Wilson–Hilferty standardised outfit (`None` when undefined).
    pub z_outfit: Option<f64>,
    /// Information-weighted mean square (`None` when undefined: no variance at all).
    pub infit: Option<f64>,
    /// Wilson–Hilferty standardised infit (`None` when undefined).
    pub z_infit: Option<f64>,
}

/// Infit and outfit per item, with `theta[p]` the ability estimate of pattern p in the metric of
/// `items` (the probabilities are `items[j].prob(theta[p])`).
pub fn mean_square_fit(
    patterns: &Patterns,
    items: &[ItemParams],
    theta: &[f64],
    names: &[String],
) -> Vec<MeanSquareFit> {
    let k = items.len();
    #[derive(Default, Clone, Copy)]
    struct Sums {
        n: f64,
        z2: f64,
        y2: f64,
        w: f64,
        c_over_w2: f64,
        c_minus_w2: f64,
    }
    let mut sums = vec![Sums::default(); k];
    for p in 0..patterns.len() {
        let count = patterns.counts[p];
        for (j, &code) in patterns.pattern(p).iter().enumerate() {
            if code == MISSING {
                continue;
            }
            let prob = items[j].prob(theta[p]);
            let q = 1.0 - prob;
            let w = prob * q;
            let y = code as f64 - prob;
            let c = w * (prob.powi(3) + q.powi(3));
            let s = &mut sums[j];
            s.n += count;
            s.z2 += count * y * y / w;
            s.y2 += count * y * y;
            s.w += count * w;
            s.c_over_w2 += count * c / (w * w);
            s.c_minus_w2 += count * (c - w * w);
        }
    }
    let z = |ms: Option<f64>, q2: f64| {
        let q = q2.max(0.0).sqrt().min(std::f64::consts::SQRT_2);
        ms.and_then(|ms| finite((ms.cbrt() - 1.0) * (3.0 / q) + q / 3.0))
    };
    sums.iter()
        .zip(names)
        .map(|(s, name)| {
            let outfit = finite(s.z2 / s.n);
            let infit = finite(s.y2 / s.w);
            MeanSquareFit {
                item: name.clone(),
                n: s.n as usize,
                outfit,
                z_outfit: z(outfit, s.c_over_w2 / (s.n * s.n) - 1.0 / s.n),
                infit,
                z_infit: z(infit, s.c_minus_w2 / (s.w * s.w)),
            }
        })
        .collect()
}
