//! Absolute fit of a dichotomous IRT model: the limited-information statistic M2 (Maydeu-Olivares
//! & Joe, 2005, 2006), its RMSEA, and the SRMSR.
//!
//! With univariate and bivariate margins stacked as `e = p − π` (observed minus model-implied
//! proportions of 1s and of pairs of 1s), `Δ = ∂π/∂β` and `Ξ` the model-implied covariance matrix
//! of the sample margins (`Ξ_AB = π_{A∪B} − π_A π_B` for item sets A, B), the statistic is
//! `M2 = N e' C e` with `C = Ξ⁻¹ − Ξ⁻¹Δ(Δ'Ξ⁻¹Δ)⁻¹Δ'Ξ⁻¹`, on `m − npar` degrees of freedom
//! (m = J + J(J−1)/2). Model-implied moments are quadrature sums over the latent distribution.
//! `RMSEA2 = √(max(M2 − df, 0) / (df (N − 1)))` (as mirt); SRMSR is the root mean square of the differences
//! between observed and model-implied inter-item correlations (Maydeu-Olivares, 2013).

use super::dichotomous::{DichotomousModel, ItemParams};
use crate::math::{cholesky_whiten, spd_solve};
use faer::linalg::matmul::matmul;
use faer::{get_global_parallelism, Accum, Mat};
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// M2 (or its polytomous versions) and the indices derived from it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct M2 {
    /// Which statistic: `"M2"` (0/1 items), `"M2*"` (polytomous: item means and cross-products)
    /// or `"C2"` (category proportions and cross-products), see [`super::fit_polytomous`].
    pub statistic: &'static str,
    /// The statistic.
    pub m2: f64,
    /// Degrees of freedom, m − npar.
    pub df: usize,
    /// Upper-tail chi-square probability.
    pub p: f64,
    /// RMSEA based on M2.
    pub rmsea: f64,
    /// Standardised root mean square residual of the inter-item correlations.
    pub srmsr: f64,
}

/// Number of univariate and bivariate margins of a test with `k` binary items,
/// `k + k(k − 1)/2`: M2's Ξ is a square matrix of this order.
pub fn m2_margins(k: usize) -> usize {
    k + k * k.saturating_sub(1) / 2
}

