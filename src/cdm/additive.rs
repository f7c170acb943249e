//! The M-step of the additive models (A-CDM, LLM, R-RUM; de la Torre, 2011): item j's
//! parameters δ maximise its expected complete-data log-likelihood
//!
//! `f(δ) = Σ_l R_l ln P_l + (N_l − R_l) ln(1 − P_l)`, `P_l = h(x_lᵀ δ)`,
//!
//! subject to `lo ≤ P_l ≤ hi` for every reduced pattern l (GDINA's bounds on the success
//! probabilities). The bounds are linear in δ on the link scale, `h⁻¹(lo) ≤ x_lᵀ δ ≤ h⁻¹(hi)`,
//! and f is concave in δ for the three links, so the maximum is found by Fisher scoring within a
//! primal active set (Nocedal & Wright, 2006, ch. 16.5): Newton-type steps restricted to the null
//! space of the active constraints, a ratio test adding the first constraint a step would cross,
//! and a constraint dropped when its Lagrange multiplier has the wrong sign. The Fisher
//! information is `Σ_l N_l h'(η_l)² / (P_l(1 − P_l)) x_l x_lᵀ`.

use super::design::{Design, Link};
use crate::math::spd_solve;

/// Outer iterations of one M-step.
const MAX_ITERATIONS: usize = 200;

/// The item's problem: design, link, expected counts and bounds on the link scale.
struct Problem<'a> {
    design: &'a Design,
    link: Link,
    n: &'a [f64],
    r: &'a [f64],
    eta_bounds: (f64, f64),
}

impl Problem<'_> {
    fn p(&self) -> usize {
        self.design.n_params
    }

    /// Constraint i: row `i / 2`, the lower bound (even i, `−x·δ ≤ −η_lo`) or the upper one
    /// (odd i, `x·δ ≤ η_hi`); its slack `b − a·δ` and `a·d`.
    fn slack(&self, i: usize, delta: &[f64]) -> f64 {
        let eta = self.design.eta(i / 2, delta);
        if i & 1 == 0 {
            eta - self.eta_bounds.0
        } else {
            self.eta_bounds.1 - eta
        }
    }

    fn a_dot(&self, i: usize, d: &[f64]) -> f64 {
        let v = self.design.eta(i / 2, d);
        if i & 1 == 0 {
            -v
        } else {
            v
        }
    }

    /// Constraint i's normal `a_i` as a dense vector.
    fn normal(&self, i: usize) -> Vec<f64> {
        let mut a = vec![0.0; self.p()];
        let sign = if i & 1 == 0 { -1.0 } else { 1.0 };
        for &(f, x) in &self.design.rows[i / 2] {
            a[f] = sign * x;
        }
        a
    }

    /// `P_l` at δ, kept inside (0, 1) for the logarithms.
    fn prob(&self, l: usize, delta: &[f64]) -> f64 {
        self.link
            .prob(self.design.eta(l, delta))
            .clamp(1e-300, 1.0 - 1e-16)
    }

    fn objective(&self, delta: &[f64]) -> f64 {
        (0..self.design.n_rows())
            .map(|l| {
                let p = self.prob(l, delta);
                self.r[l] * p.ln() + (self.n[l] - self.r[l]) * (1.0 - p).ln()
            })
            .sum()
    }

    /// Gradient and Fisher information (row-major, p × p) at δ.
    fn score(&self, delta: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let p = self.p();
        let mut g = vec![0.0; p];
        let mut info = vec![0.0; p * p];
        for (l, row) in self.design.rows.iter().enumerate() {
            let pl = self.prob(l, delta);
            let s = self.link.slope(pl);
            let v = pl * (1.0 - pl);
            let w = (self.r[l] - self.n[l] * pl) / v * s;
            let fisher = self.n[l] * s * s / v;
            for &(f, x) in row {
                g[f] += w * x;
                for &(e, y) in row {
                    info[f * p + e] += fisher * x * y;
                }
            }
        }
        (g, info)
    }
}

