//! Absolute fit of a dichotomous IRT model: the limited-information statistic M2 (Maydeu-Olivares
//! & Joe, 2005, 2006), its RMSEA, and the SRMSR.
//!
//! With univariate and bivariate margins stacked as `e = p − π` (observed minus model-implied
//! proportions of 1s and of pairs of 1s), `Δ = ∂π/∂β` and `Ξ` the model-implied covariance matrix
//! of the sample margins (`Ξ_AB = π_{A∪B} − π_A π_B` for item sets A, B), the statistic is
//! `M2 = N e' C e` with `C = Ξ⁻¹ − Ξ⁻¹Δ(Δ'Ξ⁻¹Δ)⁻¹Δ'Ξ⁻¹`, on `m − npar` degrees of freedom
//! (m = J + J(J−1)/2). Model-implied moments are quadrature sums over the latent distribution.
//! `RMSEA2 = √(max(M2 − df, 0) / (N df))`; SRMSR is the root mean square of the differences
//! between observed and model-implied inter-item correlations (Maydeu-Olivares, 2013).

use super::dichotomous::{DichotomousModel, ItemParams};
use crate::math::spd_inverse;
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// The largest number of margins for which M2 is computed (30 items): its Ξ matrix is m x m and
/// is inverted densely, which at 50 items (m = 1,275) takes seconds, far longer than the
/// calibration itself.
pub const MAX_M2_MARGINS: usize = 465;

/// M2 and the indices derived from it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct M2 {
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

/// M2 for complete 0/1 data `x` (person-major, `n` persons), item parameters in slope-intercept
/// form as estimated (for the Rasch model: the common slope is the latent SD) and the latent
/// prior on `nodes` with `weights`. `None` when there are no degrees of freedom or a matrix is
/// singular.
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
    let m = k + pairs.len();
    // Free parameters and their positions.
    let per = if model.common_slope() {
        1
    } else {
        2 + model.has_guessing() as usize + model.has_upper() as usize
    };
    let npar = if model.common_slope() { k + 1 } else { k * per };
    if m <= npar {
        return None;
    }
    let prob: Vec<Vec<f64>> = items
        .iter()
        .map(|p| nodes.iter().map(|&t| p.prob(t)).collect())
        .collect();
    // Observed margins.
    let mut obs = vec![0.0; m];
    for row in x.chunks_exact(k) {
        for j in 0..k {
            obs[j] += row[j] as f64;
        }
        for (i, &(j, l)) in pairs.iter().enumerate() {
            obs[k + i] += (row[j] & row[l]) as f64;
        }
    }
    obs.iter_mut().for_each(|v| *v /= n as f64);
    // Model-implied moment of an item set.
    let moment = |set: &[usize]| -> f64 {
        (0..q)
            .map(|i| weights[i] * set.iter().map(|&j| prob[j][i]).product::<f64>())
            .sum()
    };
    let sets: Vec<Vec<usize>> = (0..k)
        .map(|j| vec![j])
        .chain(pairs.iter().map(|&(j, l)| vec![j, l]))
        .collect();
    let pi: Vec<f64> = sets.iter().map(|s| moment(s)).collect();
    // Ξ.
    let mut xi = vec![0.0; m * m];
    for a in 0..m {
        for b in a..m {
            let mut u: Vec<usize> = sets[a].iter().chain(&sets[b]).copied().collect();
            u.sort_unstable();
            u.dedup();
            let v = moment(&u) - pi[a] * pi[b];
            xi[a * m + b] = v;
            xi[b * m + a] = v;
        }
    }
    // Δ (m x npar).
    let col = |j: usize, i: usize| -> usize {
        if model.common_slope() {
            if i == 0 {
                0
            } else {
                j + 1
            }
        } else {
            j * per + i
        }
    };
    let mut delta = vec![0.0; m * npar];
    for (a, set) in sets.iter().enumerate() {
        for &j in set {
            let others: Vec<usize> = set.iter().copied().filter(|&o| o != j).collect();
            for t in 0..q {
                let rest: f64 = others.iter().map(|&o| prob[o][t]).product();
                let (_, g, used) = items[j].prob_and_gradient(nodes[t], model);
                for (i, gi) in g[..used].iter().enumerate() {
                    if model.common_slope() && i > 1 {
                        break;
                    }
                    delta[a * npar + col(j, i)] += weights[t] * gi * rest;
                }
            }
        }
    }
    let xi_inv = spd_inverse(&xi, m)?;
    let e: Vec<f64> = obs.iter().zip(&pi).map(|(o, p)| o - p).collect();
    let xe: Vec<f64> = (0..m)
        .map(|a| (0..m).map(|b| xi_inv[a * m + b] * e[b]).sum())
        .collect();
    let quad: f64 = e.iter().zip(&xe).map(|(a, b)| a * b).sum();
    // A = Ξ⁻¹Δ, B = Δ'A, c = Δ'Ξ⁻¹e.
    let mut a_mat = vec![0.0; m * npar];
    for r in 0..m {
        for c in 0..npar {
            a_mat[r * npar + c] = (0..m)
                .map(|s| xi_inv[r * m + s] * delta[s * npar + c])
                .sum();
        }
    }
    let mut b_mat = vec![0.0; npar * npar];
    for r in 0..npar {
        for c in 0..npar {
            b_mat[r * npar + c] = (0..m)
                .map(|s| delta[s * npar + r] * a_mat[s * npar + c])
                .sum();
        }
    }
    let b_inv = spd_inverse(&b_mat, npar)?;
    let cvec: Vec<f64> = (0..npar)
        .map(|c| (0..m).map(|s| delta[s * npar + c] * xe[s]).sum())
        .collect();
    let correction: f64 = (0..npar)
        .map(|r| {
            cvec[r]
                * (0..npar)
                    .map(|c| b_inv[r * npar + c] * cvec[c])
                    .sum::<f64>()
        })
        .sum();
    let stat = n as f64 * (quad - correction);
    let df = m - npar;
    let p = ChiSquared::new(df as f64)
        .map(|d| 1.0 - d.cdf(stat.max(0.0)))
        .unwrap_or(f64::NAN);
    let rmsea = ((stat - df as f64).max(0.0) / (n as f64 * df as f64)).sqrt();
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
        m2: stat,
        df,
        p,
        rmsea,
        srmsr,
    })
}

