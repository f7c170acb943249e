//! Summed-score item fit: Orlando & Thissen's (2000) S-X2 for 0/1 items and its generalisation
//! to polytomous items (Kang & Chen, 2008).
//!
//! For item j with categories c = 0..K_j−1 and the summed score s of the whole test, the
//! expected number of examinees with score s answering in category c is
//!
//! `E_sc = N_s · Σ_t w_t P_jc(θ_t) f^{(−j)}(s − c | θ_t) / Σ_t w_t f(s | θ_t)`,
//!
//! where `f(s | θ)` is the summed-score likelihood of the whole test and `f^{(−j)}` that of the
//! test without item j, both by the generalised Lord-Wingersky (1984) recursion
//! `f_s ← Σ_c f_{s−c} P_c(θ)`, and `w_t` the latent distribution's quadrature weights.
//! `S-X2 = Σ_s Σ_c (O_sc − E_sc)² / E_sc` over the score groups left after pooling.
//!
//! Pooling. The scores 0 and the maximum are left out (they carry no information on the item).
//! For a 0/1 item, adjacent score groups are pooled from each end inwards while one of the
//! group's two expected counts is below `min_cell` (as mirt). For a polytomous item, the score
//! groups in which not every category is possible (s < K_j − 1 or s > max − (K_j − 1)) are first
//! pooled into the nearest group in which all are (Kang & Chen, 2008); then, within each score
//! group with an expected count below `min_cell`, the smallest category is pooled into its
//! smaller neighbour until every count reaches `min_cell` (as the PyPI package mirt). Score
//! groups nobody reached are left out. Degrees of freedom: the number of independent category
//! contrasts left (categories − 1 per score group) minus the number of estimated parameters the
//! item's probabilities depend on, counting a parameter shared by several items (a common slope,
//! a latent variance or mean, rating-scale thresholds) fully for each of them, as mirt does.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

/// S-X2 item fit of one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SX2 {
    /// Item name.
    pub item: String,
    /// The group whose examinees the statistic is for (multiple-group calibrations; absent
    /// otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The statistic (null when the item has no score group in which all its categories are
    /// possible).
    pub s_x2: Option<f64>,
    /// Degrees of freedom: category contrasts left after pooling minus the estimated parameters
    /// the item depends on (0 when that is not positive).
    pub df: usize,
    /// Upper-tail chi-square probability (null when df = 0).
    pub p: Option<f64>,
    /// RMSEA of the item, √(max(S-X2 − df, 0) / (df (N − 1))) (null when df = 0).
    pub rmsea: Option<f64>,
}

/// The inputs of [`s_x2`] for one test: complete category codes and the model's category
/// probabilities at the quadrature nodes.
pub struct SummedScoreFit<'a> {
    /// Category codes (0..K_j−1), `n × k` row-major, no missing cells.
    pub codes: &'a [u8],
    /// Item names, k of them.
    pub names: &'a [String],
    /// Per item, `P_jc(θ_t)` stored at `c·q + t` (K_j·q values).
    pub probs: &'a [Vec<f64>],
    /// Normalised quadrature weights of the latent distribution at the q nodes.
    pub weights: &'a [f64],
    /// Per item, the number of estimated parameters its probabilities depend on.
    pub free: &'a [usize],
    /// The group the examinees belong to, copied into each result.
    pub group: Option<&'a str>,
}

/// Category probability tables of `items` at `nodes`: per item `P_c(θ_t)` at `c·q + t`, the
/// layout [`lord_wingersky_nodes`] and [`SummedScoreFit::probs`] take.
pub fn category_tables(items: &[&crate::irt::PolyItem], nodes: &[f64]) -> Vec<Vec<f64>> {
    let q = nodes.len();
    items
        .iter()
        .map(|it| {
            let k = it.categories();
            let mut table = vec![0.0; k * q];
            let mut p = vec![0.0; k];
            for (t, &theta) in nodes.iter().enumerate() {
                it.probs(theta, &mut p);
                (0..k).for_each(|c| table[c * q + t] = p[c]);
            }
            table
        })
        .collect()
}