/// M2 for complete 0/1 data `x` (person-major, `n` persons), item parameters in slope-intercept
/// form as estimated (for the Rasch model: the common slope is the latent SD) and the latent
/// prior on `nodes` with `weights`. `None` when there are no degrees of freedom or a matrix is
/// singular.
///
/// Computation, with m margins and q nodes: every margin's product of response probabilities is
/// a row of an m x q matrix Π, so `π = Π w` and, for margins whose item sets do not overlap,
/// `π_{A∪B} = (Π W Πᵀ)_AB` (one matrix product); the O(k³) overlapping entries are recomputed
/// from the union of their items. One Cholesky factorisation `Ξ = L Lᵀ` and one triangular
/// solve `Z = L⁻¹[e Δ]` give every quadratic form needed (see the code). Time O(m³/3) for the
/// factorisation (m = 1,275 at 50 items, m = 5,050 at 100), memory 8m² bytes.
pub fn m2(
    x: &[u8],
    n: usize,
    items: &[ItemParams],
    model: DichotomousModel,
    nodes: &[f64],
    weights: &[f64],
) -> Option<M2> {
    let k = items.len();
    let q = nodes.len();
    let pairs: Vec<(usize, usize)> = (0..k)
        .flat_map(|j| (j + 1..k).map(move |l| (j, l)))
        .collect();
    let m = m2_margins(k);
    // Free parameters: a common slope then one intercept per item, or `per` per item.
    let common = model.common_slope();
    let per = if common {
        1
    } else {
        2 + model.has_guessing() as usize + model.has_upper() as usize
    };
    let npar = if common { k + 1 } else { k * per };
    if m <= npar {
        return None;
    }
    // Derivatives kept per item: (a1, d) for a common slope, else all `per`.
    let ng = if common { 2 } else { per };
    let col = |j: usize, i: usize| -> usize {
        match (common, i) {
            (true, 0) => 0,
            (true, _) => j + 1,
            (false, _) => j * per + i,
        }
    };
    let mut prob = vec![0.0; k * q];
    let mut grad = vec![0.0; k * ng * q];
    for (j, item) in items.iter().enumerate() {
        for (t, &theta) in nodes.iter().enumerate() {
            let (p, g, _) = item.prob_and_gradient(theta, model);
            prob[j * q + t] = p;
            for i in 0..ng {
                grad[(j * ng + i) * q + t] = g[i];
            }
        }
    }
    fn row(v: &[f64], r: usize, q: usize) -> &[f64] {
        &v[r * q..(r + 1) * q]
    }
    let wdot = |a: &[f64], b: &[f64]| -> f64 { (0..q).map(|t| weights[t] * a[t] * b[t]).sum() };
    // Π: the product of the probabilities of each margin's items, node by node.
    let mut prod = prob.clone();
    prod.reserve(pairs.len() * q);
    for &(j, l) in &pairs {
        prod.extend((0..q).map(|t| prob[j * q + t] * prob[l * q + t]));
    }
    let pi: Vec<f64> = (0..m)
        .map(|a| {
            row(&prod, a, q)
                .iter()
                .zip(weights)
                .map(|(p, w)| p * w)
                .sum()
        })
        .collect();
    // Observed margins: per person, every pair of items both answered 1.
    let mut ones_count = vec![0u64; k * k];
    let mut ones = Vec::with_capacity(k);
    for person in x.chunks_exact(k) {
        ones.clear();
        ones.extend((0..k).filter(|&j| person[j] == 1));
        for (i, &j) in ones.iter().enumerate() {
            for &l in &ones[i..] {
                ones_count[j * k + l] += 1;
            }
        }
    }
    let mut obs: Vec<f64> = (0..k).map(|j| ones_count[j * k + j] as f64).collect();
    obs.extend(pairs.iter().map(|&(j, l)| ones_count[j * k + l] as f64));
    obs.iter_mut().for_each(|v| *v /= n as f64);
    // Ξ: moments of the unions by one product Π W Πᵀ, recomputed where the item sets overlap,
    // minus π πᵀ. Only the lower triangle is used by the factorisation, but Ξ is filled whole.
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
    let pair_index = |j: usize, l: usize| -> usize {
        let (j, l) = if j < l { (j, l) } else { (l, j) };
        // Pairs (j, ·) start after those of items 0..j: j(2k − j − 1)/2 of them.
        k + j * (2 * k - j - 1) / 2 + (l - j - 1)
    };
    for j in 0..k {
        xi[(j, j)] = pi[j];
    }
    for (i, &(j, l)) in pairs.iter().enumerate() {
        let a = k + i;
        for b in [a, j, l] {
            xi[(a, b)] = pi[a];
            xi[(b, a)] = pi[a];
        }
        for s in (0..k).filter(|&s| s != j && s != l) {
            let three = wdot(row(&prod, a, q), row(&prob, s, q));
            xi[(a, pair_index(j, s))] = three;
            xi[(a, pair_index(l, s))] = three;
        }
    }
    for b in 0..m {
        for a in 0..m {
            xi[(a, b)] -= pi[a] * pi[b];
        }
    }
    // Right-hand sides [e Δ], m x (1 + npar), with Δ = ∂π/∂β.
    let mut rhs = Mat::<f64>::zeros(m, 1 + npar);
    for a in 0..m {
        rhs[(a, 0)] = obs[a] - pi[a];
    }
    for j in 0..k {
        for i in 0..ng {
            rhs[(j, 1 + col(j, i))] += row(&grad, j * ng + i, q)
                .iter()
                .zip(weights)
                .map(|(g, w)| g * w)
                .sum::<f64>();
        }
    }
    for (idx, &(j, l)) in pairs.iter().enumerate() {
        let a = k + idx;
        for (this, other) in [(j, l), (l, j)] {
            for i in 0..ng {
                rhs[(a, 1 + col(this, i))] +=
                    wdot(row(&grad, this * ng + i, q), row(&prob, other, q));
            }
        }
    }
    let (stat, df, p, rmsea) = quadratic_form_statistic(xi, rhs, n, npar)?;
    // SRMSR from the correlations implied by the margins.
    let corr =
        |pj: f64, pl: f64, pjl: f64| (pjl - pj * pl) / (pj * (1.0 - pj) * pl * (1.0 - pl)).sqrt();
    let ss: f64 = pairs
        .iter()
        .enumerate()
        .map(|(i, &(j, l))| {
            (corr(obs[j], obs[l], obs[k + i]) - corr(pi[j], pi[l], pi[k + i])).powi(2)
        })
        .sum();
    let srmsr = (ss / pairs.len() as f64).sqrt();
    Some(M2 {
        statistic: "M2",
        m2: stat,
        df,
        p,
        rmsea,
        srmsr,
    })
}

/// The statistic `N e' C e` with `C = Ξ⁻¹ − Ξ⁻¹Δ(Δ'Ξ⁻¹Δ)⁻¹Δ'Ξ⁻¹` from Ξ (m x m) and the right-hand
/// sides `[e Δ]` (m x (1 + npar)): with `Ξ = L Lᵀ` and `Z = L⁻¹[e Δ] = [z Z_Δ]`, `e'Ξ⁻¹e = z'z`,
/// `c = Δ'Ξ⁻¹e = Z_Δ'z` and `B = Δ'Ξ⁻¹Δ = Z_Δ'Z_Δ`, so the statistic is `N (z'z − c'B⁻¹c)`.
/// Returns (statistic, df = m − npar, upper-tail chi-square p, RMSEA = √(max(stat − df, 0)/(df (N − 1)))),
/// or None when there are no degrees of freedom or a matrix is singular.
pub(super) fn quadratic_form_statistic(
    xi: Mat<f64>,
    rhs: Mat<f64>,
    n: usize,
    npar: usize,
) -> Option<(f64, usize, f64, f64)> {
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
        .map(|d| 1.0 - d.cdf(stat.max(0.0)))
        .unwrap_or(f64::NAN);
    let rmsea = ((stat - df as f64).max(0.0) / ((n as f64 - 1.0) * df as f64)).sqrt();
    Some((stat, df, p, rmsea))
}
