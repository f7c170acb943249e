//! Exact integer moments of a response matrix, and the covariances the item analysis needs.
//!
//! Sums of scores, squares and cross-products are accumulated in integers, so every mean and
//! covariance is exact up to one final division: the results do not depend on summation order,
//! and native and WebAssembly builds agree to the last bit.

use super::MissingHandling;
use crate::data::{ResponseMatrix, MISSING};
use crate::error::Warning;
use crate::math::covariance_from_sums;

/// The largest number of items for which the pairwise covariance matrix is formed when data are
/// missing (its accumulators take 16·k² bytes).
pub const MAX_PAIRWISE_ITEMS: usize = 2000;

/// Total-score statistics of the examinees used.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub n: usize,
    pub sum: u128,
    pub sum_sq: u128,
    pub min: u64,
    pub max: u64,
    /// counts[s] = examinees with total s, for s in 0..=max_possible.
    pub counts: Vec<usize>,
}

impl Totals {
    fn new(max_possible: u64) -> Totals {
        Totals {
            min: u64::MAX,
            counts: vec![0; max_possible as usize + 1],
            ..Default::default()
        }
    }

    fn add(&mut self, t: u64) {
        self.n += 1;
        self.sum += t as u128;
        self.sum_sq += (t as u128) * (t as u128);
        self.min = self.min.min(t);
        self.max = self.max.max(t);
        self.counts[t as usize] += 1;
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        self.sum as f64 / self.n as f64
    }

    pub fn variance(&self) -> Option<f64> {
        covariance_from_sums(self.n as u64, self.sum, self.sum, self.sum_sq)
    }

    pub fn sd(&self) -> Option<f64> {
        self.variance().map(|v| v.max(0.0).sqrt())
    }
}

/// Everything the item analysis derives its statistics from.
#[derive(Debug, Clone)]
pub struct Moments {
    /// Examinees used.
    pub n_used: usize,
    /// Per item: examinees who answered (among those used).
    pub n: Vec<usize>,
    /// Per item: sum of scores.
    pub sum: Vec<u64>,
    /// Per item: frequency of each score 0..=max (at least two entries).
    pub freq: Vec<Vec<usize>>,
    /// Per item: sample variance `v_j = C_jj` (None with fewer than two answers).
    pub item_var: Vec<Option<f64>>,
    /// Per item: `c_j = Σ_k C_jk`, the covariance of the item with the total score.
    pub item_total_cov: Vec<f64>,
    /// `V = Σ_jk C_jk`, the variance of the total score.
    pub total_cov: f64,
    /// Observed total scores of the examinees used.
    pub totals: Totals,
    /// Sum of the items' maximum scores (each at least 1).
    pub max_possible: u64,
    /// Findings such as item pairs nobody answered together.
    pub warnings: Vec<Warning>,
}

impl Moments {
    /// Accumulates the moments. With complete data (or listwise deletion) in one pass of O(N·k);
    /// with missing data and pairwise handling the pairwise covariance matrix costs O(N·k²).
    pub fn compute(data: &ResponseMatrix, missing: MissingHandling) -> Moments {
        let k = data.n_items();
        let max_possible: u64 = data.max_scores().iter().map(|&m| m.max(1) as u64).sum();
        let mut m = Moments {
            n_used: 0,
            n: vec![0; k],
            sum: vec![0; k],
            freq: data
                .max_scores()
                .iter()
                .map(|&mx| vec![0; (mx as usize + 1).max(2)])
                .collect(),
            item_var: vec![None; k],
            item_total_cov: vec![0.0; k],
            total_cov: 0.0,
            totals: Totals::new(max_possible),
            max_possible,
            warnings: Vec::new(),
        };
        if missing == MissingHandling::Pairwise && data.has_missing() {
            m.pairwise(data);
        } else {
            m.complete(data);
        }
        // Trim trailing zero frequencies above the observed maximum of the examinees used.
        for f in m.freq.iter_mut() {
            while f.len() > 2 && f.last() == Some(&0) {
                f.pop();
            }
        }
        m
    }

