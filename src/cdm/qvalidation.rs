//! Q-matrix validation by the G-DINA discrimination index (GDI) and the proportion of variance
//! accounted for (PVAF) (de la Torre & Chiu, 2016).
//!
//! For item j and a candidate q-vector q (a non-empty set of attributes), the classes fall into
//! the reduced patterns l of q; with the fitted model's posterior, `N_l` expected examinees
//! answering item j and `R_l` expected correct answers per pattern, `P_l = R_l / N_l`,
//! `w_l = N_l / Σ N` and `P̄ = Σ_l w_l P_l`, the GDI is the weighted variance
//! `ς²(q) = Σ_l w_l (P_l − P̄)²`. It is largest for the q-vector of all attributes; the PVAF of q
//! is `ς²(q) / ς²(1…1)`. The suggested q-vector is, among the best q-vectors with 1, 2, …, K
//! attributes (the "mesa plot"), the first whose PVAF reaches ε (0.95, as GDINA's `Qval`).

use serde::Serialize;

/// The PVAF a suggested q-vector must reach (GDINA's default `eps`).
pub const EPSILON: f64 = 0.95;

/// The best q-vector with a given number of attributes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MesaPoint {
    /// The q-vector as digits, attribute 1 first.
    pub q: String,
    /// Its PVAF.
    pub pvaf: f64,
}

/// One item's validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QValidationItem {
    /// Item name.
    pub item: String,
    /// The Q-matrix's q-vector.
    pub original: String,
    /// Its PVAF.
    pub original_pvaf: f64,
    /// The suggested q-vector.
    pub suggested: String,
    /// Its PVAF.
    pub suggested_pvaf: f64,
    /// Whether the suggestion differs from the Q-matrix.
    pub changed: bool,
    /// The best q-vector with 1, 2, …, K attributes.
    pub mesa: Vec<MesaPoint>,
}

/// The validation of every item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QValidation {
    /// How the suggestions were made.
    pub method: &'static str,
    /// The PVAF cut-off.
    pub epsilon: f64,
    /// Per item, in the response file's order.
    pub items: Vec<QValidationItem>,
}

/// The GDI of the candidate q-vector `mask` from per-class expected examinees `n` and correct
/// answers `r` over `classes` (bit masks); `sums` is scratch of length 2^K × 2.
fn gdi(mask: u32, classes: &[u32], n: &[f64], r: &[f64], sums: &mut [f64]) -> f64 {
    sums.iter_mut().for_each(|v| *v = 0.0);
    for ((&c, &nc), &rc) in classes.iter().zip(n).zip(r) {
        let key = (c & mask) as usize * 2;
        sums[key] += nc;
        sums[key + 1] += rc;
    }
    let total: f64 = n.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let groups = sums.chunks_exact(2).filter(|g| g[0] > 0.0);
    let mean: f64 = groups.clone().map(|g| g[1]).sum::<f64>() / total;
    groups
        .map(|g| {
            let p = g[1] / g[0];
            g[0] / total * (p - mean) * (p - mean)
        })
        .sum()
}

/// The q-vector `mask` as digits, attribute 1 first.
fn label(mask: u32, k: usize) -> String {
    super::patterns::pattern_label(mask, k)
}

/// Validates item `item` with q-vector `original` (bit mask) from its per-class expected
/// examinees `n` and correct answers `r` over the K-attribute `classes`.
pub fn validate_item(
    item: &str,
    original: u32,
    classes: &[u32],
    k: usize,
    n: &[f64],
    r: &[f64],
) -> QValidationItem {
    let mut sums = vec![0.0; 2 << k];
    let full = gdi((1 << k) - 1, classes, n, r, &mut sums);
    let pvaf = |v: f64| if full > 0.0 { v / full } else { 0.0 };
    let mut best: Vec<(u32, f64)> = vec![(0, f64::NEG_INFINITY); k + 1];
    for mask in 1u32..(1 << k) {
        let m = mask.count_ones() as usize;
        let v = gdi(mask, classes, n, r, &mut sums);
        // The first mask in numeric order wins ties.
        if v > best[m].1 + 1e-15 {
            best[m] = (mask, v);
        }
    }
    let mesa: Vec<MesaPoint> = best[1..]
        .iter()
        .map(|&(mask, v)| MesaPoint {
            q: label(mask, k),
            pvaf: pvaf(v),
        })
        .collect();
    let (suggested, suggested_gdi) = best[1..]
        .iter()
        .copied()
        .find(|&(_, v)| pvaf(v) >= EPSILON)
        .unwrap_or(best[k]);
    let original_gdi = gdi(original, classes, n, r, &mut sums);
    // Keep the Q-matrix's entry when it is as good as the suggestion.
    let (suggested, suggested_gdi) =
        if original.count_ones() <= suggested.count_ones() && pvaf(original_gdi) >= EPSILON {
            (original, original_gdi)
        } else {
            (suggested, suggested_gdi)
        };
    QValidationItem {
        item: item.to_string(),
        original: label(original, k),
        original_pvaf: pvaf(original_gdi),
        suggested: label(suggested, k),
        suggested_pvaf: pvaf(suggested_gdi),
        changed: suggested != original,
        mesa,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdm::patterns::attribute_patterns;

    #[test]
    fn gdi_is_the_weighted_variance_of_the_pattern_probabilities() {
        // Two attributes, four equally likely classes of 100; success .2 without attribute 1,
        // .8 with it (attribute 2 irrelevant).
        let classes = attribute_patterns(2); // 00, 10, 01, 11
        let n = [100.0; 4];
        let r: Vec<f64> = classes
            .iter()
            .map(|&c| if c & 1 == 1 { 80.0 } else { 20.0 })
            .collect();
        let mut sums = vec![0.0; 8];
        // q = attribute 1: two groups of weight .5 at .2 and .8 around .5: variance .09.
        assert!((gdi(0b01, &classes, &n, &r, &mut sums) - 0.09).abs() < 1e-15);
        // q = attribute 2: no variance.
        assert!(gdi(0b10, &classes, &n, &r, &mut sums).abs() < 1e-15);
        let v = validate_item("j", 0b11, &classes, 2, &n, &r);
        assert_eq!(v.suggested, "10");
        assert!(v.changed);
        assert!((v.mesa[0].pvaf - 1.0).abs() < 1e-12);
        assert_eq!(v.original_pvaf, 1.0);
        // An item already right keeps its q-vector.
        let v = validate_item("j", 0b01, &classes, 2, &n, &r);
        assert!(!v.changed && v.suggested == "10");
    }
}
