//! Absolute fit of a CDM, as GDINA's `modelfit` reports it (Maydeu-Olivares, 2013; Liu, Tian
//! & Xin, 2016; Hansen, Cai, Monroe & Li, 2016):
//!
//! - SRMSR, the standardized root mean squared residual of the item-pair correlations,
//!   `SRMSR = sqrt(Σ_{j<k} (r_jk − ρ_jk)² / (J(J − 1)/2))`, with `r_jk` the observed Pearson
//!   (phi) correlation of items j and k over the examinees answering both, and `ρ_jk` the
//!   model-implied one from the marginal success probabilities `P_j = Σ_c π_c P_jc` and
//!   `P_jk = Σ_c π_c P_jc P_kc`: `ρ_jk = (P_jk − P_j P_k) / sqrt(P_j(1 − P_j) P_k(1 − P_k))`.
//! - M2, the limited-information statistic on the univariate and bivariate margins (see
//!   [`crate::margins`]), `M2 = N e'Ce` with the margins' Jacobian Δ over every free parameter:
//!   the items' (on the scale they are estimated on, `∂P_jc/∂δ_f = h'(η) X_{g(c)f}`) and the
//!   attribute distribution's (saturated: `π_c − π_L` for c < L, as GDINA; independent and
//!   higher-order: the chain rule through the class proportions). Observed margins are
//!   proportions over the examinees answering the item (pair), as GDINA; N is every examinee.
//!   df = J(J + 1)/2 − npar; `RMSEA2 = √(max(M2 − df, 0)/(N df))` (GDINA divides by N) with its
//!   90% interval.

use super::estimation::CdmEm;
use super::higher_order;
use super::AttributeDistribution;
use crate::data::{ResponseMatrix, MISSING};
use crate::margins::{
    binary_margins, binary_moments, item_pairs, pair_index, quadratic_form_statistic, rmsea,
    rmsea_interval, M2,
};
use faer::Mat;

/// Pairwise counts of a binary response matrix, each over the examinees answering both items
/// (the diagonal over those answering the item): computed on bit sets, 64 examinees a word.
pub struct PairCounts {
    k: usize,
    /// `[j·k + l]`: examinees answering both j and l.
    answered: Vec<u64>,
    /// `[j·k + l]`: examinees with 1 on both.
    ones: Vec<u64>,
    /// `[j·k + l]`: examinees with 1 on j among those answering l.
    given: Vec<u64>,
}

impl PairCounts {
    /// The counts of a 0/1 response matrix (missing allowed).
    pub fn new(data: &ResponseMatrix) -> PairCounts {
        let k = data.n_items();
        let words = data.n_persons().div_ceil(64);
        let mut answered = vec![0u64; k * words];
        let mut correct = vec![0u64; k * words];
        for (i, row) in data.codes().chunks_exact(k.max(1)).enumerate() {
            let (w, bit) = (i / 64, 1u64 << (i % 64));
            for (j, &x) in row.iter().enumerate() {
                if x != MISSING {
                    answered[j * words + w] |= bit;
                    if x == 1 {
                        correct[j * words + w] |= bit;
                    }
                }
            }
        }
        let mut out = PairCounts {
            k,
            answered: vec![0; k * k],
            ones: vec![0; k * k],
            given: vec![0; k * k],
        };
        for j in 0..k {
            let (aj, cj) = (
                &answered[j * words..(j + 1) * words],
                &correct[j * words..(j + 1) * words],
            );
            for l in j..k {
                let (al, cl) = (
                    &answered[l * words..(l + 1) * words],
                    &correct[l * words..(l + 1) * words],
                );
                let (mut n, mut ones, mut gj, mut gl) = (0u64, 0u64, 0u64, 0u64);
                for w in 0..words {
                    n += u64::from((aj[w] & al[w]).count_ones());
                    ones += u64::from((cj[w] & cl[w]).count_ones());
                    gj += u64::from((cj[w] & al[w]).count_ones());
                    gl += u64::from((aj[w] & cl[w]).count_ones());
                }
                for (a, b) in [(j, l), (l, j)] {
                    out.answered[a * k + b] = n;
                    out.ones[a * k + b] = ones;
                }
                out.given[j * k + l] = gj;
                out.given[l * k + j] = gl;
            }
        }
        out
    }

    /// Proportion of 1s on item j among those answering it (NaN when nobody did).
    pub fn proportion(&self, j: usize) -> f64 {
        self.ones[j * self.k + j] as f64 / self.answered[j * self.k + j] as f64
    }