    /// Examinees with every item answered (all of them when nothing is missing).
    fn complete(&mut self, data: &ResponseMatrix) {
        let k = data.n_items();
        let mut sum_sq = vec![0u128; k];
        let mut sum_xt = vec![0u128; k];
        for p in 0..data.n_persons() {
            let row = data.person(p);
            if row.contains(&MISSING) {
                continue;
            }
            let t: u64 = row.iter().map(|&x| x as u64).sum();
            self.totals.add(t);
            for (j, &x) in row.iter().enumerate() {
                let x64 = x as u64;
                self.sum[j] += x64;
                sum_sq[j] += (x64 * x64) as u128;
                sum_xt[j] += (x64 * t) as u128;
                self.freq[j][x as usize] += 1;
            }
        }
        let n = self.totals.n;
        self.n_used = n;
        self.n = vec![n; k];
        for j in 0..k {
            let s = self.sum[j] as u128;
            self.item_var[j] = covariance_from_sums(n as u64, s, s, sum_sq[j]);
            self.item_total_cov[j] =
                covariance_from_sums(n as u64, s, self.totals.sum, sum_xt[j]).unwrap_or(0.0);
        }
        self.total_cov = self.totals.variance().unwrap_or(0.0);
    }

    /// Pairwise covariances: entry (j, l) over the examinees who answered both j and l.
    fn pairwise(&mut self, data: &ResponseMatrix) {
        let k = data.n_items();
        let tri = |j: usize, l: usize| j * k - j * (j + 1) / 2 + l; // j <= l, row-major upper triangle
        let size = k * (k + 1) / 2;
        let pairs = k <= MAX_PAIRWISE_ITEMS;
        let (mut pn, mut psx, mut psy, mut psxy) = if pairs {
            (
                vec![0u64; size],
                vec![0u64; size],
                vec![0u64; size],
                vec![0u64; size],
            )
        } else {
            Default::default()
        };
        let mut sum_sq = vec![0u128; k];
        let mut sum_xt = vec![0u128; k];
        let mut sum_t = vec![0u128; k];
        let mut answered: Vec<(usize, u64)> = Vec::with_capacity(k);
        for p in 0..data.n_persons() {
            answered.clear();
            answered.extend(
                data.person(p)
                    .iter()
                    .enumerate()
                    .filter(|(_, &x)| x != MISSING)
                    .map(|(j, &x)| (j, x as u64)),
            );
            if answered.is_empty() {
                continue;
            }
            let t: u64 = answered.iter().map(|&(_, x)| x).sum();
            self.totals.add(t);
            for (a, &(j, x)) in answered.iter().enumerate() {
                self.n[j] += 1;
                self.sum[j] += x;
                sum_sq[j] += (x * x) as u128;
                sum_xt[j] += (x * t) as u128;
                sum_t[j] += t as u128;
                self.freq[j][x as usize] += 1;
                if pairs {
                    for &(l, y) in &answered[a..] {
                        let i = tri(j, l);
                        pn[i] += 1;
                        psx[i] += x;
                        psy[i] += y;
                        psxy[i] += x * y;
                    }
                }
            }
        }
        self.n_used = self.totals.n;
        for j in 0..k {
            let s = self.sum[j] as u128;
            self.item_var[j] = covariance_from_sums(self.n[j] as u64, s, s, sum_sq[j]);
        }
        if !pairs {
            // Too many items for the k x k matrix: covariances with the observed total over the
            // examinees who answered each item (available cases).
            for j in 0..k {
                self.item_total_cov[j] = covariance_from_sums(
                    self.n[j] as u64,
                    self.sum[j] as u128,
                    sum_t[j],
                    sum_xt[j],
                )
                .unwrap_or(0.0);
            }
            self.total_cov = self.totals.variance().unwrap_or(0.0);
            self.warnings.push(Warning {
                code: "available_case_covariances".into(),
                item: None,
                message: format!(
                    "With missing data and more than {MAX_PAIRWISE_ITEMS} items, covariances with the total score are computed over the examinees who answered each item instead of from the pairwise covariance matrix."
                ),
            });
            return;
        }
        let mut never_together = 0usize;
        let mut first_pair = None;
        for j in 0..k {
            for l in j..k {
                let i = tri(j, l);
                let c = match covariance_from_sums(
                    pn[i],
                    psx[i] as u128,
                    psy[i] as u128,
                    psxy[i] as u128,
                ) {
                    Some(c) => c,
                    None => {
                        if j != l {
                            never_together += 1;
                            first_pair.get_or_insert((j, l));
                        }
                        0.0
                    }
                };
                self.item_total_cov[j] += c;
                if j != l {
                    self.item_total_cov[l] += c;
                }
            }
        }
        self.total_cov = self.item_total_cov.iter().sum();
        if let Some((j, l)) = first_pair {
            self.warnings.push(Warning {
                code: "pairs_not_answered_together".into(),
                item: Some(data.items()[j].clone()),
                message: format!(
                    "{never_together} item pair(s), e.g. '{}' and '{}', were answered together by fewer than two examinees; their covariance is taken as 0.",
                    data.items()[j],
                    data.items()[l]
                ),
            });
        }
    }
}
