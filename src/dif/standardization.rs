//! The standardization index of DIF (Dorans & Kulick, 1986; Dorans & Schmitt, 1993): the
//! focal-weighted mean difference of the item's expected score at each level k of the matching
//! score, over the levels where both groups have examinees,
//!
//! `STD = Σ_k n_Fk (m_Fk − m_Rk) / Σ_k n_Fk`,
//!
//! with `m_Gk` group G's mean item score at level k and `n_Fk` the focal group's examinees there.
//! For a 0/1 item the means are proportions correct and STD is the STD P-DIF; for a polytomous
//! item it is the standardized mean difference (SMD), also reported relative to the item's score
//! SD in the two groups together (Zwick, Thayer & Mazzeo, 1997).

/// Per matching-score level: examinees and summed item scores of the reference and focal groups.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Level {
    /// Reference examinees.
    pub n_reference: f64,
    /// Their summed item scores.
    pub sum_reference: f64,
    /// Focal examinees.
    pub n_focal: f64,
    /// Their summed item scores.
    pub sum_focal: f64,
}

/// STD over the levels where both groups have examinees; `None` when there is no such level.
pub fn standardized_difference(levels: &[Level]) -> Option<f64> {
    let (mut weighted, mut weight) = (0.0, 0.0);
    for l in levels {
        if l.n_reference > 0.0 && l.n_focal > 0.0 {
            weighted += l.n_focal * (l.sum_focal / l.n_focal - l.sum_reference / l.n_reference);
            weight += l.n_focal;
        }
    }
    (weight > 0.0).then(|| weighted / weight)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focal_weights_and_shared_levels_only() {
        let levels = [
            // Both groups: focal 0.5, reference 0.75, 4 focal examinees.
            Level {
                n_reference: 4.0,
                sum_reference: 3.0,
                n_focal: 4.0,
                sum_focal: 2.0,
            },
            // Both: focal 1.0, reference 0.5, 2 focal examinees.
            Level {
                n_reference: 2.0,
                sum_reference: 1.0,
                n_focal: 2.0,
                sum_focal: 2.0,
            },
            // Focal only: left out.
            Level {
                n_focal: 5.0,
                sum_focal: 0.0,
                ..Level::default()
            },
        ];
        let std = standardized_difference(&levels).unwrap();
        assert!((std - (4.0 * -0.25 + 2.0 * 0.5) / 6.0).abs() < 1e-15);
        assert!(standardized_difference(&levels[2..]).is_none());
    }
}
