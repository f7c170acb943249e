//! Limited-information fit shared by the IRT and CDM tools: the univariate and bivariate margins
//! of binary items under a discrete latent distribution (IRT: quadrature nodes; CDM: latent
//! classes), their covariance matrix Ξ, and the quadratic-form statistic M2 built on them
//! (Maydeu-Olivares & Joe, 2005, 2006), with its RMSEA and confidence interval.
//!
//! Margins are ordered `1, …, k` (the items' proportions of 1s) then the pairs
//! `(0,1), (0,2), …, (k−2,k−1)` (proportions of both 1). With `P_jt` item j's probability of a
//! 1 at latent point t and weights `w_t`, a margin A's model-implied proportion is
//! `π_A = Σ_t w_t Π_{j∈A} P_jt`, and `Ξ_AB = π_{A∪B} − π_A π_B` (a 0/1 item squared is itself).

use crate::math::{cholesky_whiten, spd_solve};
use faer::linalg::matmul::matmul;
use faer::{get_global_parallelism, Accum, Mat};
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// M2 (or its polytomous versions in IRT) and the indices derived from it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct M2 {
    /// Which statistic: `"M2"` (0/1 items), `"M2*"` (polytomous: item means and cross-products)
    /// or `"C2"` (category proportions and cross-products), see [`crate::irt::fit_polytomous`].
    pub statistic: &'static str,
    /// The statistic.
    pub m2: f64,
    /// Degrees of freedom, m − npar.
    pub df: usize,
    /// Upper-tail chi-square probability.
    pub p: f64,
    /// RMSEA based on M2.
    pub rmsea: f64,
    /// Its 90% confidence interval.
    pub rmsea_ci: (f64, f64),
    /// Standardised root mean square residual of the inter-item correlations.
    pub srmsr: f64,
}

/// Number of univariate and bivariate margins of a test with `k` binary items,
/// `k + k(k − 1)/2`: M2's Ξ is a square matrix of this order.
pub fn binary_margins(k: usize) -> usize {
    k + k * k.saturating_sub(1) / 2
}

/// The item pairs `(j, l)`, `j < l`, in margin order.
pub fn item_pairs(k: usize) -> Vec<(usize, usize)> {
    (0..k)
        .flat_map(|j| (j + 1..k).map(move |l| (j, l)))
        .collect()
}

/// Row of the pair `{j, l}` (either order, `j ≠ l`) among the margins of `k` items.
pub fn pair_index(k: usize, j: usize, l: usize) -> usize {
    let (j, l) = if j < l { (j, l) } else { (l, j) };
    // Pairs (j, ·) start after those of items 0..j: j(2k − j − 1)/2 of them.
    k + j * (2 * k - j - 1) / 2 + (l - j - 1)
}

/// The model-implied margins of binary items and their covariance.
pub struct BinaryMoments {
    /// Number of latent points q.
    pub points: usize,
    /// Per margin (m rows), the product of its items' probabilities at each latent point
    /// (row-major, m x q): the first k rows are the items' probabilities themselves.
    pub prod: Vec<f64>,
    /// Model-implied margins `π_A` (m).
    pub pi: Vec<f64>,
    /// `Ξ` (m x m, full).
    pub xi: Mat<f64>,
}

impl BinaryMoments {
    /// Margin `a`'s products over the latent points.
    pub fn row(&self, a: usize) -> &[f64] {
        &self.prod[a * self.points..(a + 1) * self.points]
    }
}

/// The margins and Ξ of `k` binary items with probabilities `prob` (row-major, k x q: item j's
/// probability of a 1 at latent point t) and latent weights `weights` (q, summing to 1).
///
/// With Π the m x q matrix of margin products, `π = Π w`; for margins whose item sets do not
/// overlap `π_{A∪B} = (Π W Πᵀ)_AB` (one matrix product); the O(k³) entries of overlapping sets
/// are recomputed from the union of their items. Time O(m² q), memory 8m² bytes.
pub fn binary_moments(prob: &[f64], k: usize, weights: &[f64]) -> BinaryMoments {
    let q = weights.len();
    let m = binary_margins(k);
    let pairs = item_pairs(k);
    let wdot = |a: &[f64], b: &[f64]| -> f64 { (0..q).map(|t| weights[t] * a[t] * b[t]).sum() };
    let mut prod = prob[..k * q].to_vec();
    prod.reserve(pairs.len() * q);
    for &(j, l) in &pairs {
        prod.extend((0..q).map(|t| prob[j * q + t] * prob[l * q + t]));
    }
    let pi: Vec<f64> = (0..m)
        .map(|a| {
            prod[a * q..(a + 1) * q]
                .iter()
                .zip(weights)
                .map(|(p, w)| p * w)
                .sum()
        })
        .collect();
    let pw = Mat::from_fn(m, q, |a, t| prod[a * q + t] * weights[t]);
    let pt = Mat::from_fn(q, m, |t, b| prod[b * q + t]);
    let mut xi = Mat::<f64>::zeros(m, m);
    matmul(
        xi.as_mut(),
        Accum::Replace,
        pw.as_ref(),
        pt.as_ref(),
        1.0,
        get_global_parallelism(),
    );
    drop((pw, pt));
    for j in 0..k {
        xi[(j, j)] = pi[j];
    }
    for (i, &(j, l)) in pairs.iter().enumerate() {
        let a = k + i;
        for b in [a, j, l] {
            xi[(a, b)] = pi[a];
            xi[(b, a)] = pi[a];
        }
        let pair_row = &prod[a * q..(a + 1) * q];
        for s in (0..k).filter(|&s| s != j && s != l) {
            let three = wdot(pair_row, &prob[s * q..(s + 1) * q]);
            xi[(a, pair_index(k, j, s))] = three;
            xi[(a, pair_index(k, l, s))] = three;
        }
    }
    for b in 0..m {
        for a in 0..m {
            xi[(a, b)] -= pi[a] * pi[b];
        }
    }
    BinaryMoments {
        points: q,
        prod,
        pi,
        xi,
    }
}

