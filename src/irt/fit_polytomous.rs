//! Limited-information fit of polytomous and mixed-format tests: M2* and C2.
//!
//! The statistics are those of [`super::fit`] (`N e' C e` on m − npar degrees of freedom) on
//! other margins, as mirt's `M2()` defines them for polytomous data:
//!
//! - **M2*** (Maydeu-Olivares & Joe, 2014; mirt's default for polytomous items): the item means
//!   `E[X_j]` and the cross-products `E[X_j X_l]`, j < l (m = J + J(J−1)/2); for 0/1 items this is
//!   M2.
//! - **C2** (Cai & Hansen, 2013; Cai & Monroe, 2014): the category proportions `P(X_j = k)`,
//!   k = 1..K_j−1, and the cross-products (m = Σ_j (K_j − 1) + J(J−1)/2), for tests too short for
//!   M2* to have degrees of freedom.
//!
//! Every margin is the expectation of a statistic `s(x) = Π_{j ∈ S} v_j(x_j)` over one or two
//! items, each `v_j` a vector over the item's categories (the scores 0..K−1, or an indicator).
//! Given θ the items are independent, so `E_q[s] = Π_j Σ_k v_jk P_jk(θ_q)` and
//! `π = Σ_q w_q E_q[s]`. Ξ, the covariance of the margins for one examinee, is
//! `E[s_a s_b] − π_a π_b`, where `s_a s_b` is again such a product (on an item both use, the
//! vectors multiply elementwise). For statistics on disjoint items `E[s_a s_b] = Σ_q w_q E_q[s_a] E_q[s_b]`
//! (one matrix product); the pairs sharing an item are recomputed. Δ = ∂π/∂β is taken by central
//! differences (steps 1e-5·max(1, |β|)), as mirt does.
//!
//! SRMSR: the root mean square difference between the observed inter-item (Pearson) correlations
//! of the category scores and those the model implies (`E[X_j X_l]`, `E[X_j]`, `E[X_j²]`).

use super::fit::{quadratic_form_statistic, M2};
use super::polytomous::PolyItem;
use crate::data::MISSING;
use faer::linalg::matmul::matmul;
use faer::{get_global_parallelism, Accum, Mat};

/// Which margins to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Margins {
    /// M2* when it has degrees of freedom, else C2 (what a calibration reports).
    Auto,
    /// Item means and cross-products.
    M2Star,
    /// Category proportions and cross-products.
    C2,
}

/// One margin: its items with their category vectors.
type Margin = Vec<(usize, Vec<f64>)>;

/// The margins of M2* (`collapse_univariate`) or C2.
fn margins(categories: &[usize], collapse_univariate: bool) -> Vec<Margin> {
    let k = categories.len();
    let score = |j: usize| (0..categories[j]).map(|c| c as f64).collect::<Vec<f64>>();
    let mut out = Vec::new();
    for j in 0..k {
        if collapse_univariate {
            out.push(vec![(j, score(j))]);
        } else {
            for c in 1..categories[j] {
                let mut v = vec![0.0; categories[j]];
                v[c] = 1.0;
                out.push(vec![(j, v)]);
            }
        }
    }
    for j in 0..k {
        for l in j + 1..k {
            out.push(vec![(j, score(j)), (l, score(l))]);
        }
    }
    out
}

/// Number of margins of M2* and of C2 for items with these category counts.
pub fn margin_counts(categories: &[usize]) -> (usize, usize) {
    let k = categories.len();
    let pairs = k * k.saturating_sub(1) / 2;
    (
        k + pairs,
        categories.iter().map(|c| c - 1).sum::<usize>() + pairs,
    )
}

/// Category probabilities of every item at every node: `p[j][k * q + t]`.
fn probability_table(items: &[PolyItem], nodes: &[f64]) -> Vec<Vec<f64>> {
    let q = nodes.len();
    items
        .iter()
        .map(|it| {
            let k = it.categories();
            let mut out = vec![0.0; k * q];
            let mut p = vec![0.0; k];
            for (t, &theta) in nodes.iter().enumerate() {
                it.probs(theta, &mut p);
                for c in 0..k {
                    out[c * q + t] = p[c];
                }
            }
            out
        })
        .collect()
}

