//! Coefficient alpha and the item-total correlations derived from item covariances.

/// Coefficient alpha, `k/(k−1) · (1 − Σ v_j / V)` (Cronbach, 1951; KR-20 for binary items).
///
/// `sum_item_var` is Σ v_j and `total_var` is V, the total-score variance (or the sum of the
/// covariance matrix). `None` when k < 2 or V ≤ 0.
pub fn alpha_from_covariances(k: usize, sum_item_var: f64, total_var: f64) -> Option<f64> {
    if k < 2 || total_var <= 0.0 {
        return None;
    }
    let k = k as f64;
    Some(k / (k - 1.0) * (1.0 - sum_item_var / total_var))
}

/// Alpha of the test without item j: `k−1` items, item variances `Σv − v_j`, total variance
/// `V − 2c_j + v_j` (the variance of the rest score). `None` when fewer than two items remain.
pub fn alpha_if_deleted(
    k: usize,
    sum_item_var: f64,
    total_var: f64,
    v_j: f64,
    c_j: f64,
) -> Option<f64> {
    if k < 3 {
        return None;
    }
    alpha_from_covariances(k - 1, sum_item_var - v_j, total_var - 2.0 * c_j + v_j)
}

/// Item-total and item-rest correlations from `v_j`, `c_j` and `V`:
/// `c_j / √(v_j V)` and `(c_j − v_j) / √(v_j (V − 2c_j + v_j))`. `None` where a variance is 0.
pub fn item_correlations(v_j: f64, c_j: f64, total_var: f64) -> (Option<f64>, Option<f64>) {
    let total = if v_j > 0.0 && total_var > 0.0 {
        Some(c_j / (v_j * total_var).sqrt())
    } else {
        None
    };
    let rest_var = total_var - 2.0 * c_j + v_j;
    let rest = if v_j > 0.0 && rest_var > 0.0 {
        Some((c_j - v_j) / (v_j * rest_var).sqrt())
    } else {
        None
    };
    (total, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha_of_parallel_items() {
        // Two items each with variance 1 and covariance 0.5: V = 1 + 1 + 2·0.5 = 3,
        // alpha = 2 · (1 − 2/3) = 2/3.
        let a = alpha_from_covariances(2, 2.0, 3.0).unwrap();
        assert!((a - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(alpha_from_covariances(1, 1.0, 1.0), None);
        assert_eq!(alpha_if_deleted(2, 2.0, 3.0, 1.0, 1.5), None);
    }

    #[test]
    fn correlations_from_covariances() {
        // v = 1, c = 1.5, V = 3: item-total = 1.5/√3; rest variance 1, item-rest = 0.5.
        let (t, r) = item_correlations(1.0, 1.5, 3.0);
        assert!((t.unwrap() - 1.5 / 3f64.sqrt()).abs() < 1e-15);
        assert!((r.unwrap() - 0.5).abs() < 1e-15);
        assert_eq!(item_correlations(0.0, 0.0, 3.0), (None, None));
    }
}
