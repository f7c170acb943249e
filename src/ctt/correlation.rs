//! Biserial and polyserial correlations.

use crate::math::{norm_pdf, norm_quantile};

/// The ad hoc polyserial correlation of Olsson, Drasgow & Dorans (1982, Psychometrika 47,
/// 337–347), which for a binary item is the biserial correlation:
///
/// `ρ = r · σ_x / Σ_{k=1..m} φ(τ_k)`, with `τ_k = Φ⁻¹(P(X < k))`,
///
/// where `r` is the Pearson correlation of the item score X (0..m) with the continuous variable
/// (here the rest score), `σ_x` the item's population SD and `freq[s]` the count of score s.
/// Thresholds at proportions 0 or 1 contribute φ = 0. `None` when every threshold does (a
/// constant item). The estimate can exceed 1 in magnitude when the normality assumption fails.
pub fn polyserial_ad_hoc(r: f64, pop_sd: f64, freq: &[usize]) -> Option<f64> {
    let n: usize = freq.iter().sum();
    if n == 0 {
        return None;
    }
    let mut below = 0usize;
    let mut denom = 0.0;
    for &f in &freq[..freq.len().saturating_sub(1)] {
        below += f;
        if below > 0 && below < n {
            denom += norm_pdf(norm_quantile(below as f64 / n as f64));
        }
    }
    (denom > 0.0).then(|| r * pop_sd / denom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn biserial_at_half() {
        // p = .5: σ = .5, φ(0) = 0.39894..., so ρ = r · 0.5 / 0.39894 = 1.2533 r.
        let rho = polyserial_ad_hoc(0.4, 0.5, &[50, 50]).unwrap();
        assert!((rho - 0.4 * 0.5 / norm_pdf(0.0)).abs() < 1e-14);
        assert_eq!(polyserial_ad_hoc(0.4, 0.0, &[0, 10]), None);
    }
}