/// `E_q[s]` at every node for a margin given as items with category vectors.
fn conditional(prob: &[Vec<f64>], parts: &[(usize, &[f64])], q: usize, out: &mut [f64]) {
    out.iter_mut().for_each(|v| *v = 1.0);
    for &(j, v) in parts {
        for t in 0..q {
            let e: f64 = v
                .iter()
                .enumerate()
                .map(|(c, w)| w * prob[j][c * q + t])
                .sum();
            out[t] *= e;
        }
    }
}

/// The m x q matrix of `E_q[s_a]`.
fn margin_rows(prob: &[Vec<f64>], margins: &[Margin], q: usize) -> Mat<f64> {
    let mut rows = Mat::<f64>::zeros(margins.len(), q);
    let mut buf = vec![0.0; q];
    for (a, mg) in margins.iter().enumerate() {
        let parts: Vec<(usize, &[f64])> = mg.iter().map(|(j, v)| (*j, v.as_slice())).collect();
        conditional(prob, &parts, q, &mut buf);
        for t in 0..q {
            rows[(a, t)] = buf[t];
        }
    }
    rows
}

fn weighted_sums(rows: &Mat<f64>, weights: &[f64]) -> Vec<f64> {
    (0..rows.nrows())
        .map(|a| (0..weights.len()).map(|t| rows[(a, t)] * weights[t]).sum())
        .collect()
}

