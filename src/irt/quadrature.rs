//! Quadrature rules for a N(0, 1) latent trait.

use crate::error::{Error, Result};
use serde::Serialize;

/// Nodes and weights (summing to 1) approximating a latent distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quadrature {
    /// Which rule: `"rectangular"` or `"gauss-hermite"`.
    pub rule: &'static str,
    /// Theta values.
    pub nodes: Vec<f64>,
    /// Prior weights of a standard normal latent trait at the nodes (sum 1).
    pub weights: Vec<f64>,
}

impl Quadrature {
    /// mirt's default: `n` equally spaced nodes on `[-bound, bound]`, weights proportional to the
    /// N(0, 1) density and normalised to sum 1 (mirt: 61 nodes on [-6, 6]).
    pub fn rectangular(n: usize, bound: f64) -> Result<Quadrature> {
        if n < 2 {
            return Err(Error::option(
                "quadrature",
                format!("{n} quadrature nodes are too few"),
                "Use at least 2 nodes (mirt's default is 61).",
            ));
        }
        if !(bound.is_finite() && bound > 0.0) {
            return Err(Error::option(
                "quadrature",
                format!("the range ±{bound} is not a positive number"),
                "Use a range such as 6.",
            ));
        }
        let nodes: Vec<f64> = (0..n)
            .map(|i| -bound + 2.0 * bound * i as f64 / (n - 1) as f64)
            .collect();
        let dens: Vec<f64> = nodes.iter().map(|&t| (-0.5 * t * t).exp()).collect();
        let total: f64 = dens.iter().sum();
        Ok(Quadrature {
            rule: "rectangular",
            weights: dens.iter().map(|d| d / total).collect(),
            nodes,
        })
    }

