//! The higher-order attribute distribution (de la Torre & Douglas, 2004): one continuous latent
//! trait θ ~ N(0, 1) underlies the attributes, which are mastered independently given θ with
//! `P(α_k = 1 | θ) = 1 / (1 + exp(−(λ_0k + λ_1k θ)))`, so a class's proportion is
//! `π_c = ∫ Π_k P(α_k | θ)^{α_ck} (1 − P(α_k | θ))^{1 − α_ck} φ(θ) dθ` (2K parameters), here on
//! [`NODES`] equally spaced points on [−4, 4] with normal-density weights.
//!
//! M-step (a generalized EM step on the expected class counts `N_c`): θ's posterior given each
//! class, `h_cq ∝ w_q L_c(θ_q)`, turns the structural log-likelihood `Σ_c N_c ln π_c` into K
//! weighted logistic regressions of α_k on θ_q, each solved by Newton's method.

/// Quadrature points.
pub const NODES: usize = 31;

/// Largest absolute intercept or slope (keeps a separable attribute from diverging).
const LIMIT: f64 = 20.0;

/// The θ grid and its normalised normal-density weights.
pub fn grid() -> (Vec<f64>, Vec<f64>) {
    let nodes: Vec<f64> = (0..NODES)
        .map(|q| -4.0 + 8.0 * q as f64 / (NODES - 1) as f64)
        .collect();
    let raw: Vec<f64> = nodes.iter().map(|t| (-0.5 * t * t).exp()).collect();
    let total: f64 = raw.iter().sum();
    (nodes, raw.into_iter().map(|w| w / total).collect())
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// `ln(w_q L_c(θ_q))` for every class (rows) and node (columns), `lambda = [λ_0k, λ_1k]` per
/// attribute.
fn log_joint(classes: &[u32], k: usize, lambda: &[f64]) -> Vec<f64> {
    let (nodes, weights) = grid();
    let mut log_p = vec![0.0; k * NODES];
    let mut log_q = vec![0.0; k * NODES];
    for a in 0..k {
        for (q, t) in nodes.iter().enumerate() {
            let p = logistic(lambda[2 * a] + lambda[2 * a + 1] * t).clamp(1e-300, 1.0 - 1e-16);
            log_p[a * NODES + q] = p.ln();
            log_q[a * NODES + q] = (1.0 - p).ln();
        }
    }
    let mut out = vec![0.0; classes.len() * NODES];
    for (c, &m) in classes.iter().enumerate() {
        for q in 0..NODES {
            let mut v = weights[q].ln();
            for a in 0..k {
                v += if m >> a & 1 == 1 {
                    log_p[a * NODES + q]
                } else {
                    log_q[a * NODES + q]
                };
            }
            out[c * NODES + q] = v;
        }
    }
    out
}

/// The class proportions implied by `lambda`.
pub fn class_proportions(classes: &[u32], k: usize, lambda: &[f64]) -> Vec<f64> {
    let joint = log_joint(classes, k, lambda);
    let pi: Vec<f64> = joint
        .chunks_exact(NODES)
        .map(|row| row.iter().map(|v| v.exp()).sum())
        .collect();
    let total: f64 = pi.iter().sum();
    pi.into_iter().map(|p| p / total).collect()
}

/// The derivatives of the class proportions with respect to the parameters (row-major,
/// classes x 2K, columns `λ_0k, λ_1k` per attribute):
/// `∂π_c/∂λ_0k = Σ_q w_q L_c(θ_q) (α_ck − P_k(θ_q))` and
/// `∂π_c/∂λ_1k = Σ_q w_q L_c(θ_q) (α_ck − P_k(θ_q)) θ_q` (the normalising sum Σ_c π_c is 1 at
/// every λ, so it has no derivative).
pub fn class_proportion_jacobian(classes: &[u32], k: usize, lambda: &[f64]) -> Vec<f64> {
    let (nodes, _) = grid();
    let joint = log_joint(classes, k, lambda);
    let mut out = vec![0.0; classes.len() * 2 * k];
    for (c, &m) in classes.iter().enumerate() {
        let row = &joint[c * NODES..(c + 1) * NODES];
        for a in 0..k {
            let alpha = f64::from((m >> a & 1) as u8);
            let (mut d0, mut d1) = (0.0, 0.0);
            for (q, &t) in nodes.iter().enumerate() {
                let r = row[q].exp() * (alpha - logistic(lambda[2 * a] + lambda[2 * a + 1] * t));
                d0 += r;
                d1 += r * t;
            }
            out[c * 2 * k + 2 * a] = d0;
            out[c * 2 * k + 2 * a + 1] = d1;
        }
    }
    out
}

/// One M-step: new `lambda` from the expected class counts `class_n`, starting from `lambda`.
pub fn m_step(classes: &[u32], k: usize, class_n: &[f64], lambda: &[f64]) -> Vec<f64> {
    let (nodes, _) = grid();
    let joint = log_joint(classes, k, lambda);
    // Expected masters and non-masters of each attribute at each node.
    let mut n1 = vec![0.0; k * NODES];
    let mut n0 = vec![0.0; k * NODES];
    for (c, &m) in classes.iter().enumerate() {
        let row = &joint[c * NODES..(c + 1) * NODES];
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let h: Vec<f64> = row.iter().map(|v| (v - max).exp()).collect();
        let total: f64 = h.iter().sum();
        for a in 0..k {
            let target = if m >> a & 1 == 1 { &mut n1 } else { &mut n0 };
            for q in 0..NODES {
                target[a * NODES + q] += class_n[c] * h[q] / total;
            }
        }
    }
    let mut out = lambda.to_vec();
    for a in 0..k {
        let (ones, zeros) = (
            &n1[a * NODES..(a + 1) * NODES],
            &n0[a * NODES..(a + 1) * NODES],
        );
        let objective = |b0: f64, b1: f64| -> f64 {
            (0..NODES)
                .map(|q| {
                    let p = logistic(b0 + b1 * nodes[q]).clamp(1e-300, 1.0 - 1e-16);
                    ones[q] * p.ln() + zeros[q] * (1.0 - p).ln()
                })
                .sum()
        };
        let (mut b0, mut b1) = (lambda[2 * a], lambda[2 * a + 1]);
        let mut value = objective(b0, b1);
        for _ in 0..25 {
            let (mut g0, mut g1, mut h00, mut h01, mut h11) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for q in 0..NODES {
                let t = nodes[q];
                let p = logistic(b0 + b1 * t);
                let n = ones[q] + zeros[q];
                let r = ones[q] - n * p;
                let w = n * p * (1.0 - p);
                g0 += r;
                g1 += r * t;
                h00 += w;
                h01 += w * t;
                h11 += w * t * t;
            }
            let det = h00 * h11 - h01 * h01;
            if det.abs() <= 1e-300 * (1.0 + h00 * h11) {
                break;
            }
            let (d0, d1) = ((h11 * g0 - h01 * g1) / det, (h00 * g1 - h01 * g0) / det);
            let mut step = 1.0;
            let mut moved = false;
            while step > 1e-6 {
                let (t0, t1) = (
                    (b0 + step * d0).clamp(-LIMIT, LIMIT),
                    (b1 + step * d1).clamp(-LIMIT, LIMIT),
                );
                let v = objective(t0, t1);
                if v >= value - 1e-12 * value.abs().max(1.0) {
                    moved = (t0 - b0).abs().max((t1 - b1).abs()) > 1e-12;
                    (b0, b1, value) = (t0, t1, v);
                    break;
                }
                step *= 0.5;
            }
            if !moved {
                break;
            }
        }
        out[2 * a] = b0;
        out[2 * a + 1] = b1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cdm::patterns::attribute_patterns;

    #[test]
    fn proportions_follow_the_trait() {
        let classes = attribute_patterns(2);
        // Zero slopes: independent attributes with P = logistic(λ_0).
        let pi = class_proportions(&classes, 2, &[0.0, 0.0, 1.0, 0.0]);
        let p2 = logistic(1.0);
        assert!((pi[0] - 0.5 * (1.0 - p2)).abs() < 1e-14);
        assert!((pi[3] - 0.5 * p2).abs() < 1e-14);
        // A common trait makes the attributes positively related.
        let pi = class_proportions(&classes, 2, &[0.0, 2.0, 0.0, 2.0]);
        assert!(pi[0] * pi[3] > pi[1] * pi[2]);
        assert!((pi.iter().sum::<f64>() - 1.0).abs() < 1e-14);
    }

    #[test]
    fn m_step_recovers_the_proportions_it_was_given() {
        // Expected counts exactly proportional to a higher-order model's class proportions:
        // repeated M-steps from another start move back to its λ.
        let classes = attribute_patterns(3);
        let truth = [-0.5, 1.5, 0.3, 1.0, 0.8, 2.0];
        let n: Vec<f64> = class_proportions(&classes, 3, &truth)
            .iter()
            .map(|p| 1000.0 * p)
            .collect();
        let mut lambda = vec![0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        for _ in 0..500 {
            lambda = m_step(&classes, 3, &n, &lambda);
        }
        for (a, b) in lambda.iter().zip(&truth) {
            assert!((a - b).abs() < 2e-3, "{lambda:?}");
        }
    }

    #[test]
    fn jacobian_matches_finite_differences() {
        let classes = attribute_patterns(3);
        let lambda = [-0.5, 1.5, 0.3, 1.0, 0.8, 2.0];
        let jac = class_proportion_jacobian(&classes, 3, &lambda);
        let h = 1e-6;
        for s in 0..6 {
            let mut up = lambda;
            let mut dn = lambda;
            up[s] += h;
            dn[s] -= h;
            let (pu, pd) = (
                class_proportions(&classes, 3, &up),
                class_proportions(&classes, 3, &dn),
            );
            for c in 0..classes.len() {
                let fd = (pu[c] - pd[c]) / (2.0 * h);
                assert!(
                    (fd - jac[c * 6 + s]).abs() < 1e-8,
                    "class {c} param {s}: {fd} vs {}",
                    jac[c * 6 + s]
                );
            }
        }
    }
}