    /// Proportion of examinees with 1 on both j and l among those answering both.
    pub fn joint(&self, j: usize, l: usize) -> f64 {
        self.ones[j * self.k + l] as f64 / self.answered[j * self.k + l] as f64
    }

    /// Examinees answering both j and l.
    pub fn both_answered(&self, j: usize, l: usize) -> u64 {
        self.answered[j * self.k + l]
    }

    /// The Pearson (phi) correlation of j and l over the examinees answering both (NaN when
    /// undefined).
    pub fn correlation(&self, j: usize, l: usize) -> f64 {
        let k = self.k;
        let n = self.answered[j * k + l] as f64;
        let (mj, ml) = (
            self.given[j * k + l] as f64 / n,
            self.given[l * k + j] as f64 / n,
        );
        (self.ones[j * k + l] as f64 / n - mj * ml) / (mj * (1.0 - mj) * ml * (1.0 - ml)).sqrt()
    }
}

/// The SRMSR of the model with per-item, per-class success probabilities `p` (`p[j][c]`) and
/// class proportions `pi`, against the observed `counts`; `None` with fewer than two items or
/// when a correlation is undefined (an item constant among the examinees answering a pair).
pub fn srmsr(counts: &PairCounts, p: &[Vec<f64>], pi: &[f64]) -> Option<f64> {
    let nj = p.len();
    if nj < 2 {
        return None;
    }
    let marginal: Vec<f64> = p
        .iter()
        .map(|pj| pj.iter().zip(pi).map(|(a, w)| a * w).sum())
        .collect();
    let mut sum = 0.0;
    for (j, k) in item_pairs(nj) {
        let joint: f64 = p[j]
            .iter()
            .zip(&p[k])
            .zip(pi)
            .map(|((a, b), w)| a * b * w)
            .sum();
        let (pj, pk) = (marginal[j], marginal[k]);
        let implied = (joint - pj * pk) / (pj * (1.0 - pj) * pk * (1.0 - pk)).sqrt();
        let d = counts.correlation(j, k) - implied;
        if !d.is_finite() {
            return None;
        }
        sum += d * d;
    }
    Some((sum / (nj * (nj - 1) / 2) as f64).sqrt())
}

/// The derivatives of the class proportions with respect to the attribute distribution's free
/// parameters (row-major, classes x s), for the independent and higher-order distributions:
/// independent, on the logit of each prevalence p_a, `∂π_c/∂logit p_a = π_c (α_ca − p_a)`;
/// higher-order, [`higher_order::class_proportion_jacobian`]. (The saturated distribution's,
/// `e_c − e_L`, is applied directly in [`m2`].)
fn population_jacobian(problem: &CdmEm<'_>) -> Vec<f64> {
    let (classes, k, pi) = (problem.classes, problem.n_attributes, &problem.pi);
    match problem.distribution {
        AttributeDistribution::Saturated => Vec::new(),
        AttributeDistribution::Independent => {
            let prevalence: Vec<f64> = (0..k)
                .map(|a| {
                    classes
                        .iter()
                        .zip(pi)
                        .filter(|(&m, _)| m >> a & 1 == 1)
                        .map(|(_, p)| p)
                        .sum()
                })
                .collect();
            let mut s = vec![0.0; classes.len() * k];
            for (c, &m) in classes.iter().enumerate() {
                for a in 0..k {
                    let alpha = f64::from((m >> a & 1) as u8);
                    s[c * k + a] = pi[c] * (alpha - prevalence[a]);
                }
            }
            s
        }
        AttributeDistribution::HigherOrder => {
            higher_order::class_proportion_jacobian(classes, k, &problem.lambda)
        }
    }
}

/// The number of free parameters of the attribute distribution.
fn population_parameters(problem: &CdmEm<'_>) -> usize {
    let k = problem.n_attributes;
    match problem.distribution {
        AttributeDistribution::Saturated => problem.n_classes - 1,
        AttributeDistribution::Independent => k,
        AttributeDistribution::HigherOrder => 2 * k,
    }
}