    /// Gauss-Hermite rule with `n` nodes for the standard normal: the roots `t_i` of the
    /// physicists' Hermite polynomial H_n found by Newton's method from the usual asymptotic
    /// starting values, with weights `w_i = 2^(n−1) n! √π / (n² H_{n−1}(t_i)²)`; then
    /// `θ_i = √2 t_i`, `weight_i = w_i / √π` (Abramowitz & Stegun 25.4.46; Press et al.,
    /// Numerical Recipes §4.6). Polynomials are evaluated in their orthonormal form, which does
    /// not overflow for large n.
    pub fn gauss_hermite(n: usize) -> Result<Quadrature> {
        if !(1..=200).contains(&n) {
            return Err(Error::option(
                "quadrature",
                format!("{n} Gauss-Hermite nodes are out of range"),
                "Use between 1 and 200 nodes (PACER's default is 21).",
            ));
        }
        let pim4 = std::f64::consts::PI.powf(-0.25);
        let mut roots = vec![0.0; n];
        let mut w = vec![0.0; n];
        let m = n.div_ceil(2);
        let nf = n as f64;
        let mut z = 0.0;
        for i in 0..m {
            z = match i {
                0 => (2.0 * nf + 1.0).sqrt() - 1.85575 * (2.0 * nf + 1.0).powf(-0.16667),
                1 => z - 1.14 * nf.powf(0.426) / z,
                2 => 1.86 * z - 0.86 * roots[0],
                3 => 1.91 * z - 0.91 * roots[1],
                _ => 2.0 * z - roots[i - 2],
            };
            let mut pp = 0.0;
            for _ in 0..100 {
                // Orthonormal Hermite recursion: p_j = z√(2/j) p_{j−1} − √((j−1)/j) p_{j−2}.
                let (mut p1, mut p2) = (pim4, 0.0);
                for j in 1..=n {
                    let p3 = p2;
                    p2 = p1;
                    let jf = j as f64;
                    p1 = z * (2.0 / jf).sqrt() * p2 - ((jf - 1.0) / jf).sqrt() * p3;
                }
                pp = (2.0 * nf).sqrt() * p2;
                let z1 = z;
                z = z1 - p1 / pp;
                if (z - z1).abs() <= 1e-15 * z.abs().max(1.0) {
                    break;
                }
            }
            roots[i] = z;
            roots[n - 1 - i] = -z;
            w[i] = 2.0 / (pp * pp);
            w[n - 1 - i] = w[i];
        }
        let sqrt_pi = std::f64::consts::PI.sqrt();
        let mut pairs: Vec<(f64, f64)> = roots
            .iter()
            .zip(&w)
            .map(|(&t, &wt)| (std::f64::consts::SQRT_2 * t, wt / sqrt_pi))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        if n % 2 == 1 {
            // The middle root is exactly 0.
            pairs[n / 2].0 = 0.0;
        }
        let total: f64 = pairs.iter().map(|p| p.1).sum();
        Ok(Quadrature {
            rule: "gauss-hermite",
            nodes: pairs.iter().map(|p| p.0).collect(),
            weights: pairs.iter().map(|p| p.1 / total).collect(),
        })
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether there are no nodes (never, for a constructed rule).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Weights of a N(mean, sd²) latent distribution on these nodes, normalised to sum 1 (how
    /// mirt re-weights a fixed grid when latent mean and variance are estimated).
    pub fn normal_weights(&self, mean: f64, sd: f64) -> Vec<f64> {
        let dens: Vec<f64> = match self.rule {
            // Gauss-Hermite weights already carry the N(0,1) density: multiply by the ratio.
            "gauss-hermite" => self
                .nodes
                .iter()
                .zip(&self.weights)
                .map(|(&t, &w)| {
                    w * ((-0.5 * ((t - mean) / sd).powi(2)).exp() / sd) / (-0.5 * t * t).exp()
                })
                .collect(),
            _ => self
                .nodes
                .iter()
                .map(|&t| (-0.5 * ((t - mean) / sd).powi(2)).exp())
                .collect(),
        };
        let total: f64 = dens.iter().sum();
        dens.iter().map(|d| d / total).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moment(q: &Quadrature, k: i32) -> f64 {
        q.nodes
            .iter()
            .zip(&q.weights)
            .map(|(t, w)| w * t.powi(k))
            .sum()
    }

    #[test]
    fn gauss_hermite_integrates_normal_moments_exactly() {
        // An n-node rule is exact for polynomials up to degree 2n − 1: E[θ²] = 1, E[θ⁴] = 3,
        // E[θ⁶] = 15, E[θ⁸] = 105.
        for n in [5, 21, 41, 100] {
            let q = Quadrature::gauss_hermite(n).unwrap();
            assert!((q.weights.iter().sum::<f64>() - 1.0).abs() < 1e-13);
            assert!(moment(&q, 1).abs() < 1e-12);
            assert!((moment(&q, 2) - 1.0).abs() < 1e-12, "n = {n}");
            assert!((moment(&q, 4) - 3.0).abs() < 1e-11, "n = {n}");
            assert!((moment(&q, 8) - 105.0).abs() < 1e-8, "n = {n}");
        }
        // The 3-node rule: nodes 0, ±√3, weights 2/3, 1/6.
        let q = Quadrature::gauss_hermite(3).unwrap();
        assert!(
            (q.nodes[2] - 3f64.sqrt()).abs() < 1e-14 && (q.weights[1] - 2.0 / 3.0).abs() < 1e-14
        );
    }

    #[test]
    fn rectangular_is_mirts_grid() {
        let q = Quadrature::rectangular(61, 6.0).unwrap();
        assert_eq!(q.len(), 61);
        assert!((q.nodes[1] - (-5.8)).abs() < 1e-14 && q.nodes[30] == 0.0);
        assert!((moment(&q, 2) - 1.0).abs() < 1e-6);
        assert!(Quadrature::rectangular(0, 6.0).is_err());
        assert!(Quadrature::gauss_hermite(0).is_err());
    }

    #[test]
    fn reweighting_to_another_normal() {
        let q = Quadrature::rectangular(61, 6.0).unwrap();
        let w = q.normal_weights(0.3, 1.2);
        let m: f64 = q.nodes.iter().zip(&w).map(|(t, w)| t * w).sum();
        let v: f64 = q
            .nodes
            .iter()
            .zip(&w)
            .map(|(t, w)| w * (t - m).powi(2))
            .sum();
        // Truncation at ±6 costs a few 1e-6 in the mean.
        assert!((m - 0.3).abs() < 1e-5 && (v - 1.44).abs() < 1e-4, "{m} {v}");
        let g = Quadrature::gauss_hermite(41).unwrap();
        let w = g.normal_weights(0.0, 1.0);
        assert!(w.iter().zip(&g.weights).all(|(a, b)| (a - b).abs() < 1e-15));
    }
}
