//! Small numerical helpers shared by the estimators, and thin row-major wrappers over faer's
//! dense linear algebra.

use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::{Mat, Side};
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

/// Noncentrality above which [`noncentral_chi_square_cdf`] uses Sankaran's approximation.
pub const NONCENTRAL_SERIES_MAX_LAMBDA: f64 = 2.0e4;

/// Noncentral chi-square distribution function `F(x; df, λ)` as the Poisson mixture of central
/// ones, `Σ_i e^{−λ/2} (λ/2)^i / i! · P(df/2 + i, x/2)` (Johnson, Kotz & Balakrishnan, 1995,
/// eq. 29.2), `P` the regularized lower incomplete gamma function. The sum starts at the
/// Poisson mode and runs both ways until the weights fall below 1e-17.
///
/// Above λ = [`NONCENTRAL_SERIES_MAX_LAMBDA`] the series needs hundreds of thousands of
/// incomplete gamma functions of large order (seconds per call; an RMSEA interval of a badly
/// fitting model makes hundreds of calls), so Sankaran's (1963) normal approximation is used
/// instead: with `h = 1 − ⅔(k+λ)(k+3λ)/(k+2λ)²`, `p = (k+2λ)/(k+λ)²`, `m = (h−1)(1−3h)`,
/// `F ≈ Φ(((x/(k+λ))^h − (1 + h·p·(h − 1 − ½(2−h)·m·p))) / (h·√(2p)·(1 + ½·m·p)))`, whose
/// error there is below 1e-6.
pub fn noncentral_chi_square_cdf(x: f64, df: f64, lambda: f64) -> f64 {
    use statrs::function::gamma::{gamma_lr, ln_gamma};
    if x.is_nan() || x <= 0.0 {
        return 0.0;
    }
    if x.is_infinite() {
        return 1.0;
    }
    if lambda > NONCENTRAL_SERIES_MAX_LAMBDA {
        let (k, l) = (df, lambda);
        let h = 1.0 - 2.0 / 3.0 * (k + l) * (k + 3.0 * l) / ((k + 2.0 * l) * (k + 2.0 * l));
        let p = (k + 2.0 * l) / ((k + l) * (k + l));
        let m = (h - 1.0) * (1.0 - 3.0 * h);
        let z = ((x / (k + l)).powf(h) - (1.0 + h * p * (h - 1.0 - 0.5 * (2.0 - h) * m * p)))
            / (h * (2.0 * p).sqrt() * (1.0 + 0.5 * m * p));
        return Normal::standard().cdf(z);
    }
    let half = lambda.max(0.0) / 2.0;
    let term = |i: f64| gamma_lr(df / 2.0 + i, x / 2.0);
    if half == 0.0 {
        return term(0.0);
    }
    let mode = half.floor();
    let w_mode = (-half + mode * half.ln() - ln_gamma(mode + 1.0)).exp();
    let mut sum = w_mode * term(mode);
    let (mut w, mut i) = (w_mode, mode);
    while i > 0.0 {
        w *= i / half;
        i -= 1.0;
        sum += w * term(i);
        if w < 1e-17 {
            break;
        }
    }
    let (mut w, mut i) = (w_mode, mode);
    loop {
        i += 1.0;
        w *= half / i;
        let t = term(i);
        sum += w * t;
        if w < 1e-17 || w * t < 1e-17 {
            break;
        }
    }
    sum.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sankarans_approximation_continues_the_series() {
        // Just above the switch the approximation agrees with the exact series (run just
        // below it on the same x), across the distribution's body.
        let l = NONCENTRAL_SERIES_MAX_LAMBDA;
        for df in [5.0, 50.0, 400.0] {
            let sd = (2.0 * (df + 2.0 * l)).sqrt();
            for z in [-2.5, -1.0, 0.0, 1.0, 2.5] {
                let x = df + l + z * sd;
                let exact = noncentral_chi_square_cdf(x, df, l);
                let approx = noncentral_chi_square_cdf(x, df, l * (1.0 + 1e-12));
                assert!(
                    (exact - approx).abs() < 1e-5,
                    "df {df}, z {z}: {exact} vs {approx}"
                );
            }
        }
        // Far above, it is fast and a distribution function.
        let f = |x: f64| noncentral_chi_square_cdf(x, 30.0, 1e9);
        assert!(f(0.9e9) < 1e-12 && f(1.1e9) > 1.0 - 1e-12 && (f(1e9 + 30.0) - 0.5).abs() < 1e-3);
    }

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

/// Column-major faer view of a row-major `rows x cols` slice (copied).
fn to_mat(a: &[f64], rows: usize, cols: usize) -> Mat<f64> {
    Mat::from_fn(rows, cols, |i, j| a[i * cols + j])
}

/// Row-major copy of a faer matrix.
fn from_mat(m: &Mat<f64>) -> Vec<f64> {
    let mut out = Vec::with_capacity(m.nrows() * m.ncols());
    for i in 0..m.nrows() {
        out.extend((0..m.ncols()).map(|j| m[(i, j)]));
    }
    out
}

fn all_finite(v: Vec<f64>) -> Option<Vec<f64>> {
    v.iter().all(|x| x.is_finite()).then_some(v)
}

/// Inverse of a symmetric positive-definite matrix (row-major, n x n) by Cholesky
/// decomposition (faer); `None` when the matrix is not positive definite.
pub fn spd_inverse(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let llt = to_mat(a, n, n).llt(Side::Lower).ok()?;
    all_finite(from_mat(&llt.inverse()))
}

/// Solution X of `A X = B` for a symmetric positive-definite `A` (row-major, n x n) and
/// `B` (row-major, n x cols), by Cholesky decomposition (faer). `None` when `A` is not
/// positive definite. Only the lower triangle of `A` is read.
pub fn spd_solve(a: &[f64], n: usize, b: &[f64], cols: usize) -> Option<Vec<f64>> {
    let llt = to_mat(a, n, n).llt(Side::Lower).ok()?;
    all_finite(from_mat(&llt.solve(to_mat(b, n, cols))))
}

/// `L⁻¹ B` where `A = L Lᵀ` is the Cholesky factorisation of a symmetric positive-definite
/// matrix (only its lower triangle is read; `A` is factorised in place, so the memory is A's
/// and B's). Quadratic forms `B' A⁻¹ B` are then the Gram matrix of the result. `None` when `A`
/// is not positive definite. Threads natively.
pub fn cholesky_whiten(mut a: Mat<f64>, mut b: Mat<f64>) -> Option<Mat<f64>> {
    use faer::dyn_stack::{MemBuffer, MemStack};
    use faer::linalg::cholesky::llt::factor::{cholesky_in_place, cholesky_in_place_scratch};
    let par = faer::get_global_parallelism();
    let n = a.nrows();
    let mut scratch = MemBuffer::new(cholesky_in_place_scratch::<f64>(n, par, Default::default()));
    cholesky_in_place(
        a.as_mut(),
        Default::default(),
        par,
        MemStack::new(&mut scratch),
        Default::default(),
    )
    .ok()?;
    faer::linalg::triangular_solve::solve_lower_triangular_in_place(a.as_ref(), b.as_mut(), par);
    let finite = b.col_iter().all(|c| c.iter().all(|v| v.is_finite()));
    finite.then_some(b)
}

#[cfg(test)]
mod linalg_tests {
    use super::{cholesky_whiten, spd_inverse, spd_solve};
    use faer::Mat;

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

    #[test]
    fn solves_with_several_right_hand_sides() {
        let a = [4.0, 2.0, 0.6, 2.0, 2.0, 0.5, 0.6, 0.5, 3.0];
        let b = [1.0, 0.0, 2.0, 1.0, -1.0, 3.0];
        let x = spd_solve(&a, 3, &b, 2).unwrap();
        for i in 0..3 {
            for c in 0..2 {
                let v: f64 = (0..3).map(|k| a[i * 3 + k] * x[k * 2 + c]).sum();
                assert!((v - b[i * 2 + c]).abs() < 1e-14, "{v}");
            }
        }
        assert!(spd_solve(&[1.0, 2.0, 2.0, 1.0], 2, &[1.0, 1.0], 1).is_none());
    }

    #[test]
    fn whitening_gives_the_quadratic_form() {
        let a = [4.0, 2.0, 0.6, 2.0, 2.0, 0.5, 0.6, 0.5, 3.0];
        let b = [1.0, -1.0, 2.0];
        let x = spd_solve(&a, 3, &b, 1).unwrap();
        let direct: f64 = b.iter().zip(&x).map(|(u, v)| u * v).sum();
        let z = cholesky_whiten(
            Mat::from_fn(3, 3, |i, j| a[i * 3 + j]),
            Mat::from_fn(3, 1, |i, _| b[i]),
        )
        .unwrap();
        let via_z: f64 = (0..3).map(|i| z[(i, 0)] * z[(i, 0)]).sum();
        assert!((direct - via_z).abs() < 1e-14, "{direct} {via_z}");
        let singular = Mat::from_fn(2, 2, |i, j| if i == j { 1.0 } else { 2.0 });
        assert!(cholesky_whiten(singular, Mat::zeros(2, 1)).is_none());
    }
}

/// `Some(x)` for a finite number, `None` for NaN or ±∞: how a result reports a value that is
/// undefined for the data at hand (e.g. `−d/a` with a slope of 0) instead of a non-number.
pub fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}