/// M2* or C2 (`which`; `Auto`: M2* when it has degrees of freedom, else C2) for complete data:
/// `codes` are category codes
/// (person-major, `n` persons, no missing), `items` the estimates, `nodes` and `weights` the
/// latent prior, `npar` the free parameters, and `params_at(β)` the items at internal
/// parameters β (for Δ), `beta` the estimates. None when neither has degrees of freedom or a
/// matrix is singular.
#[allow(clippy::too_many_arguments)]
pub fn m2_polytomous(
    codes: &[u8],
    n: usize,
    items: &[PolyItem],
    nodes: &[f64],
    weights: &[f64],
    beta: &[f64],
    params_at: &mut dyn FnMut(&[f64]) -> Vec<PolyItem>,
    which: Margins,
) -> Option<M2> {
    let k = items.len();
    let q = nodes.len();
    let npar = beta.len();
    let categories: Vec<usize> = items.iter().map(PolyItem::categories).collect();
    let (m_star, _) = margin_counts(&categories);
    let collapse = match which {
        Margins::Auto => m_star > npar,
        Margins::M2Star => true,
        Margins::C2 => false,
    };
    let name = match (collapse, categories.iter().all(|&c| c == 2)) {
        (_, true) => "M2",
        (true, false) => "M2*",
        (false, false) => "C2",
    };
    let margins = margins(&categories, collapse);
    let m = margins.len();
    if m <= npar || codes.len() != n * k || codes.contains(&MISSING) {
        return None;
    }
    let prob = probability_table(items, nodes);
    let rows = margin_rows(&prob, &margins, q);
    let pi = weighted_sums(&rows, weights);
    // Observed margins.
    let mut obs = vec![0.0; m];
    for x in codes.chunks_exact(k) {
        for (a, mg) in margins.iter().enumerate() {
            obs[a] += mg.iter().map(|(j, v)| v[x[*j] as usize]).product::<f64>();
        }
    }
    obs.iter_mut().for_each(|v| *v /= n as f64);
    // Ξ: Π W Πᵀ for disjoint margins, then the pairs sharing an item.
    let mut weighted = rows.clone();
    for a in 0..m {
        for t in 0..q {
            weighted[(a, t)] *= weights[t];
        }
    }
    let mut xi = Mat::<f64>::zeros(m, m);
    matmul(
        xi.as_mut(),
        Accum::Replace,
        rows.as_ref(),
        weighted.transpose(),
        1.0,
        get_global_parallelism(),
    );
    let mut by_item: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (a, mg) in margins.iter().enumerate() {
        for (j, _) in mg {
            by_item[*j].push(a);
        }
    }
    let mut buf = vec![0.0; q];
    let mut done = std::collections::HashSet::new();
    for list in &by_item {
        for &a in list {
            for &b in list {
                if b < a || !done.insert((a, b)) {
                    continue;
                }
                // The product statistic: shared items' vectors multiply elementwise.
                let mut merged: Vec<(usize, Vec<f64>)> = margins[a].clone();
                for (j, v) in &margins[b] {
                    match merged.iter_mut().find(|(i, _)| i == j) {
                        Some((_, w)) => w.iter_mut().zip(v).for_each(|(x, y)| *x *= y),
                        None => merged.push((*j, v.clone())),
                    }
                }
                let parts: Vec<(usize, &[f64])> =
                    merged.iter().map(|(j, v)| (*j, v.as_slice())).collect();
                conditional(&prob, &parts, q, &mut buf);
                let e: f64 = buf.iter().zip(weights).map(|(x, w)| x * w).sum();
                xi[(a, b)] = e;
                xi[(b, a)] = e;
            }
        }
    }
    for b in 0..m {
        for a in 0..m {
            xi[(a, b)] -= pi[a] * pi[b];
        }
    }
    // [e Δ], Δ by central differences of π.
    let mut rhs = Mat::<f64>::zeros(m, 1 + npar);
    for a in 0..m {
        rhs[(a, 0)] = obs[a] - pi[a];
    }
    let mut v = beta.to_vec();
    for i in 0..npar {
        let h = 1e-5 * beta[i].abs().max(1.0);
        v[i] = beta[i] + h;
        let up = weighted_sums(
            &margin_rows(&probability_table(&params_at(&v), nodes), &margins, q),
            weights,
        );
        v[i] = beta[i] - h;
        let dn = weighted_sums(
            &margin_rows(&probability_table(&params_at(&v), nodes), &margins, q),
            weights,
        );
        v[i] = beta[i];
        for a in 0..m {
            rhs[(a, 1 + i)] = (up[a] - dn[a]) / (2.0 * h);
        }
    }
    let (stat, df, p) = quadratic_form_statistic(xi, rhs, n, npar)?;
    let rmsea = crate::margins::rmsea(stat, df, n as f64 - 1.0);
    // SRMSR from observed and implied correlations of the category scores.
    let score_moments = |x: &dyn Fn(usize, usize) -> f64| -> Vec<f64> {
        (0..k)
            .map(|j| (0..categories[j]).map(|c| x(j, c)).sum())
            .collect()
    };
    let mean_obs: Vec<f64> = (0..k)
        .map(|j| codes.chunks_exact(k).map(|x| x[j] as f64).sum::<f64>() / n as f64)
        .collect();
    let sq_obs: Vec<f64> = (0..k)
        .map(|j| {
            codes
                .chunks_exact(k)
                .map(|x| (x[j] as f64).powi(2))
                .sum::<f64>()
                / n as f64
        })
        .collect();
    let marginal =
        |j: usize, c: usize| -> f64 { (0..q).map(|t| weights[t] * prob[j][c * q + t]).sum() };
    let mean_mod = score_moments(&|j, c| c as f64 * marginal(j, c));
    let sq_mod = score_moments(&|j, c| (c * c) as f64 * marginal(j, c));
    let first_pair = m - k * (k - 1) / 2;
    let corr = |mj: f64, ml: f64, sj: f64, sl: f64, x: f64| {
        (x - mj * ml) / ((sj - mj * mj) * (sl - ml * ml)).sqrt()
    };
    let mut ss = 0.0;
    let mut a = first_pair;
    for j in 0..k {
        for l in j + 1..k {
            let o = corr(mean_obs[j], mean_obs[l], sq_obs[j], sq_obs[l], obs[a]);
            let e = corr(mean_mod[j], mean_mod[l], sq_mod[j], sq_mod[l], pi[a]);
            ss += (o - e).powi(2);
            a += 1;
        }
    }
    let srmsr = (ss / (k * (k - 1) / 2) as f64).sqrt();
    Some(M2 {
        statistic: name,
        m2: stat,
        df,
        p,
        rmsea,
        rmsea_ci: crate::margins::rmsea_interval(stat, df, n as f64, 0.90),
        srmsr,
    })
}