/// Orlando & Thissen's (2000) S-X2 item-fit statistic for one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SX2 {
    /// Item name.
    pub item: String,
    /// The statistic.
    pub s_x2: f64,
    /// Degrees of freedom: score groups after collapsing minus the item's free parameters.
    pub df: usize,
    /// Upper-tail chi-square probability (null when df = 0).
    pub p: Option<f64>,
    /// RMSEA of the item, √(max(S-X2 − df, 0) / (df (N − 1))).
    pub rmsea: Option<f64>,
}

/// Summed-score likelihoods by the Lord-Wingersky (1984) recursion at every node at once:
/// `f[s·q + t]` for s = 0..=n and node t, from the probability rows `p` (one per item, q nodes
/// each). The update `f_s ← f_s Q_i + f_{s−1} P_i` runs over the nodes, so it vectorises.
fn lord_wingersky_nodes<'a>(p: impl Iterator<Item = &'a [f64]>, n: usize, q: usize) -> Vec<f64> {
    let mut f = vec![0.0; (n + 1) * q];
    f[..q].fill(1.0);
    for (m, pi) in p.enumerate() {
        for s in (1..=m + 1).rev() {
            let (lower, upper) = f.split_at_mut(s * q);
            let (prev, cur) = (&lower[(s - 1) * q..], &mut upper[..q]);
            for t in 0..q {
                cur[t] = cur[t] * (1.0 - pi[t]) + prev[t] * pi[t];
            }
        }
        f[..q].iter_mut().zip(pi).for_each(|(v, p)| *v *= 1.0 - p);
    }
    f
}