/// The statistic `N e' C e` with `C = Ξ⁻¹ − Ξ⁻¹Δ(Δ'Ξ⁻¹Δ)⁻¹Δ'Ξ⁻¹` from Ξ (m x m) and the right-hand
/// sides `[e Δ]` (m x (1 + npar)): with `Ξ = L Lᵀ` and `Z = L⁻¹[e Δ] = [z Z_Δ]`, `e'Ξ⁻¹e = z'z`,
/// `c = Δ'Ξ⁻¹e = Z_Δ'z` and `B = Δ'Ξ⁻¹Δ = Z_Δ'Z_Δ`, so the statistic is `N (z'z − c'B⁻¹c)`.
/// (GDINA's `modelfit` writes the same C as `Δc(Δc'ΞΔc)⁻¹Δc'` with Δc the orthogonal complement
/// of Δ.) Returns (statistic, df = m − npar, upper-tail chi-square p), or None when there are no
/// degrees of freedom or a matrix is singular.
pub fn quadratic_form_statistic(
    xi: Mat<f64>,
    rhs: Mat<f64>,
    n: usize,
    npar: usize,
) -> Option<(f64, usize, f64)> {
    let m = xi.nrows();
    if m <= npar {
        return None;
    }
    let z = cholesky_whiten(xi, rhs)?;
    let gram = z.transpose() * &z;
    let quad = gram[(0, 0)];
    let c: Vec<f64> = (0..npar).map(|p| gram[(1 + p, 0)]).collect();
    let b_mat: Vec<f64> = (0..npar * npar)
        .map(|i| gram[(1 + i / npar, 1 + i % npar)])
        .collect();
    let bc = spd_solve(&b_mat, npar, &c, 1)?;
    let correction: f64 = c.iter().zip(&bc).map(|(a, b)| a * b).sum();
    let stat = n as f64 * (quad - correction);
    let df = m - npar;
    let p = ChiSquared::new(df as f64)
        .map(|d| d.sf(stat.max(0.0)))
        .unwrap_or(f64::NAN);
    Some((stat, df, p))
}

/// `RMSEA = √(max(X² − df, 0) / (df · n))`, `n` the sample size or N − 1 by convention (mirt
/// divides by N − 1, GDINA by N).
pub fn rmsea(stat: f64, df: usize, n: f64) -> f64 {
    ((stat - df as f64).max(0.0) / (n * df as f64)).sqrt()
}

/// The `level` (e.g. 0.90) confidence interval of the RMSEA from the noncentral chi-square
/// (Browne & Cudeck, 1993): the noncentralities λ_L and λ_U with
/// `F(X²; df, λ_L) = (1 + level)/2` and `F(X²; df, λ_U) = (1 − level)/2` (0 when even λ = 0
/// leaves F below the target), mapped to `√(λ / (df · n))`. As GDINA's `RMSEAfun` and mirt.
pub fn rmsea_interval(stat: f64, df: usize, n: f64, level: f64) -> (f64, f64) {
    let d = df as f64;
    let tail = (1.0 - level) / 2.0;
    let lambda = |target: f64| -> f64 {
        let f = |l: f64| crate::math::noncentral_chi_square_cdf(stat, d, l) - target;
        if !(stat.is_finite() && stat > 0.0) || f(0.0) <= 0.0 {
            return 0.0;
        }
        // F decreases in λ: find an upper end where it is below the target, then bisect.
        let mut hi = stat.max(d).max(1.0);
        while f(hi) > 0.0 {
            hi *= 2.0;
            if hi > 1e12 {
                return hi;
            }
        }
        let mut lo = 0.0;
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if f(mid) > 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
            if hi - lo <= 1e-10 * hi.max(1.0) {
                break;
            }
        }
        0.5 * (lo + hi)
    };
    let to_rmsea = |l: f64| (l / (d * n)).sqrt();
    (to_rmsea(lambda(1.0 - tail)), to_rmsea(lambda(tail)))
}
