//! The G-DINA family's design matrices and link functions (de la Torre, 2011; Ma & de la Torre,
//! 2020): item j's success probabilities over its 2^{K_j} reduced attribute patterns are
//! `P_j = h(X_j δ_j)`, with a model-specific design matrix `X_j` (one row per reduced pattern,
//! one column per free parameter) and link `h⁻¹`:
//!
//! - G-DINA: `X = I` (every probability free), identity link;
//! - DINA: two columns, the pattern mastering every required attribute and all the others;
//! - DINO: two columns, the pattern mastering none and all the others;
//! - A-CDM, LLM, R-RUM: an intercept and one main effect per required attribute,
//!   `η_l = δ_0 + Σ_k δ_k α_lk`, with the identity, logit and log link respectively.

use super::patterns::attribute_patterns;
use super::CdmModel;
use serde::{Deserialize, Serialize};

/// A link function `η = h⁻¹(P)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Link {
    /// `η = P`.
    #[default]
    Identity,
    /// `η = ln(P / (1 − P))`.
    Logit,
    /// `η = ln P`.
    Log,
}

impl Link {
    /// The name used in options and output.
    pub fn name(self) -> &'static str {
        match self {
            Link::Identity => "identity",
            Link::Logit => "logit",
            Link::Log => "log",
        }
    }

    /// `h⁻¹(p)`.
    pub fn eta(self, p: f64) -> f64 {
        match self {
            Link::Identity => p,
            Link::Logit => (p / (1.0 - p)).ln(),
            Link::Log => p.ln(),
        }
    }

    /// `h(η)`.
    pub fn prob(self, eta: f64) -> f64 {
        match self {
            Link::Identity => eta,
            Link::Logit => 1.0 / (1.0 + (-eta).exp()),
            Link::Log => eta.exp(),
        }
    }

    /// `dP/dη` at probability `p`: 1, `p(1 − p)`, `p`.
    pub fn slope(self, p: f64) -> f64 {
        match self {
            Link::Identity => 1.0,
            Link::Logit => p * (1.0 - p),
            Link::Log => p,
        }
    }
}

/// One item's design matrix, stored by rows: for each reduced pattern (GDINA's order), the free
/// parameters it involves with their coefficients (the non-zero entries of its row).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Number of free parameters (columns).
    pub n_params: usize,
    /// Per reduced pattern, `(column, coefficient)` of its non-zero entries.
    pub rows: Vec<Vec<(usize, f64)>>,
}

impl Design {
    /// The design of `model` for an item requiring `kj` attributes.
    pub fn new(model: CdmModel, kj: usize) -> Design {
        let order = attribute_patterns(kj);
        let g = order.len();
        let top = g - 1;
        let rows: Vec<Vec<(usize, f64)>> = match model {
            CdmModel::Gdina => (0..g).map(|l| vec![(l, 1.0)]).collect(),
            CdmModel::Dina => (0..g).map(|l| vec![(usize::from(l == top), 1.0)]).collect(),
            CdmModel::Dino => (0..g).map(|l| vec![(usize::from(l != 0), 1.0)]).collect(),
            CdmModel::Acdm | CdmModel::Llm | CdmModel::Rrum => order
                .iter()
                .map(|&m| {
                    std::iter::once((0, 1.0))
                        .chain((0..kj).filter(|k| m >> k & 1 == 1).map(|k| (k + 1, 1.0)))
                        .collect()
                })
                .collect(),
        };
        Design {
            n_params: model.item_parameters(kj),
            rows,
        }
    }

    /// Reduced patterns.
    pub fn n_rows(&self) -> usize {
        self.rows.len()
    }

    /// `X δ` for pattern l.
    pub fn eta(&self, l: usize, delta: &[f64]) -> f64 {
        self.rows[l].iter().map(|&(f, x)| x * delta[f]).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_invert() {
        for link in [Link::Identity, Link::Logit, Link::Log] {
            for p in [1e-4, 0.2, 0.5, 0.9999] {
                assert!((link.prob(link.eta(p)) - p).abs() < 1e-14);
                let h = 1e-6;
                let numeric = (link.prob(link.eta(p) + h) - link.prob(link.eta(p) - h)) / (2.0 * h);
                assert!((numeric - link.slope(p)).abs() < 1e-6 * link.slope(p).max(1e-3));
            }
        }
    }

    #[test]
    fn additive_rows_are_intercept_plus_main_effects() {
        let d = Design::new(CdmModel::Acdm, 2);
        // Patterns 00, 10, 01, 11.
        assert_eq!(d.n_params, 3);
        assert_eq!(d.rows[0], [(0, 1.0)]);
        assert_eq!(d.rows[1], [(0, 1.0), (1, 1.0)]);
        assert_eq!(d.rows[2], [(0, 1.0), (2, 1.0)]);
        assert_eq!(d.rows[3], [(0, 1.0), (1, 1.0), (2, 1.0)]);
        assert_eq!(d.eta(3, &[0.1, 0.2, 0.3]), 0.1 + 0.2 + 0.3);
        let dina = Design::new(CdmModel::Dina, 2);
        assert_eq!(
            dina.rows.iter().map(|r| r[0].0).collect::<Vec<_>>(),
            [0, 0, 0, 1]
        );
        let dino = Design::new(CdmModel::Dino, 2);
        assert_eq!(
            dino.rows.iter().map(|r| r[0].0).collect::<Vec<_>>(),
            [0, 1, 1, 1]
        );
    }
}