/// S-X2 for every item of complete 0/1 `data` (Orlando & Thissen, 2000): for each summed score
/// s = 1..J−1 the observed proportion answering item j correctly against
/// `E_js = Σ_q w_q P_j(θ_q) f^{(−j)}(s−1 | θ_q) / Σ_q w_q f(s | θ_q)`, with Lord-Wingersky
/// summed-score likelihoods. Adjacent score groups are pooled, from each end inwards, while an
/// expected count of correct or incorrect answers is below `min_cell`;
/// `S-X2 = Σ_g (O_g − E_g)² / E_g + (O′_g − E′_g)² / E′_g` over the pooled groups.
pub fn s_x2(
    data: &crate::data::ResponseMatrix,
    items: &[ItemParams],
    free_per_item: usize,
    nodes: &[f64],
    weights: &[f64],
    min_cell: f64,
) -> Vec<SX2> {
    let (x, n, names) = (data.codes(), data.n_persons(), data.items());
    let k = items.len();
    let q = nodes.len();
    let prob: Vec<Vec<f64>> = items
        .iter()
        .map(|p| nodes.iter().map(|&t| p.prob(t)).collect())
        .collect();
    // Observed: examinees per total score, and correct answers to each item per total score.
    let mut n_s = vec![0.0; k + 1];
    let mut correct = vec![vec![0.0; k + 1]; k];
    for row in x.chunks_exact(k) {
        let s: usize = row.iter().map(|&c| c as usize).sum();
        n_s[s] += 1.0;
        for j in 0..k {
            correct[j][s] += row[j] as f64;
        }
    }
    let full = lord_wingersky_nodes(prob.iter().map(|p| p.as_slice()), k, q);
    let marginal: Vec<f64> = (0..=k)
        .map(|s| (0..q).map(|t| weights[t] * full[s * q + t]).sum())
        .collect();
    crate::parallel::map_indices(k, |j| {
        let rest = lord_wingersky_nodes(
            (0..k).filter(|&i| i != j).map(|i| prob[i].as_slice()),
            k - 1,
            q,
        );
        // Per score s = 1..k−1: (N_s, observed correct, expected correct).
        let mut groups: Vec<(f64, f64, f64)> = (1..k)
            .map(|s| {
                let num: f64 = (0..q)
                    .map(|t| weights[t] * prob[j][t] * rest[(s - 1) * q + t])
                    .sum();
                let e = if marginal[s] > 0.0 {
                    num / marginal[s]
                } else {
                    0.0
                };
                (n_s[s], correct[j][s], n_s[s] * e)
            })
            .collect();
        let small = |g: &(f64, f64, f64)| g.2 < min_cell || g.0 - g.2 < min_cell;
        // Pool from the low end, then from the high end.
        while groups.len() > 1 && small(&groups[0]) {
            let g = groups.remove(0);
            groups[0] = (groups[0].0 + g.0, groups[0].1 + g.1, groups[0].2 + g.2);
        }
        while groups.len() > 1 && small(&groups[groups.len() - 1]) {
            let g = groups.pop().unwrap_or_default();
            let last = groups.len() - 1;
            groups[last] = (
                groups[last].0 + g.0,
                groups[last].1 + g.1,
                groups[last].2 + g.2,
            );
        }
        let stat: f64 = groups
            .iter()
            .filter(|g| g.2 > 0.0 && g.0 - g.2 > 0.0)
            .map(|&(ns, o, e)| (o - e).powi(2) / e + ((ns - o) - (ns - e)).powi(2) / (ns - e))
            .sum();
        let df = groups.len().saturating_sub(free_per_item);
        let p = (df > 0).then(|| {
            ChiSquared::new(df as f64)
                .map(|d| 1.0 - d.cdf(stat))
                .unwrap_or(f64::NAN)
        });
        let rmsea =
            (df > 0).then(|| ((stat - df as f64).max(0.0) / (df as f64 * (n as f64 - 1.0))).sqrt());
        SX2 {
            item: names[j].clone(),
            s_x2: stat,
            df,
            p,
            rmsea,
        }
    })
}
