//! Small numerical helpers shared by the estimators.

use statrs::distribution::{ContinuousCDF, Normal};

/// Standard normal density, φ(x) = exp(-x²/2) / √(2π).
pub fn norm_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Standard normal quantile Φ⁻¹(p) for 0 < p < 1 (statrs' inverse CDF).
pub fn norm_quantile(p: f64) -> f64 {
    // Normal::new(0, 1) cannot fail: the standard deviation is positive.
    Normal::standard().inverse_cdf(p)
}

/// Exact centred cross-moment from integer sums: `(n·Σxy − Σx·Σy) / (n(n−1))`, the unbiased
/// covariance. Computed in 128-bit integers, so no cancellation error; `None` when n < 2.
pub fn covariance_from_sums(n: u64, sx: u128, sy: u128, sxy: u128) -> Option<f64> {
    if n < 2 {
        return None;
    }
    let num = n as i128 * sxy as i128 - sx as i128 * sy as i128;
    Some(num as f64 / (n as f64 * (n as f64 - 1.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_matches_known_values() {
        // Φ⁻¹(0.975) = 1.959963984540054 (Abramowitz & Stegun, Table 26.5).
        assert!((norm_quantile(0.975) - 1.959963984540054).abs() < 1e-12);
        assert!(norm_quantile(0.5).abs() < 1e-15);
        assert!((norm_pdf(0.0) - 0.398_942_280_401_432_7).abs() < 1e-15);
    }

    #[test]
    fn covariance_is_exact() {
        // x = 1,2,3; y = 2,4,7: cov = 2.5
        assert_eq!(covariance_from_sums(3, 6, 13, 31), Some(2.5));
        assert_eq!(covariance_from_sums(1, 1, 1, 1), None);
    }
}
