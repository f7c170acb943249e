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

/// Inverse of a symmetric positive-definite matrix (row-major, n x n) by Cholesky
/// decomposition; `None` when the matrix is not positive definite.
pub fn spd_inverse(a: &[f64], n: usize) -> Option<Vec<f64>> {
    // L Lᵀ = A.
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let mut s = a[j * n + j];
        for k in 0..j {
            s -= l[j * n + k] * l[j * n + k];
        }
        if s.is_nan() || s <= 0.0 {
            return None;
        }
        let d = s.sqrt();
        l[j * n + j] = d;
        for i in j + 1..n {
            let mut t = a[i * n + j];
            for k in 0..j {
                t -= l[i * n + k] * l[j * n + k];
            }
            l[i * n + j] = t / d;
        }
    }
    // Solve L Lᵀ X = I column by column.
    let mut inv = vec![0.0; n * n];
    let mut y = vec![0.0; n];
    for c in 0..n {
        for i in 0..n {
            let mut t = if i == c { 1.0 } else { 0.0 };
            for k in 0..i {
                t -= l[i * n + k] * y[k];
            }
            y[i] = t / l[i * n + i];
        }
        for i in (0..n).rev() {
            let mut t = y[i];
            for k in i + 1..n {
                t -= l[k * n + i] * inv[k * n + c];
            }
            inv[i * n + c] = t / l[i * n + i];
        }
    }
    Some(inv)
}

#[cfg(test)]
mod linalg_tests {
    use super::spd_inverse;

    #[test]
    fn inverts_a_small_spd_matrix() {
        let a = [4.0, 2.0, 0.6, 2.0, 2.0, 0.5, 0.6, 0.5, 3.0];
        let inv = spd_inverse(&a, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-14);
            }
        }
        assert!(spd_inverse(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }
}