/// An orthonormal basis (as columns, p × m row-major) of the null space of the rows `a`.
fn null_space(a: &[Vec<f64>], p: usize) -> (Vec<f64>, usize) {
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let orthogonalise = |v: &mut Vec<f64>, basis: &[Vec<f64>]| {
        for _ in 0..2 {
            for b in basis {
                let c: f64 = v.iter().zip(b).map(|(x, y)| x * y).sum();
                v.iter_mut().zip(b).for_each(|(x, y)| *x -= c * y);
            }
        }
        v.iter().map(|x| x * x).sum::<f64>().sqrt()
    };
    for row in a {
        let mut v = row.clone();
        let norm = orthogonalise(&mut v, &basis);
        if norm > 1e-10 {
            v.iter_mut().for_each(|x| *x /= norm);
            basis.push(v);
        }
    }
    let rank = basis.len();
    for e in 0..p {
        if basis.len() == p {
            break;
        }
        let mut v = vec![0.0; p];
        v[e] = 1.0;
        let norm = orthogonalise(&mut v, &basis);
        if norm > 1e-8 {
            v.iter_mut().for_each(|x| *x /= norm);
            basis.push(v);
        }
    }
    let m = basis.len() - rank;
    let mut z = vec![0.0; p * m];
    for (c, v) in basis[rank..].iter().enumerate() {
        for f in 0..p {
            z[f * m + c] = v[f];
        }
    }
    (z, m)
}

