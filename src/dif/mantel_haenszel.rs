//! The Mantel-Haenszel DIF statistics of a 0/1 item (Holland & Thayer, 1988), over the strata k
//! of a matching score with more than one examinee, each a 2 x 2 table of group (reference,
//! focal) by answer (1, 0): `A_k`, `B_k` the reference group's 1s and 0s, `C_k`, `D_k` the focal
//! group's, `T_k` the stratum's size, `n_Rk`, `n_Fk` its groups' sizes and `m_1k`, `m_0k` its 1s
//! and 0s. As difR's `difMH`:
//!
//! - chi-square `(|Σ A_k − Σ n_Rk m_1k / T_k| − c)² / Σ n_Rk n_Fk m_1k m_0k / (T_k² (T_k − 1))`,
//!   c = 0.5 with the continuity correction, 0 without; 1 df;
//! - common odds ratio `α_MH = Σ A_k D_k / T_k / Σ B_k C_k / T_k`;
//! - MH D-DIF `= −2.35 ln α_MH` (the ETS delta scale; negative: the item favours the reference
//!   group);
//! - the variance of `ln α_MH` of Phillips & Holland (1987),
//!   `Σ (A_k D_k + α B_k C_k)(A_k + D_k + α (B_k + C_k)) / T_k² / (2 (Σ A_k D_k / T_k)²)`, so
//!   SE(D-DIF) = 2.35 √var and the log odds-ratio test `z = ln α_MH / √var`.

/// One stratum's 2 x 2 table.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Table {
    /// Reference group, answer 1.
    pub a: f64,
    /// Reference group, answer 0.
    pub b: f64,
    /// Focal group, answer 1.
    pub c: f64,
    /// Focal group, answer 0.
    pub d: f64,
}

impl Table {
    fn total(&self) -> f64 {
        self.a + self.b + self.c + self.d
    }
}

/// The Mantel-Haenszel statistics of one item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MhStatistics {
    /// The chi-square (1 df).
    pub chi_square: f64,
    /// The common odds ratio α_MH.
    pub alpha: f64,
    /// The variance of ln α_MH.
    pub var_log_alpha: f64,
}

/// The statistics from the strata's tables (strata of one examinee are left out, as difR);
/// `None` when no stratum has both answers in both groups' margins (the chi-square's variance is
/// 0) or the odds ratio is 0 or infinite.
pub fn mantel_haenszel(tables: &[Table], continuity_correction: bool) -> Option<MhStatistics> {
    let (mut observed, mut expected, mut variance) = (0.0, 0.0, 0.0);
    let (mut r, mut s) = (0.0, 0.0);
    let used: Vec<&Table> = tables.iter().filter(|t| t.total() > 1.0).collect();
    for t in &used {
        let total = t.total();
        let (n_r, n_f) = (t.a + t.b, t.c + t.d);
        let (m1, m0) = (t.a + t.c, t.b + t.d);
        observed += t.a;
        expected += n_r * m1 / total;
        variance += n_r * n_f / total * (m1 / total) * (m0 / (total - 1.0));
        r += t.a * t.d / total;
        s += t.b * t.c / total;
    }
    if !(variance > 0.0 && r > 0.0 && s > 0.0) {
        return None;
    }
    let correction = if continuity_correction { 0.5 } else { 0.0 };
    let chi_square = ((observed - expected).abs() - correction).powi(2) / variance;
    let alpha = r / s;
    let spread: f64 = used
        .iter()
        .map(|t| {
            (t.a * t.d + alpha * t.b * t.c) * (t.a + t.d + alpha * (t.b + t.c)) / t.total().powi(2)
        })
        .sum();
    Some(MhStatistics {
        chi_square,
        alpha,
        var_log_alpha: spread / (2.0 * r * r),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_stratum_is_the_two_by_two_table() {
        // A single table: α is the odds ratio AD/BC and the chi-square the (corrected) Mantel
        // statistic (|A − E(A)| − 0.5)² / Var(A) with the hypergeometric variance.
        let t = Table {
            a: 30.0,
            b: 10.0,
            c: 20.0,
            d: 20.0,
        };
        let s = mantel_haenszel(&[t], true).unwrap();
        assert!((s.alpha - 3.0).abs() < 1e-12);
        let (n, nr, nf, m1, m0) = (80.0, 40.0, 40.0, 50.0, 30.0);
        let e = nr * m1 / n;
        let v = nr * nf * m1 * m0 / (n * n * (n - 1.0));
        assert!((s.chi_square - ((30.0f64 - e).abs() - 0.5).powi(2) / v).abs() < 1e-12);
        // One table: var(ln α) = (AD + αBC)(A + D + α(B + C)) / T² / (2 (AD/T)²), which for a
        // single table is Woolf's 1/A + 1/B + 1/C + 1/D.
        let woolf = 1.0 / 30.0 + 1.0 / 10.0 + 1.0 / 20.0 + 1.0 / 20.0;
        assert!(
            (s.var_log_alpha - woolf).abs() < 1e-12,
            "{} {woolf}",
            s.var_log_alpha
        );
        // Strata of one examinee are left out; a table without focal examinees adds nothing.
        let lone = Table {
            a: 1.0,
            ..Table::default()
        };
        let only_reference = Table {
            a: 5.0,
            b: 3.0,
            ..Table::default()
        };
        let s2 = mantel_haenszel(&[t, lone, only_reference], true).unwrap();
        assert!((s2.alpha - s.alpha).abs() < 1e-12);
        assert!((s2.chi_square - s.chi_square).abs() < 1e-12);
        assert!(mantel_haenszel(&[only_reference], true).is_none());
    }
}