/// The margins' Jacobian Δ (m x npar, columns: each item's free parameters in order, then the
/// attribute distribution's) at `problem`'s estimates, with `slopes[j][g] = h'(η)` of item j's
/// reduced group g and `prod` the margins' products over the classes (m x L, see
/// [`crate::margins::BinaryMoments`]). Written into columns `1..` of `rhs`.
fn margin_jacobian(problem: &CdmEm<'_>, slopes: &[Vec<f64>], prod: &[f64], rhs: &mut Mat<f64>) {
    let (k, l) = (problem.n_items, problem.n_classes);
    let pi = &problem.pi;
    let mut col = 1;
    let mut d = Vec::new();
    for j in 0..k {
        let design = &problem.designs[j];
        let np = design.n_params;
        // ∂P_jc/∂δ_f for every class c, parameter-major.
        d.clear();
        d.resize(np * l, 0.0);
        for (c, &g) in problem.group[j].iter().enumerate() {
            let g = g as usize;
            for &(f, x) in &design.rows[g] {
                d[f * l + c] += slopes[j][g] * x;
            }
        }
        for f in 0..np {
            let row = &d[f * l..(f + 1) * l];
            rhs[(j, col + f)] = row.iter().zip(pi).map(|(a, w)| a * w).sum();
            for other in (0..k).filter(|&o| o != j) {
                let p_other = &prod[other * l..(other + 1) * l];
                rhs[(pair_index(k, j, other), col + f)] = row
                    .iter()
                    .zip(p_other)
                    .zip(pi)
                    .map(|((a, b), w)| a * b * w)
                    .sum();
            }
        }
        col += np;
    }
    let m = binary_margins(k);
    let (s, jac) = (population_parameters(problem), population_jacobian(problem));
    for a in 0..m {
        let row = &prod[a * l..(a + 1) * l];
        if problem.distribution == AttributeDistribution::Saturated {
            for c in 0..s {
                rhs[(a, col + c)] = row[c] - row[l - 1];
            }
        } else {
            for t in 0..s {
                rhs[(a, col + t)] = (0..l).map(|c| row[c] * jac[c * s + t]).sum();
            }
        }
    }
}

