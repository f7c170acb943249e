//! Absolute fit: the standardized root mean squared residual of the item-pair correlations
//! (SRMSR; Maydeu-Olivares, 2013), as GDINA's `modelfit` reports it:
//!
//! `SRMSR = sqrt(Σ_{j<k} (r_jk − ρ_jk)² / (J(J − 1)/2))`,
//!
//! with `r_jk` the observed Pearson (phi) correlation of items j and k over the examinees
//! answering both, and `ρ_jk` the model-implied one from the marginal success probabilities
//! `P_j = Σ_c π_c P_jc` and `P_jk = Σ_c π_c P_jc P_kc`:
//! `ρ_jk = (P_jk − P_j P_k) / sqrt(P_j(1 − P_j) P_k(1 − P_k))`.

use crate::data::{ResponseMatrix, MISSING};

/// The SRMSR of the model with per-item, per-class success probabilities `p` (`p[j][c]`) and
/// class proportions `pi`, on `data`; `None` with fewer than two items or when a correlation is
/// undefined (an item constant among the examinees answering a pair).
pub fn srmsr(data: &ResponseMatrix, p: &[Vec<f64>], pi: &[f64]) -> Option<f64> {
    let nj = data.n_items();
    if nj < 2 {
        return None;
    }
    let marginal: Vec<f64> = p
        .iter()
        .map(|pj| pj.iter().zip(pi).map(|(a, w)| a * w).sum())
        .collect();
    let codes = data.codes();
    let mut sum = 0.0;
    for j in 0..nj {
        for k in j + 1..nj {
            // Observed: counts over the examinees answering both.
            let (mut n, mut sj, mut sk, mut sjk) = (0.0, 0.0, 0.0, 0.0);
            for row in codes.chunks_exact(nj) {
                let (a, b) = (row[j], row[k]);
                if a == MISSING || b == MISSING {
                    continue;
                }
                let (a, b) = (f64::from(a), f64::from(b));
                n += 1.0;
                sj += a;
                sk += b;
                sjk += a * b;
            }
            let (mj, mk) = (sj / n, sk / n);
            let observed = (sjk / n - mj * mk) / (mj * (1.0 - mj) * mk * (1.0 - mk)).sqrt();
            let joint: f64 = p[j]
                .iter()
                .zip(&p[k])
                .zip(pi)
                .map(|((a, b), w)| a * b * w)
                .sum();
            let (pj, pk) = (marginal[j], marginal[k]);
            let implied = (joint - pj * pk) / (pj * (1.0 - pj) * pk * (1.0 - pk)).sqrt();
            let d = observed - implied;
            if !d.is_finite() {
                return None;
            }
            sum += d * d;
        }
    }
    Some((sum / (nj * (nj - 1) / 2) as f64).sqrt())
}