/// The parameters δ maximising item j's expected log-likelihood with reduced-pattern counts
/// `n` (examinees) and `r` (correct answers), the success probabilities kept within `bounds`,
/// starting from `start` (replaced by a flat feasible point when it violates a bound).
pub fn m_step(
    design: &Design,
    link: Link,
    n: &[f64],
    r: &[f64],
    bounds: (f64, f64),
    start: &[f64],
) -> Vec<f64> {
    let problem = Problem {
        design,
        link,
        n,
        r,
        eta_bounds: (link.eta(bounds.0), link.eta(bounds.1)),
    };
    let p = problem.p();
    let n_constraints = 2 * design.n_rows();
    let mut delta = start.to_vec();
    if (0..n_constraints).any(|i| problem.slack(i, &delta) < -1e-12) {
        // The middle of the bounds for every pattern: intercept only.
        delta = vec![0.0; p];
        delta[0] = 0.5 * (problem.eta_bounds.0 + problem.eta_bounds.1);
    }
    // Constraints active at the start.
    let mut working: Vec<usize> = Vec::new();
    let mut value = problem.objective(&delta);
    for _ in 0..MAX_ITERATIONS {
        let (g, info) = problem.score(&delta);
        let normals: Vec<Vec<f64>> = working.iter().map(|&i| problem.normal(i)).collect();
        let (z, m) = null_space(&normals, p);
        // Reduced Fisher information ZᵀFZ (with a small ridge for patterns nobody is expected
        // in) and reduced gradient Zᵀg.
        let mut d = vec![0.0; p];
        let mut decrement = 0.0;
        if m > 0 {
            let trace: f64 = (0..p).map(|f| info[f * p + f]).sum();
            let ridge = 1e-10 * (1.0 + trace / p as f64);
            let mut reduced = vec![0.0; m * m];
            let mut rg = vec![0.0; m];
            for a in 0..m {
                rg[a] = (0..p).map(|f| z[f * m + a] * g[f]).sum();
                for b in 0..m {
                    let mut v = 0.0;
                    for f in 0..p {
                        let zf = z[f * m + a];
                        if zf != 0.0 {
                            for e in 0..p {
                                v += zf * info[f * p + e] * z[e * m + b];
                            }
                        }
                    }
                    reduced[a * m + b] = v + if a == b { ridge } else { 0.0 };
                }
            }
            if let Some(u) = spd_solve(&reduced, m, &rg, 1) {
                for f in 0..p {
                    d[f] = (0..m).map(|a| z[f * m + a] * u[a]).sum();
                }
                decrement = rg.iter().zip(&u).map(|(a, b)| a * b).sum();
            }
        }
        let scale = 1.0 + value.abs();
        if decrement <= 1e-20 * scale {
            // Stationary on the working set: the multipliers of g = Σ λ_i a_i (least squares).
            if working.is_empty() {
                break;
            }
            let w = working.len();
            let mut gram = vec![0.0; w * w];
            let mut ag = vec![0.0; w];
            for a in 0..w {
                ag[a] = normals[a].iter().zip(&g).map(|(x, y)| x * y).sum();
                for b in 0..w {
                    gram[a * w + b] = normals[a].iter().zip(&normals[b]).map(|(x, y)| x * y).sum();
                }
            }
            let Some(lambda) = spd_solve(&gram, w, &ag, 1) else {
                break;
            };
            let (worst, &min) = lambda
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(b.1))
                .expect("a non-empty working set");
            if min >= -1e-9 * scale {
                break;
            }
            working.remove(worst);
            continue;
        }
        // Ratio test: the longest step along d keeping every other constraint.
        let mut alpha_max = f64::INFINITY;
        let mut blocking = None;
        for i in (0..n_constraints).filter(|i| !working.contains(i)) {
            let ad = problem.a_dot(i, &d);
            if ad > 1e-14 {
                let step = problem.slack(i, &delta).max(0.0) / ad;
                if step < alpha_max {
                    alpha_max = step;
                    blocking = Some(i);
                }
            }
        }
        let mut alpha = alpha_max.min(1.0);
        let slope = decrement;
        let mut trial: Vec<f64>;
        let mut trial_value;
        let mut halvings = 0;
        loop {
            trial = delta.iter().zip(&d).map(|(x, y)| x + alpha * y).collect();
            trial_value = problem.objective(&trial);
            // Armijo's sufficient increase, up to the objective's rounding (near the maximum
            // the increase of a full step is below it).
            if trial_value - value >= 1e-4 * alpha * slope - 1e-14 * scale || alpha == 0.0 {
                break;
            }
            halvings += 1;
            if halvings > 40 {
                alpha = 0.0;
                trial = delta.clone();
                trial_value = value;
                break;
            }
            alpha *= 0.5;
        }
        let moved = alpha > 0.0;
        if alpha_max <= 1.0 && halvings == 0 {
            if let Some(i) = blocking {
                working.push(i);
            }
        } else if !moved {
            break;
        }
        let change = d.iter().map(|x| (alpha * x).abs()).fold(0.0, f64::max);
        delta = trial;
        value = trial_value;
        if change < 1e-14 && alpha_max > 1.0 {
            break;
        }
    }
    delta
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdm::CdmModel;

    #[test]
    fn one_attribute_reaches_the_proportions_or_the_bounds() {
        let design = Design::new(CdmModel::Acdm, 1);
        let bounds = (1e-4, 0.9999);
        // Interior: P = R/N per pattern.
        for link in [Link::Identity, Link::Logit, Link::Log] {
            let delta = m_step(
                &design,
                link,
                &[40.0, 60.0],
                &[10.0, 45.0],
                bounds,
                &[link.eta(0.5), 0.0],
            );
            let p0 = link.prob(design.eta(0, &delta));
            let p1 = link.prob(design.eta(1, &delta));
            assert!(
                (p0 - 0.25).abs() < 1e-9 && (p1 - 0.75).abs() < 1e-9,
                "{link:?} {p0} {p1}"
            );
            // Bound active: nobody right in pattern 0.
            let delta = m_step(
                &design,
                link,
                &[40.0, 60.0],
                &[0.0, 60.0],
                bounds,
                &[link.eta(0.5), 0.0],
            );
            let p0 = link.prob(design.eta(0, &delta));
            let p1 = link.prob(design.eta(1, &delta));
            assert!(
                (p0 - 1e-4).abs() < 1e-12 && (p1 - 0.9999).abs() < 1e-12,
                "{link:?} {p0} {p1}"
            );
        }
    }

    /// Two attributes (3 parameters, 4 patterns): the additive fit cannot follow the saturated
    /// proportions, and the constrained maximum is checked against a fine search along each
    /// feasible direction (no feasible direction improves f).
    #[test]
    fn two_attributes_satisfy_the_optimality_conditions() {
        let design = Design::new(CdmModel::Acdm, 2);
        let bounds = (1e-4, 0.9999);
        let n = [30.0, 25.0, 20.0, 50.0];
        for (link, r) in [
            (Link::Identity, [0.5, 20.0, 2.0, 49.9]),
            (Link::Logit, [3.0, 10.0, 12.0, 45.0]),
            (Link::Log, [0.0, 5.0, 15.0, 50.0]),
        ] {
            let problem = Problem {
                design: &design,
                link,
                n: &n,
                r: &r,
                eta_bounds: (link.eta(bounds.0), link.eta(bounds.1)),
            };
            let start = [link.eta(0.3), 0.0, 0.0];
            let delta = m_step(&design, link, &n, &r, bounds, &start);
            for i in 0..8 {
                assert!(problem.slack(i, &delta) >= -1e-12, "{link:?} feasible");
            }
            let f = problem.objective(&delta);
            // Random directions, short feasible steps: none improves f.
            let mut seed = 7u64;
            for _ in 0..2000 {
                let mut dir = [0.0; 3];
                for v in &mut dir {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    *v = ((seed >> 11) as f64 / (1u64 << 53) as f64) - 0.5;
                }
                for step in [1e-3, 1e-5] {
                    let t: Vec<f64> = delta.iter().zip(&dir).map(|(a, b)| a + step * b).collect();
                    if (0..8).all(|i| problem.slack(i, &t) >= 0.0) {
                        assert!(
                            problem.objective(&t) <= f + 1e-9,
                            "{link:?} improved along {dir:?}"
                        );
                    }
                }
            }
        }
    }
}