/// M2 of the fitted `problem` (see the module documentation) on `n` examinees with pairwise
/// `counts`; `by_class[j][c]` is item j's success probability in class c, `srmsr` the fit's
/// SRMSR ([`srmsr`]), `slopes[j][g]` `dP/dη` of item j's reduced group g. `Err` says why it is not
/// defined: no degrees of freedom, an item pair nobody answered, a constant item, a singular Ξ.
pub fn m2(
    counts: &PairCounts,
    n: usize,
    problem: &CdmEm<'_>,
    by_class: &[Vec<f64>],
    srmsr: Option<f64>,
    slopes: &[Vec<f64>],
) -> Result<M2, String> {
    let k = problem.n_items;
    let m = binary_margins(k);
    let npar_items: usize = problem.designs.iter().map(|d| d.n_params).sum();
    let npar_population = population_parameters(problem);
    let npar = npar_items + npar_population;
    if m <= npar {
        return Err(format!(
            "M2 has no degrees of freedom: the {k} items have {m} univariate and bivariate margins, no more than the {npar} free parameters ({npar_items} of the items, {npar_population} of the attribute distribution). An independent or higher-order attribute distribution has fewer parameters."
        ));
    }
    if let Some((j, o)) = item_pairs(k)
        .into_iter()
        .find(|&(j, o)| counts.both_answered(j, o) == 0)
    {
        return Err(format!(
            "M2 needs every pair of items answered by someone: no examinee answered both item {} and item {}.",
            j + 1,
            o + 1
        ));
    }
    let prob: Vec<f64> = by_class.concat();
    let moments = binary_moments(&prob, k, &problem.pi);
    let mut rhs = Mat::<f64>::zeros(m, 1 + npar);
    for j in 0..k {
        rhs[(j, 0)] = counts.proportion(j) - moments.pi[j];
    }
    for (i, (j, o)) in item_pairs(k).into_iter().enumerate() {
        rhs[(k + i, 0)] = counts.joint(j, o) - moments.pi[k + i];
    }
    margin_jacobian(problem, slopes, &moments.prod, &mut rhs);
    let srmsr = srmsr.ok_or_else(|| {
        "M2 is not computed: an item is constant among the examinees answering one of its pairs, so a correlation is undefined.".to_string()
    })?;
    let (stat, df, p) = quadratic_form_statistic(moments.xi, rhs, n, npar).ok_or_else(|| {
        "M2 is not computed: the covariance matrix of the margins or the information of the parameters is singular (parameters not identified by the margins).".to_string()
    })?;
    Ok(M2 {
        statistic: "M2",
        m2: stat,
        df,
        p,
        rmsea: rmsea(stat, df, n as f64),
        rmsea_ci: rmsea_interval(stat, df, n as f64, 0.90),
        srmsr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdm::design::Link;
    use crate::cdm::estimation::independent;
    use crate::cdm::patterns::attribute_patterns;
    use crate::cdm::CdmModel;

    /// The model-implied margins (univariate, then pairs) at success probabilities `p[j][c]`
    /// and class proportions `pi`.
    fn margins_at(p: &[Vec<f64>], pi: &[f64]) -> Vec<f64> {
        let k = p.len();
        let mut out: Vec<f64> = (0..k)
            .map(|j| p[j].iter().zip(pi).map(|(a, w)| a * w).sum())
            .collect();
        for (j, l) in item_pairs(k) {
            out.push((0..pi.len()).map(|c| pi[c] * p[j][c] * p[l][c]).sum());
        }
        out
    }

    #[test]
    fn margin_jacobian_matches_finite_differences() {
        // Every model and attribute distribution, K = 3, five items: Δ (items' parameters on
        // their estimation scale, then the distribution's) against central differences of the
        // margins.
        let k = 3;
        let classes = attribute_patterns(k);
        let required = vec![vec![0], vec![1, 2], vec![0, 1], vec![2], vec![0, 1, 2]];
        let nj = required.len();
        let (codes, counts) = (vec![0u8; nj], vec![1.0]);
        for model in CdmModel::ALL {
            for distribution in [
                AttributeDistribution::Saturated,
                AttributeDistribution::Independent,
                AttributeDistribution::HigherOrder,
            ] {
                let probs: Vec<Vec<f64>> = required
                    .iter()
                    .enumerate()
                    .map(|(j, r)| {
                        let g = 1usize << r.len();
                        (0..g)
                            .map(|l| 0.1 + 0.7 * (l as f64 + 0.3 * j as f64) / g as f64)
                            .collect()
                    })
                    .collect();
                let pi0 = independent(&classes, &[0.4, 0.6, 0.55]);
                let mut problem = CdmEm::new(
                    &codes,
                    &counts,
                    nj,
                    &classes,
                    k,
                    &required,
                    model,
                    distribution,
                    (1e-4, 0.9999),
                    probs,
                    pi0.clone(),
                );
                match distribution {
                    AttributeDistribution::Saturated => {
                        // Not a product: every class its own proportion.
                        let raw: Vec<f64> = (0..8).map(|c| 1.0 + (c * 5 % 7) as f64).collect();
                        let total: f64 = raw.iter().sum();
                        problem.pi = raw.iter().map(|v| v / total).collect();
                    }
                    AttributeDistribution::Independent => problem.pi = pi0.clone(),
                    AttributeDistribution::HigherOrder => {
                        problem.lambda = vec![-0.3, 1.2, 0.4, 0.8, 0.1, 1.5];
                        problem.pi = higher_order::class_proportions(&classes, k, &problem.lambda);
                    }
                }
                let link = problem.additive_link.unwrap_or(Link::Identity);
                // Each item's free parameters δ: the additive models', or the identity models'
                // probabilities of the first reduced group of each column.
                let deltas: Vec<Vec<f64>> = (0..nj)
                    .map(|j| match problem.additive_link {
                        Some(_) => problem.deltas[j].clone(),
                        None => {
                            let d = &problem.designs[j];
                            (0..d.n_params)
                                .map(|f| {
                                    let g =
                                        d.rows.iter().position(|r| r.iter().any(|&(e, _)| e == f));
                                    problem.probs[j][g.unwrap()]
                                })
                                .collect()
                        }
                    })
                    .collect();
                let by_class = |deltas: &[Vec<f64>]| -> Vec<Vec<f64>> {
                    (0..nj)
                        .map(|j| {
                            problem.group[j]
                                .iter()
                                .map(|&g| link.prob(problem.designs[j].eta(g as usize, &deltas[j])))
                                .collect()
                        })
                        .collect()
                };
                // DINA and DINO tie groups together: the probabilities are the design's.
                for j in 0..nj {
                    for g in 0..problem.probs[j].len() {
                        problem.probs[j][g] = link.prob(problem.designs[j].eta(g, &deltas[j]));
                    }
                }
                let base = by_class(&deltas);
                for j in 0..nj {
                    for (c, &g) in problem.group[j].iter().enumerate() {
                        assert!(
                            (base[j][c] - problem.probs[j][g as usize]).abs() < 1e-12,
                            "{model:?}"
                        );
                    }
                }
                let slopes: Vec<Vec<f64>> = problem
                    .probs
                    .iter()
                    .map(|p| p.iter().map(|&v| link.slope(v)).collect())
                    .collect();
                let prob: Vec<f64> = base.iter().flatten().copied().collect();
                let moments = binary_moments(&prob, nj, &problem.pi);
                let npar_items: usize = problem.designs.iter().map(|d| d.n_params).sum();
                let npar = npar_items + population_parameters(&problem);
                let m = binary_margins(nj);
                let mut rhs = Mat::<f64>::zeros(m, 1 + npar);
                margin_jacobian(&problem, &slopes, &moments.prod, &mut rhs);
                let h = 1e-6;
                let check = |col: usize, up: Vec<f64>, dn: Vec<f64>| {
                    for a in 0..m {
                        let fd = (up[a] - dn[a]) / (2.0 * h);
                        assert!(
                            (fd - rhs[(a, 1 + col)]).abs() < 1e-7,
                            "{model:?} {distribution:?} column {col} margin {a}: {fd} vs {}",
                            rhs[(a, 1 + col)]
                        );
                    }
                };
                let mut col = 0;
                for j in 0..nj {
                    for f in 0..deltas[j].len() {
                        let mut up = deltas.clone();
                        let mut dn = deltas.clone();
                        up[j][f] += h;
                        dn[j][f] -= h;
                        check(
                            col,
                            margins_at(&by_class(&up), &problem.pi),
                            margins_at(&by_class(&dn), &problem.pi),
                        );
                        col += 1;
                    }
                }
                let shifted = |t: usize, s: f64| -> Vec<f64> {
                    match distribution {
                        AttributeDistribution::Saturated => {
                            let mut pi = problem.pi.clone();
                            pi[t] += s;
                            pi[7] -= s;
                            pi
                        }
                        AttributeDistribution::Independent => {
                            let mut logit: Vec<f64> = [0.4f64, 0.6, 0.55]
                                .iter()
                                .map(|p| (p / (1.0 - p)).ln())
                                .collect();
                            logit[t] += s;
                            let prev: Vec<f64> =
                                logit.iter().map(|x| 1.0 / (1.0 + (-x).exp())).collect();
                            independent(&classes, &prev)
                        }
                        AttributeDistribution::HigherOrder => {
                            let mut lambda = problem.lambda.clone();
                            lambda[t] += s;
                            higher_order::class_proportions(&classes, k, &lambda)
                        }
                    }
                };
                for t in 0..population_parameters(&problem) {
                    check(
                        col + t,
                        margins_at(&base, &shifted(t, h)),
                        margins_at(&base, &shifted(t, -h)),
                    );
                }
            }
        }
    }

    #[test]
    fn pair_counts_match_a_direct_count() {
        // 70 examinees (two bit-set words), four items, some missing.
        let k = 4;
        let codes: Vec<u8> = (0..70 * k)
            .map(|i| match (i * 7 + i / 5) % 11 {
                0 => MISSING,
                r => u8::from(r % 3 == 0 || r == 5),
            })
            .collect();
        let items: Vec<String> = (1..=k).map(|j| format!("I{j}")).collect();
        let data = ResponseMatrix::from_codes(items, codes.clone(), "t.csv").unwrap();
        let counts = PairCounts::new(&data);
        for j in 0..k {
            for l in 0..k {
                let rows: Vec<&[u8]> = codes
                    .chunks_exact(k)
                    .filter(|r| r[j] != MISSING && r[l] != MISSING)
                    .collect();
                let n = rows.len() as f64;
                let both = rows.iter().filter(|r| r[j] == 1 && r[l] == 1).count() as f64;
                assert_eq!(counts.both_answered(j, l), rows.len() as u64);
                assert!((counts.joint(j, l) - both / n).abs() < 1e-15);
                if j != l {
                    let x: Vec<f64> = rows.iter().map(|r| f64::from(r[j])).collect();
                    let y: Vec<f64> = rows.iter().map(|r| f64::from(r[l])).collect();
                    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
                    let cov: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
                    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
                    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
                    let r = cov / (vx * vy).sqrt();
                    assert!((counts.correlation(j, l) - r).abs() < 1e-12);
                }
            }
        }
    }
}
