//! Logistic regression DIF of a 0/1 item (Swaminathan & Rogers, 1990) with Nagelkerke's R²
//! (Zumbo, 1999) and the Jodoin & Gierl (2001) classification. With S the matching score and G
//! the group (1 focal, 0 reference), three nested models of P(X = 1) are fitted by maximum
//! likelihood (Newton-Raphson):
//!
//! - M0: `logit P = β0 + β1 S`; M1: `+ β2 G` (uniform DIF); M2: `+ β3 S·G` (non-uniform).
//!
//! Each test is the likelihood-ratio statistic of two nested models: uniform `2(ℓ1 − ℓ0)`
//! (1 df), non-uniform `2(ℓ2 − ℓ1)` (1 df), both `2(ℓ2 − ℓ0)` (2 df). Nagelkerke's
//! `R²(M) = (1 − exp(2(ℓ_null − ℓ_M)/n)) / (1 − exp(2 ℓ_null / n))`, ℓ_null the intercept-only
//! log-likelihood; each test's effect size is the change of R² between its two models.

/// A coefficient beyond this (on a standardized matching score) means the groups or scores
/// separate the answers: no finite maximum.
const SEPARATED: f64 = 30.0;

/// The log-likelihood of the logistic regression of `ones` successes in `trials` trials on the
/// columns `x` (row-major, one row per covariate pattern, p columns, the first the intercept) at
/// its maximum, and whether Newton's method converged (a separable data set has no finite
/// maximum: the iterations stop when a coefficient passes [`SEPARATED`]). Grouping examinees
/// with the same covariates into binomial counts leaves the Bernoulli likelihood unchanged.
pub fn logistic_loglik(x: &[f64], ones: &[f64], trials: &[f64], p: usize) -> (f64, bool) {
    let rows = ones.len();
    let n: f64 = trials.iter().sum();
    let mut beta = vec![0.0; p];
    let loglik_at = |beta: &[f64]| -> f64 {
        (0..rows)
            .map(|i| {
                let eta: f64 = (0..p).map(|f| x[i * p + f] * beta[f]).sum();
                // y η − n ln(1 + e^η), computed without overflow.
                ones[i] * eta - trials[i] * (eta.max(0.0) + (-eta.abs()).exp().ln_1p())
            })
            .sum()
    };
    let mut ll = loglik_at(&beta);
    for _ in 0..100 {
        let mut grad = vec![0.0; p];
        let mut info = vec![0.0; p * p];
        for i in 0..rows {
            let row = &x[i * p..(i + 1) * p];
            let eta: f64 = row.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let mu = 1.0 / (1.0 + (-eta).exp());
            let w = trials[i] * mu * (1.0 - mu);
            for f in 0..p {
                grad[f] += row[f] * (ones[i] - trials[i] * mu);
                for e in 0..=f {
                    info[f * p + e] += w * row[f] * row[e];
                }
            }
        }
        for f in 0..p {
            for e in 0..f {
                info[e * p + f] = info[f * p + e];
            }
        }
        let Some(step) = crate::math::spd_solve(&info, p, &grad, 1) else {
            return (ll, false);
        };
        // Step halving keeps every iteration an ascent.
        let mut scale = 1.0;
        let mut next = ll;
        let mut trial = beta.clone();
        for _ in 0..30 {
            for f in 0..p {
                trial[f] = beta[f] + scale * step[f];
            }
            next = loglik_at(&trial);
            if next >= ll - 1e-12 {
                break;
            }
            scale /= 2.0;
        }
        let change = next - ll;
        beta.copy_from_slice(&trial);
        ll = next;
        // Separable data: the estimates run off to infinity while the likelihood flattens.
        if beta.iter().any(|b| b.abs() > SEPARATED) {
            return (ll, false);
        }
        if change.abs() < 1e-10 && grad.iter().all(|g| g.abs() < 1e-6 * n) {
            return (ll, true);
        }
    }
    (ll, false)
}

/// One likelihood-ratio test of logistic regression DIF.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LrTest {
    /// The likelihood-ratio chi-square.
    pub chi_square: f64,
    /// Its degrees of freedom.
    pub df: usize,
    /// The upper-tail p-value.
    pub p: f64,
    /// The change of Nagelkerke's R² between the two models; `None` when R² is undefined
    /// (everyone compared has the same answer, so the null model already fits perfectly).
    pub r2_change: Option<f64>,
}