/// Summed-score likelihoods by the generalised Lord-Wingersky recursion at every node at once:
/// `f[s·q + t]` for s = 0..=Σ(K_j − 1), from the category probability tables of `items`
/// (`P_c(θ_t)` at `c·q + t`). The update `f_s ← Σ_c f_{s−c} P_c` runs over the nodes, so it
/// vectorises.
pub fn lord_wingersky_nodes<'a>(items: impl Iterator<Item = &'a [f64]>, q: usize) -> Vec<f64> {
    let mut f = vec![1.0; q];
    let mut max = 0;
    for p in items {
        let k = p.len() / q;
        let mut next = vec![0.0; (max + k) * q];
        for s in 0..=max {
            let prev = &f[s * q..(s + 1) * q];
            for c in 0..k {
                let pc = &p[c * q..(c + 1) * q];
                let out = &mut next[(s + c) * q..(s + c + 1) * q];
                for t in 0..q {
                    out[t] += prev[t] * pc[t];
                }
            }
        }
        max += k - 1;
        f = next;
    }
    f
}

/// One score group's observed and expected counts per category.
#[derive(Clone)]
struct Row {
    observed: Vec<f64>,
    expected: Vec<f64>,
}

impl Row {
    fn add(&mut self, other: &Row) {
        self.observed
            .iter_mut()
            .zip(&other.observed)
            .for_each(|(a, b)| *a += b);
        self.expected
            .iter_mut()
            .zip(&other.expected)
            .for_each(|(a, b)| *a += b);
    }
    fn sparse(&self, min_cell: f64) -> bool {
        self.expected.iter().any(|&e| e < min_cell)
    }
}

/// Pools adjacent score groups from each end inwards while one of a group's expected counts is
/// below `min_cell` (the rule for 0/1 items).
fn pool_rows_from_ends(rows: &mut Vec<Row>, min_cell: f64) {
    while rows.len() > 1 && rows[0].sparse(min_cell) {
        let r = rows.remove(0);
        rows[0].add(&r);
    }
    while rows.len() > 1 && rows[rows.len() - 1].sparse(min_cell) {
        if let Some(r) = rows.pop() {
            let last = rows.len() - 1;
            rows[last].add(&r);
        }
    }
}

/// Pools the categories of one score group: while a count is below `min_cell`, the smallest
/// (the first of equals) joins its smaller neighbour (the lower one on a tie; an end category its
/// only neighbour).
fn pool_categories(row: &mut Row, min_cell: f64) {
    while row.expected.len() > 1 {
        let (c, &m) = row
            .expected
            .iter()
            .enumerate()
            .fold((0, &f64::INFINITY), |best, (i, e)| {
                if *e < *best.1 {
                    (i, e)
                } else {
                    best
                }
            });
        if m >= min_cell {
            break;
        }
        let last = row.expected.len() - 1;
        let to = if c == 0 {
            1
        } else if c == last || row.expected[c - 1] <= row.expected[c + 1] {
            c - 1
        } else {
            c + 1
        };
        row.expected[to] += row.expected[c];
        row.observed[to] += row.observed[c];
        row.expected.remove(c);
        row.observed.remove(c);
    }
}