/// The three tests of one item from the matching scores `s`, groups `g` (1 focal, 0 reference)
/// and answers `y`, and whether all four fits converged.
pub fn logistic_dif(s: &[f64], g: &[f64], y: &[f64]) -> ([LrTest; 3], bool) {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    let n = y.len();
    // The matching score centred and scaled: the same likelihoods, better conditioned.
    let mean = s.iter().sum::<f64>() / n as f64;
    let sd = (s.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64)
        .sqrt()
        .max(1e-12);
    // Examinees with the same score and group share a binomial count.
    let mut cells: std::collections::BTreeMap<(u64, bool), (f64, f64)> = Default::default();
    for ((&si, &gi), &yi) in s.iter().zip(g).zip(y) {
        let cell = cells.entry((si.to_bits(), gi == 1.0)).or_default();
        cell.0 += yi;
        cell.1 += 1.0;
    }
    let covariates: Vec<(f64, f64)> = cells
        .keys()
        .map(|&(bits, focal)| {
            (
                (f64::from_bits(bits) - mean) / sd,
                f64::from(u8::from(focal)),
            )
        })
        .collect();
    let ones: Vec<f64> = cells.values().map(|c| c.0).collect();
    let trials: Vec<f64> = cells.values().map(|c| c.1).collect();
    let design = |p: usize| -> Vec<f64> {
        covariates
            .iter()
            .flat_map(|&(z, g)| [1.0, z, g, z * g].into_iter().take(p))
            .collect()
    };
    let fits: Vec<(f64, bool)> = [1, 2, 3, 4]
        .iter()
        .map(|&p| logistic_loglik(&design(p), &ones, &trials, p))
        .collect();
    let null = fits[0].0;
    // Nagelkerke's R² = (1 − exp(2(ℓ0 − ℓ)/n)) / (1 − exp(2ℓ0/n)); its maximum is 0 when
    // ℓ0 = 0 (a constant answer), and R² is then undefined.
    let nf = n as f64;
    let r2_max = 1.0 - (2.0 * null / nf).exp();
    let r2 = |ll: f64| (1.0 - (2.0 * (null - ll) / nf).exp()) / r2_max;
    // A constant answer: the null model's ℓ0 tends to 0 (the fit stops short of it), R² is 0/0.
    let correct: f64 = ones.iter().sum();
    let varies = correct > 0.0 && correct < nf && r2_max > 0.0;
    let test = |lo: usize, hi: usize, df: usize| {
        let chi_square = (2.0 * (fits[hi].0 - fits[lo].0)).max(0.0);
        LrTest {
            chi_square,
            df,
            p: ChiSquared::new(df as f64)
                .map(|d| d.sf(chi_square))
                .unwrap_or(f64::NAN),
            r2_change: varies.then(|| r2(fits[hi].0) - r2(fits[lo].0)),
        }
    };
    (
        [test(1, 2, 1), test(2, 3, 1), test(1, 3, 2)],
        fits.iter().all(|f| f.1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_fit_matches_the_closed_form_of_a_two_group_table() {
        // With one binary regressor the maximum is the saturated fit of the 2 x 2 table:
        // ℓ = Σ_groups n1 ln p + n0 ln(1 − p) with p the group's proportion.
        let mut x = Vec::new();
        let mut y = Vec::new();
        for (grp, ones, zeros) in [(0.0, 30, 10), (1.0, 12, 28)] {
            for i in 0..ones + zeros {
                x.extend([1.0, grp]);
                y.push(if i < ones { 1.0 } else { 0.0 });
            }
        }
        let trials = vec![1.0; y.len()];
        let (ll, converged) = logistic_loglik(&x, &y, &trials, 2);
        let part = |a: f64, b: f64| a * (a / (a + b)).ln() + b * (b / (a + b)).ln();
        assert!(converged);
        assert!((ll - (part(30.0, 10.0) + part(12.0, 28.0))).abs() < 1e-9);
    }

    #[test]
    fn separable_data_do_not_converge() {
        let x = [1.0, 0.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0];
        let y = [0.0, 0.0, 1.0, 1.0];
        let (ll, converged) = logistic_loglik(&x, &y, &[1.0; 4], 2);
        assert!(!converged);
        assert!(ll > -1e-3 && ll <= 0.0);
    }
}