/// S-X2 for every item (see the module documentation), with pooling threshold `min_cell`
/// (mirt's default is 1).
pub fn s_x2(input: &SummedScoreFit<'_>, min_cell: f64) -> Vec<SX2> {
    let k = input.names.len();
    let q = input.weights.len();
    let cats: Vec<usize> = input.probs.iter().map(|p| p.len() / q).collect();
    let max: usize = cats.iter().map(|c| c - 1).sum();
    let n = input.codes.len().checked_div(k).unwrap_or(0);
    // Observed: examinees per summed score, and per item the counts by score and category.
    let mut n_s = vec![0.0; max + 1];
    let mut observed: Vec<Vec<f64>> = cats.iter().map(|c| vec![0.0; (max + 1) * c]).collect();
    for row in input.codes.chunks_exact(k.max(1)) {
        let s: usize = row.iter().map(|&c| c as usize).sum();
        n_s[s] += 1.0;
        for (j, &c) in row.iter().enumerate() {
            observed[j][s * cats[j] + c as usize] += 1.0;
        }
    }
    let full = lord_wingersky_nodes(input.probs.iter().map(|p| p.as_slice()), q);
    let marginal: Vec<f64> = (0..=max)
        .map(|s| (0..q).map(|t| input.weights[t] * full[s * q + t]).sum())
        .collect();
    crate::parallel::map_indices(k, |j| {
        let kj = cats[j];
        let rest = lord_wingersky_nodes(
            (0..k)
                .filter(|&i| i != j)
                .map(|i| input.probs[i].as_slice()),
            q,
        );
        let rest_max = max - (kj - 1);
        let p = &input.probs[j];
        let mut rows: Vec<Row> = (1..max)
            .map(|s| {
                let expected = (0..kj)
                    .map(|c| {
                        if c > s || s - c > rest_max || marginal[s] <= 0.0 {
                            return 0.0;
                        }
                        let num: f64 = (0..q)
                            .map(|t| input.weights[t] * p[c * q + t] * rest[(s - c) * q + t])
                            .sum();
                        n_s[s] * num / marginal[s]
                    })
                    .collect();
                Row {
                    observed: observed[j][s * kj..(s + 1) * kj].to_vec(),
                    expected,
                }
            })
            .collect();
        let result = |stat: Option<f64>, contrasts: usize| {
            let df = contrasts.saturating_sub(input.free[j]);
            let chi = |d: &ChiSquared, x: f64| 1.0 - d.cdf(x);
            let (p, rmsea) = match stat {
                Some(x) if df > 0 => (
                    ChiSquared::new(df as f64).ok().map(|d| chi(&d, x)),
                    Some(((x - df as f64).max(0.0) / (df as f64 * (n as f64 - 1.0))).sqrt()),
                ),
                _ => (None, None),
            };
            SX2 {
                item: input.names[j].clone(),
                group: input.group.map(str::to_string),
                s_x2: stat,
                df,
                p,
                rmsea,
            }
        };
        if kj > 2 {
            // Score groups s = 1..max−1 are rows 0..max−2; all categories are possible for
            // s in [K_j − 1, max − (K_j − 1)].
            let (low, high) = (kj - 1, max.saturating_sub(kj - 1));
            if high < low || max < 2 {
                return result(None, 0);
            }
            let (low, high) = (low - 1, high - 1);
            let mut pooled = rows[low..=high].to_vec();
            for r in &rows[..low] {
                pooled[0].add(r);
            }
            let last = pooled.len() - 1;
            for r in &rows[high + 1..] {
                pooled[last].add(r);
            }
            rows = pooled;
        }
        rows.retain(|r| r.observed.iter().sum::<f64>() > 0.0);
        if kj == 2 {
            pool_rows_from_ends(&mut rows, min_cell);
        } else {
            for r in rows.iter_mut().filter(|r| r.sparse(min_cell)) {
                pool_categories(r, min_cell);
            }
        }
        let mut stat = 0.0;
        let mut contrasts = 0;
        for r in &rows {
            let mut positive = 0;
            for (&o, &e) in r.observed.iter().zip(&r.expected) {
                if e > 0.0 {
                    positive += 1;
                    stat += (o - e).powi(2) / e;
                } else if o > 0.0 {
                    stat = f64::INFINITY;
                }
            }
            contrasts += positive.max(1) - 1;
        }
        if rows.is_empty() {
            return result(None, 0);
        }
        result(Some(stat), contrasts)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lord_wingersky_gives_the_score_distribution() {
        // One node; a 0/1 item with P = .3 and a three-category item with (.2, .5, .3).
        let f = lord_wingersky_nodes([&[0.7, 0.3][..], &[0.2, 0.5, 0.3][..]].into_iter(), 1);
        let expect = [0.14, 0.35 + 0.06, 0.21 + 0.15, 0.09];
        assert_eq!(f.len(), 4);
        for (a, b) in f.iter().zip(expect) {
            assert!((a - b).abs() < 1e-15, "{f:?}");
        }
    }

    #[test]
    fn categories_pool_into_the_smaller_neighbour() {
        let mut r = Row {
            observed: vec![1.0, 5.0, 0.0, 9.0],
            expected: vec![2.0, 4.0, 0.5, 8.0],
        };
        pool_categories(&mut r, 1.0);
        // 0.5 joins 4.0 (smaller than 8.0); then every count is at least 1.
        assert_eq!(r.expected, vec![2.0, 4.5, 8.0]);
        assert_eq!(r.observed, vec![1.0, 5.0, 9.0]);
        pool_categories(&mut r, 3.0);
        assert_eq!(r.expected, vec![6.5, 8.0]);
        assert_eq!(r.observed, vec![6.0, 9.0]);
    }
}
